/**
 * Vega-Lite → Vega → SVG in Node (vega's headless renderer: no browser, no canvas, no native
 * build), then SVG → PNG with resvg (a prebuilt Rust binary shipped inside the npm package).
 * resvg needs a font for text: it loads the system fonts and prefers DejaVu Sans
 * (Debian fonts-dejavu-core); with no font at all the PNG is drawn without its labels.
 */
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { Resvg } from '@resvg/resvg-js';
import type { VlSpec } from './specs.js';

/** Render a Vega-Lite spec to a standalone SVG string. */
export async function renderSvg(spec: VlSpec): Promise<string> {
  // A cast at a true boundary: the specs are built as plain records (specs.ts), vega-lite's TopLevelSpec is a deep union.
  const vgSpec = compile(spec as never).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface PngOptions {
  /** Pixel density: 2 draws each SVG unit as 2 pixels. @default 2 */
  scale?: number;
  /** Font family for text without an available family. @default 'DejaVu Sans' */
  defaultFontFamily?: string;
}

/** Rasterise an SVG string to PNG bytes. */
export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: options.defaultFontFamily ?? 'DejaVu Sans', sansSerifFamily: options.defaultFontFamily ?? 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
