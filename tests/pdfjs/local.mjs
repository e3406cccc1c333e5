// What fill.mjs, render.mjs and struct.mjs share: options that keep PDF.js local (every data
// file it may want, from the installed pdfjs-dist package; no font faces, no eval), and
// a way to stop with a message.

import { createRequire } from "node:module";
import path from "node:path";

export function localOptions() {
  const pkg = path.dirname(createRequire(import.meta.url).resolve("pdfjs-dist/package.json"));
  const dir = (name) => path.join(pkg, name) + path.sep; // PDF.js wants a trailing slash
  return {
    standardFontDataUrl: dir("standard_fonts"),
    cMapUrl: dir("cmaps"),
    cMapPacked: true,
    wasmUrl: dir("wasm"),
    iccUrl: dir("iccs"),
    disableFontFace: true,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0, // errors only
  };
}

export function failing(script) {
  return (message) => {
    console.error(`${script}: ${message}`);
    process.exit(2);
  };
}
