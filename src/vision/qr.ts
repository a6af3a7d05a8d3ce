/**
 * QR stage: where to look (from the marks, before the page is known), and decoding with
 * zxing-wasm. The wasm bytes are passed in (decode.ts loads them from node_modules), so nothing is
 * ever fetched from a CDN.
 */
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';
import type { Corner } from '../layout/printedPage';
import { err, ok, type Result } from '../domain/result';
import { applyH, boundingBox, solveHomography } from './homography';
import { clipRect, downsample, toPgm, type GreyImage, type Point, type PxRect } from './image';
import type { MeasuredMark } from './marks';
import { reduceFactorFor, type DecodedPage } from './page';
import type { VisionSettings } from './settings';

export type QrHit = { text: string; /** centre in the pixels of the image given to `read` */ centre: Point };

/** Anything that finds QR codes in a grey image. Injected, so stages stay testable. */
export interface QrReader {
  read(img: GreyImage, opts: { maxSymbols: number }): Promise<QrHit[]>;
}

/** A QR reader over zxing-wasm, initialised from the given wasm bytes. */
export async function createZxingQrReader(wasmBinary: Uint8Array | ArrayBuffer): Promise<QrReader> {
  const bytes = wasmBinary instanceof Uint8Array ? wasmBinary.buffer.slice(wasmBinary.byteOffset, wasmBinary.byteOffset + wasmBinary.byteLength) : wasmBinary;
  await prepareZXingModule({ overrides: { wasmBinary: bytes as ArrayBuffer }, fireImmediately: true });
  return {
    async read(img, { maxSymbols }) {
      if (img.width < 21 || img.height < 21) return []; // smaller than the smallest QR symbol
      let results: Awaited<ReturnType<typeof readBarcodes>>;
      try {
        // A PGM is handed to zxing as one grey channel, the same luminance an RGBA copy gave it (r = g = b) at a
        // quarter of the bytes (a QR crop's read 12 → 7 ms loaded).
        results = await readBarcodes(
          toPgm(img),
          { formats: ['QRCode'], tryHarder: true, tryRotate: true, tryInvert: false, tryDownscale: true, maxNumberOfSymbols: maxSymbols },
        );
      } catch {
        return []; // an image the decoder chokes on holds no QR we can use
      }
      return results
        .filter((r) => r.isValid)
        .map((r) => {
          const p = r.position;
          return {
            text: r.text,
            centre: { x: (p.topLeft.x + p.topRight.x + p.bottomRight.x + p.bottomLeft.x) / 4, y: (p.topLeft.y + p.topRight.y + p.bottomRight.y + p.bottomLeft.y) / 4 },
          };
        });
    },
  };
}

/**
 * Where the QR should be (full-resolution px), before the page is known: a rectangle given in mm
 * relative to the top-right mark, mapped through a provisional homography that puts the marks on
 * a rectangle sized from their distances and the dpi.
 */
export function qrSearchRect(byPageCorner: Record<Corner, MeasuredMark>, dpi: number, settings: VisionSettings): PxRect | null {
  const k = dpi / 25.4;
  const { tl, tr, br, bl } = byPageCorner;
  const d = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);
  const dx = (d(tl, tr) + d(bl, br)) / 2 / k;
  const dy = (d(tl, bl) + d(tr, br)) / 2 / k;
  const h = solveHomography([
    { from: { x: 0, y: 0 }, to: tl },
    { from: { x: dx, y: 0 }, to: tr },
    { from: { x: dx, y: dy }, to: br },
    { from: { x: 0, y: dy }, to: bl },
  ]);
  if (!h) return null;
  const r = settings.qr.searchFromTopRightMarkMm;
  const corners = [
    { x: dx + r.x, y: r.y },
    { x: dx + r.x + r.w, y: r.y },
    { x: dx + r.x + r.w, y: r.y + r.h },
    { x: dx + r.x, y: r.y + r.h },
  ].map((p) => applyH(h, p));
  const bb = boundingBox(corners);
  return { x: Math.floor(bb.x), y: Math.floor(bb.y), w: Math.ceil(bb.w), h: Math.ceil(bb.h) };
}

export type QrFound = { text: string; /** full-resolution px */ centre: Point; via: 'crop' | 'page' };
export type QrFailure = { kind: 'no_qr'; detail: string };

/**
 * Decode the QR from the crop (full resolution, decoded on its own); when that fails and the settings
 * allow it, from the whole page at the settings' reduced resolution. `prefer` picks among several
 * symbols on a page (ours first).
 */
export async function findQr(
  reader: QrReader,
  page: DecodedPage,
  search: PxRect | null,
  settings: VisionSettings,
  prefer: (text: string) => boolean,
): Promise<Result<QrFound, QrFailure>> {
  if (search) {
    const c = clipRect(page, search);
    if (c.w > 0 && c.h > 0) {
      const hits = await reader.read(await page.region(c), { maxSymbols: 1 });
      const hit = hits[0];
      if (hit) return ok({ text: hit.text, centre: { x: hit.centre.x + c.x, y: hit.centre.y + c.y }, via: 'crop' });
    }
  }
  if (!search || settings.qr.fullPageFallback) {
    // A JPEG's reduced image is smaller than the settings' (decode.ts): too coarse for a QR's modules.
    const f = reduceFactorFor(page.dpi, settings);
    const whole = f === page.reduceFactor ? page.reduced : downsample(await page.full(), f);
    const hits = await reader.read(whole, { maxSymbols: 4 });
    const hit = hits.find((h) => prefer(h.text)) ?? hits[0];
    if (hit) return ok({ text: hit.text, centre: { x: hit.centre.x * f, y: hit.centre.y * f }, via: 'page' });
  }
  return err({ kind: 'no_qr', detail: search ? 'no QR in the expected place or on the page' : 'no QR on the page' });
}
