// Render one page of a PDF to PNG with PDF.js's canvas renderer.
//
//   node render.mjs IN.pdf PAGE OUT.png [SCALE]
//
// PAGE is 1-based; SCALE defaults to 1 (72 dpi). Annotations are drawn from
// their appearance streams (AnnotationMode.ENABLE, what the viewer uses for
// printing-style output); ENABLE_FORMS would leave form widgets off the canvas
// for the HTML layer that a browser has and Node does not. The canvas is
// @napi-rs/canvas, which pdfjs-dist uses in Node. Runs offline.

import fs from "node:fs";
import { createCanvas } from "@napi-rs/canvas";
import { AnnotationMode, getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import { failing, localOptions } from "./local.mjs";


const fail = failing("render.mjs");

async function main() {
  const [src, pageArg, dst, scaleArg = "1"] = process.argv.slice(2);
  if (!dst) fail("usage: node render.mjs IN.pdf PAGE OUT.png [SCALE]");
  const pageNumber = Number(pageArg);
  const scale = Number(scaleArg);
  if (!(scale > 0)) fail(`bad scale ${JSON.stringify(scaleArg)}`);

  const data = new Uint8Array(fs.readFileSync(src));
  const doc = await getDocument({ data, ...localOptions() }).promise;
  if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) {
    fail(`page ${pageArg} is not in 1..${doc.numPages}`);
  }
  const page = await doc.getPage(pageNumber);
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  await page.render({
    canvas,
    canvasContext: canvas.getContext("2d"),
    viewport,
    annotationMode: AnnotationMode.ENABLE,
    background: "#ffffff",
  }).promise;
  fs.writeFileSync(dst, await canvas.encode("png"));
  await doc.destroy();
}

main().catch((err) => {
  console.error(`render.mjs: ${err?.stack ?? err}`);
  process.exit(1);
});
