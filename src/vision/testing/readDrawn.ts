/** Test-only: the sample page drawn with ink, scanned a little turned, blurred and noisy at 200 dpi, and read end to end. */
import { zxingReaderWasm } from '../decode';
import { pageFromGrey } from '../page';
import { createZxingQrReader, type QrReader } from '../qr';
import { readPage } from '../readPage';
import type { VisionSettings } from '../settings';
import { drawPage, scanPage, type PageInk } from './drawPage';
import { sampleStore } from './samplePage';

/** Paper brightness of the drawn page; `grey(share)` is a grey as a share of it (0.75: residue as the synth's darkest). */
export const PAPER = 245;
export const grey = (share: number) => Math.round(share * PAPER);

export function drawnPageReader(extraRows = 8) {
  const { page, lookup } = sampleStore({ extraRows });
  let qr: QrReader | undefined;
  async function read(ink: PageInk[], settings?: VisionSettings) {
    qr ??= await createZxingQrReader(zxingReaderWasm());
    const img = scanPage(drawPage(page, { dpi: 200, paper: PAPER, ink }), { rotateDeg: 1.5, blurPx: 0.8, noise: 3, seed: 7 });
    const r = await readPage(pageFromGrey(img, 200), { lookupPage: lookup, qr, ...(settings ? { settings } : {}) });
    if (!r.ok) throw new Error(`refused: ${r.reason}: ${r.detail}`);
    return new Map(r.fields.map((f) => [f.fieldId, f]));
  }
  return { page, read };
}
