// Fill AcroForm fields with PDF.js and save the way Firefox's viewer does.
//
//   node fill.mjs IN.pdf OUT.pdf VALUES.json
//
// A password-protected PDF is opened with the password in PDFJS_PASSWORD.
//
// VALUES.json maps fully qualified field names to values:
//   text field  -> string
//   check box   -> true / false
//   radio group -> export value (string) of the button to turn on, e.g. "7"
//
// Values go into doc.annotationStorage exactly as the viewer's annotation
// layer puts them there when a person types or clicks, then
// PDFDocumentProxy.saveDocument() writes the file. Runs offline: every data
// file PDF.js may want (standard fonts, CMaps, wasm decoders, ICC profiles)
// is read from the installed pdfjs-dist package.

import fs from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { failing, localOptions } from "./local.mjs";


const fail = failing("fill.mjs");

// One storage entry per widget, keyed by widget id, as the viewer writes them.
function entriesFor(name, widgets, value) {
  const kind = widgets[0].type;
  const out = [];
  if (kind === "text") {
    if (typeof value !== "string") fail(`text field "${name}" needs a string, got ${JSON.stringify(value)}`);
    // TextWidgetAnnotationElement "input": {value} on the widget and every sibling.
    for (const w of widgets) out.push([w.id, { value }]);
  } else if (kind === "checkbox") {
    if (typeof value !== "boolean") fail(`check box "${name}" needs true or false, got ${JSON.stringify(value)}`);
    // CheckboxWidgetAnnotationElement "change" on the first widget: siblings with
    // the same export value follow it, others turn off.
    const on = widgets[0].exportValues;
    for (const w of widgets) out.push([w.id, { value: value && w.exportValues === on }]);
  } else if (kind === "radiobutton") {
    if (typeof value !== "string") fail(`radio group "${name}" needs an export value string, got ${JSON.stringify(value)}`);
    // RadioButtonWidgetAnnotationElement "change": every button {value:false},
    // then the clicked one {value:true}.
    const hit = widgets.find((w) => w.exportValues === value);
    if (!hit) {
      const known = widgets.map((w) => JSON.stringify(w.exportValues)).join(", ");
      fail(`radio group "${name}" has no button with export value ${JSON.stringify(value)} (has ${known})`);
    }
    for (const w of widgets) out.push([w.id, { value: w === hit }]);
  } else {
    fail(`field "${name}" is of type "${kind}", which fill.mjs does not handle`);
  }
  return out;
}

async function main() {
  const [src, dst, valuesPath] = process.argv.slice(2);
  if (!valuesPath) fail("usage: node fill.mjs IN.pdf OUT.pdf VALUES.json");
  const values = JSON.parse(fs.readFileSync(valuesPath, "utf8"));

  const data = new Uint8Array(fs.readFileSync(src));
  const password = process.env.PDFJS_PASSWORD;
  const doc = await getDocument({ data, ...localOptions(), ...(password ? { password } : {}) })
    .promise;
  const fields = (await doc.getFieldObjects()) ?? {};

  for (const [name, value] of Object.entries(values)) {
    // Entries with an empty type and page -1 are non-terminal parents, not widgets.
    const widgets = (fields[name] ?? []).filter((w) => w.type);
    if (widgets.length === 0) {
      const known = Object.keys(fields).sort().join(", ") || "none";
      fail(`unknown field "${name}" (fields: ${known})`);
    }
    for (const [id, entry] of entriesFor(name, widgets, value)) {
      doc.annotationStorage.setValue(id, entry);
    }
  }

  const bytes = await doc.saveDocument();
  fs.writeFileSync(dst, bytes);
  await doc.destroy();
}

main().catch((err) => {
  console.error(`fill.mjs: ${err?.stack ?? err}`);
  process.exit(1);
});
