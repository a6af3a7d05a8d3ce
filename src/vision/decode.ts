/**
 * The ONE node-only module of vision: decoding image files with sharp, and locating the wasm and
 * traineddata that ship in node_modules (so nothing is fetched from a network).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { fileURLToPath } from 'node:url';
import { DigitModel, digitNet, type DigitNet } from './digits';
import { CombNetModel, combNet, type CombNet } from './handwriting/combNet';
import { clipRect, crop, type GreyImage } from './image';
import { chooseDpi, COARSE_VIEW_FACTOR, pageWithCoarseView, reduceFactorFor, type DecodedPage } from './page';
import { DEFAULT_VISION_SETTINGS, type VisionSettings } from './settings';

const require = createRequire(import.meta.url);

/**
 * Decode a JPEG / PNG / TIFF / PNM buffer to 8-bit grey. A colour JPEG gives its coarse image now
 * (libjpeg's scaled decode, shrink-on-load: ~18 ms of CPU for 300 dpi A4 against ~72 ms for the full
 * image) and the full-resolution image (or a rectangle of it) when the reader asks; anything else
 * decodes once, in full, with the reduced image and a coarse view box-filtered from it.
 * `dpi` overrides what the file says.
 */
export async function decodeImage(
  buf: Uint8Array,
  opts: { dpi?: number; settings?: VisionSettings; now?: () => number; greyCoarseFirst?: boolean } = {},
): Promise<DecodedPage> {
  const settings = opts.settings ?? DEFAULT_VISION_SETTINGS;
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  if (isPnm(buf)) {
    const full = decodePnm(buf);
    const { dpi, source } = chooseDpi(full, undefined, opts.dpi, settings);
    return { ...pageWithCoarseView(full, reduceFactorFor(dpi, settings), dpi, source), decodeMs: now() - t0 };
  }
  const load = () => sharp(buf, { failOn: 'none', limitInputPixels: 20000 * 20000 }).rotate(); // honour EXIF orientation
  const meta = await load().metadata();
  const size = meta.autoOrient ?? { width: meta.width ?? 0, height: meta.height ?? 0 };
  const { dpi, source } = chooseDpi(size, meta.density, opts.dpi, settings);
  // A colour JPEG pays for the colour conversion of every pixel (~72 ms of CPU at 300 dpi A4), so it is
  // shrunk first. A grey one decodes in full for ~40 ms against ~16 for its scaled decode, but a noisy
  // blank back's full decode costs ~85: `greyCoarseFirst` (the reader's choice, from the stack's share
  // of blank backs) shrinks it first too.
  const shrink = meta.format === 'jpeg' && (meta.channels !== 1 || opts.greyCoarseFirst === true) ? jpegShrinkFor(dpi, settings) : null;
  if (shrink === null) {
    const full = await toGrey(load());
    return { ...pageWithCoarseView(full, reduceFactorFor(dpi, settings), dpi, source), decodeMs: now() - t0 };
  }
  const reduced = await toGrey(load().resize({ width: Math.ceil(size.width / shrink), height: Math.ceil(size.height / shrink), fit: 'fill', kernel: JPEG_REDUCE_KERNEL }));
  let full: Promise<GreyImage> | null = null;
  return {
    reduced,
    reduceFactor: shrink,
    width: size.width,
    height: size.height,
    dpi,
    dpiSource: source,
    decodeMs: now() - t0,
    full: () => (full ??= toGrey(load())),
    region: async (r) => {
      if (full) return crop(await full, r);
      const c = clipRect(size, r);
      return c.w > 0 && c.h > 0 ? toGrey(load().extract({ left: c.x, top: c.y, width: c.w, height: c.h })) : { data: new Uint8Array(0), width: 0, height: 0 };
    },
  };
}

/**
 * The JPEG shrink-on-load factor: four times the settings' reduction (300 dpi → 1/8: libjpeg decodes
 * at 1/4 in the DCT, ~18 ms of CPU, and libvips halves that), coarse enough to be cheap, fine enough
 * for the blank check, the marks and the QR's place (readPage reads the page again in full when it has fields).
 * sharp takes the scaled decode only for whole shrinks of 4, 8 or 16; other factors decode in full.
 */
