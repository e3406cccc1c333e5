// Print what PDF.js gives assistive technology, page by page, as JSON.
//
//   node struct.mjs IN.pdf
//
// For each page: `tree`, the structure tree as page.getStructTree() gives it (roles,
// alt, lang, bbox, and the marked content and annotations each element owns, as ids);
// `text`, the text of each marked-content sequence with an MCID, by id, from
// page.getTextContent({includeMarkedContent: true}); `annotations`, every annotation
// with its id (as the tree names it), subtype, field name and type, and the alternative
// text PDF.js found for it (a widget's /TU, a link's /Contents). Used by
// tests/test_pdfua.py. Runs offline.

import fs from "node:fs";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { localOptions } from "./local.mjs";

// The text of every marked-content sequence with an id (an MCID), by id; text in
// sequences without one (artifacts) is left out. A line's end counts as a space.
function markedText(items) {
  const text = {};
  const open = []; // the ids of the sequences open, innermost last (null: no MCID)
  for (const item of items) {
    if (item.type === "beginMarkedContentProps" || item.type === "beginMarkedContent") {
      open.push(item.id ?? null);
    } else if (item.type === "endMarkedContent") {
      open.pop();
    } else if (item.str !== undefined) {
      const id = open.findLast((x) => x !== null);
      if (id !== undefined && !open.includes(null)) {
        text[id] = (text[id] ?? "") + item.str + (item.hasEOL ? " " : "");
      }
    }
  }
  return text;
}

function annotation(a) {
  return {
    id: a.id,
    subtype: a.subtype,
    fieldType: a.fieldType ?? null,
    fieldName: a.fieldName ?? null,
    alternativeText: a.alternativeText || a.contentsObj?.str || "",
  };
}

async function main() {
  const [src] = process.argv.slice(2);
  if (!src) {
    console.error("usage: node struct.mjs IN.pdf");
    process.exit(2);
  }
  const data = new Uint8Array(fs.readFileSync(src));
  const doc = await getDocument({ data, ...localOptions() }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const content = await page.getTextContent({ includeMarkedContent: true });
    pages.push({
      tree: await page.getStructTree(),
      text: markedText(content.items),
      annotations: (await page.getAnnotations()).map(annotation),
    });
  }
  process.stdout.write(JSON.stringify({ pages }));
}

main().catch((error) => {
  console.error(`struct.mjs: ${error?.stack ?? error}`);
  process.exit(1);
});
