import { beforeAll, describe, expect, it } from 'vitest';
import { zxingReaderWasm } from './decode';
import { pageFromGrey } from './page';
import { createZxingQrReader, type QrReader } from './qr';
import { readPage } from './readPage';
import { drawPage, scanPage, type PageInk } from './testing/drawPage';
import { sampleStore } from './testing/samplePage';

const { page, lookup } = sampleStore({ extraRows: 8 });
let qr: QrReader;
beforeAll(async () => {
  qr = await createZxingQrReader(zxingReaderWasm());
});

const PAPER = 245;
/** Residue of an erased fill, as grey as the held-out corpus's worst: 78 % of the paper's brightness. */
const RESIDUE = Math.round(0.78 * PAPER);
const t = (fieldId: string, value: string, style: 'full' | 'erasure', column?: number): PageInk => ({
  kind: 'target', fieldId, value, style, ...(style === 'erasure' ? { grey: RESIDUE } : {}), ...(column === undefined ? {} : { column }),
});

async function read(ink: PageInk[]) {
  const img = scanPage(drawPage(page, { dpi: 200, paper: PAPER, ink }), { rotateDeg: 1.5, blurPx: 0.8, noise: 3, seed: 7 });
  const r = await readPage(pageFromGrey(img, 200), { lookupPage: lookup, qr });
  if (!r.ok) throw new Error(`refused: ${r.reason}: ${r.detail}`);
  return new Map(r.fields.map((f) => [f.fieldId, f]));
}

describe('marks decided against their neighbours (issue 13)', () => {
  it('a dark erasure (78 % grey) beside a solid mark is not graded as a second answer: B, or review', async () => {
    const fields = await read([t('q3', 'B', 'full'), t('q3', 'A', 'erasure'), t('q1', 'C', 'full'), t('x1', 'D', 'full'), t('x2', 'A', 'full')]);
    const q3 = fields.get('q3')!;
    expect(q3.status === 'review' || q3.value === 'B', `${q3.value} (${q3.status}) ${JSON.stringify(q3.evidence.fills)}`).toBe(true);
    expect(q3.status === 'ok' && q3.value === 'A,B').toBe(false);
  });

  it('in a single-choice question, the solid mark is the answer and the dark residue beside it an erasure, as a teacher reads it', async () => {
    const fields = await read([t('q1', 'B', 'full'), t('q1', 'A', 'erasure'), t('q3', 'C', 'full'), t('x1', 'D', 'full'), t('x2', 'A', 'full')]);
    expect(fields.get('q1')).toMatchObject({ status: 'ok', value: 'B', reasons: ['erased:A'] });
  });

  it('residue beside a digit in its own digit-grid column is an erasure; the number reads', async () => {
    const fields = await read([t('q4', '1', 'full', 2), t('q4', '6', 'erasure', 2), t('q4', '5', 'full', 4), t('q1', 'C', 'full'), t('x1', 'D', 'full')]);
    expect(fields.get('q4')).toMatchObject({ status: 'ok', value: '1.5' });
  });

  it('residue left in an unused digit-grid column does not become a leading digit', async () => {
    const fields = await read([t('q4', '1', 'full', 2), t('q4', '5', 'full', 4), t('q4', '7', 'erasure', 1), t('q1', 'C', 'full'), t('x1', 'D', 'full')]);
    const q4 = fields.get('q4')!;
    expect(q4.status === 'review' || q4.value === '1.5', `${q4.value} (${q4.status})`).toBe(true);
  });

  it('the same residue alone on a page of solid marks goes to review, not silently to a mark', async () => {
    const fields = await read([t('q1', 'B', 'erasure'), t('q3', 'C', 'full'), t('x1', 'D', 'full'), t('x2', 'A', 'full'), t('x3', 'B', 'full')]);
    const q1 = fields.get('q1')!;
    expect(q1.status === 'review' || q1.value === null, `${q1.value} (${q1.status})`).toBe(true);
  });
});