function jpegShrinkFor(dpi: number, settings: VisionSettings): 4 | 8 | 16 | null {
  const f = reduceFactorFor(dpi, settings) * COARSE_VIEW_FACTOR;
  return f === 4 || f === 8 || f === 16 ? f : null;
}

const JPEG_REDUCE_KERNEL = 'linear';

async function toGrey(img: Sharp): Promise<GreyImage> {
  const { data, info } = await img
    .flatten({ background: '#ffffff' })
    .grayscale()
    .toColourspace('b-w')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1) throw new Error(`expected 1 channel, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

function isPnm(b: Uint8Array): boolean {
  return b.length > 2 && b[0] === 0x50 && b[1]! >= 0x31 && b[1]! <= 0x36;
}

/** Netpbm P1–P6 to grey (P3/P6 averaged with luma weights, 16-bit scaled down). */
export function decodePnm(b: Uint8Array): GreyImage {
  const kind = b[1]! - 0x30;
  let pos = 2;
  const token = (): number => {
    for (;;) {
      while (pos < b.length && /\s/.test(String.fromCharCode(b[pos]!))) pos++;
      if (b[pos] === 0x23) while (pos < b.length && b[pos] !== 0x0a) pos++;
      else break;
    }
    let s = '';
    while (pos < b.length && !/\s/.test(String.fromCharCode(b[pos]!))) s += String.fromCharCode(b[pos++]!);
    const v = Number(s);
    if (!Number.isFinite(v)) throw new Error('bad PNM header');
    return v;
  };
  const width = token();
  const height = token();
  const max = kind === 1 || kind === 4 ? 1 : token();
  const out = new Uint8Array(width * height);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const scale = 255 / max;
  if (kind <= 3) {
    for (let i = 0; i < width * height; i++) {
      let acc = 0;
      for (let c = 0; c < channels; c++) acc += token() * (channels === 3 ? [0.299, 0.587, 0.114][c]! : 1);
      out[i] = kind === 1 ? (acc ? 0 : 255) : Math.round(acc * scale);
    }
    return { data: out, width, height };
  }
  pos++; // single whitespace after the header
  if (kind === 4) {
    const rowBytes = Math.ceil(width / 8);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) out[y * width + x] = (b[pos + y * rowBytes + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
    return { data: out, width, height };
  }
  const bytes = max > 255 ? 2 : 1;
  for (let i = 0; i < width * height; i++) {
    let acc = 0;
    for (let c = 0; c < channels; c++) {
      const o = pos + (i * channels + c) * bytes;
      const v = bytes === 2 ? (b[o]! << 8) | b[o + 1]! : b[o]!;
      acc += v * (channels === 3 ? [0.299, 0.587, 0.114][c]! : 1);
    }
    out[i] = Math.round(acc * scale);
  }
  return { data: out, width, height };
}

/** The comb digit reader's weights (src/vision/models/digits-mlp.json, made by tools/trainDigits.ts). */
export function loadDigitNet(): DigitNet {
  const file = fileURLToPath(new URL('./models/digits-mlp.json', import.meta.url));
  const parsed = DigitModel.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a paperloop.digits/1 model (${parsed.error.issues[0]?.message}); run node --import tsx tools/trainDigits.ts`);
  return { ...digitNet(parsed.data), comb: loadCombNet() };
}

/** The comb network's weights (src/vision/models/comb-net.json, made by tools/trainCombNet.ts). */
export function loadCombNet(): CombNet {
  const file = fileURLToPath(new URL('./models/comb-net.json', import.meta.url));
  const parsed = CombNetModel.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a paperloop.comb-net/1 model (${parsed.error.issues[0]?.message}); run node --import tsx tools/trainCombNet.ts`);
  return combNet(parsed.data);
}

/** The zxing reader's wasm, read from node_modules. */
export function zxingReaderWasm(): Uint8Array {
  return readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
}

/** The folder holding eng.traineddata.gz (LSTM best_int) inside @tesseract.js-data/eng. */
export function tesseractLangPath(lang = 'eng'): string {
  return path.join(path.dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), '4.0.0_best_int');
}
