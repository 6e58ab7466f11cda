/**
 * Rasterise an SVG picture to PNG under Node, as the app's Export → PNG does with the browser's
 * canvas: with resvg compiled to WebAssembly (@resvg/resvg-wasm, no native binary), at 2×. Text
 * needs a font file; Debian's DejaVu Sans (package fonts-dejavu-core) is used.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { initWasm, Resvg } from '@resvg/resvg-wasm';

/** The font the picture's text is drawn with. */
export const FONT_FILE = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

/** The app draws its PNG at twice the SVG's size; so does this. */
const ZOOM = 2;

let ready: Promise<void> | undefined;

/** Load resvg's WebAssembly once per process. */
function initResvg(): Promise<void> {
  ready ??= (async () => {
    const wasmPath = createRequire(import.meta.url).resolve('@resvg/resvg-wasm/index_bg.wasm');
    await initWasm(await readFile(wasmPath));
  })();
  return ready;
}

async function readFont(): Promise<Uint8Array> {
  try {
    return await readFile(FONT_FILE);
  } catch {
    throw new Error(
      `the font ${FONT_FILE} is missing; PNG text needs it (on Debian: apt-get install fonts-dejavu-core).`,
    );
  }
}

/** The SVG drawn as PNG bytes. Throws if the font file is missing or the SVG cannot be drawn. */
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const font = await readFont();
  await initResvg();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: ZOOM },
    font: {
      fontBuffers: [font],
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
      monospaceFamily: 'DejaVu Sans',
    },
  });
  try {
    const image = resvg.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
