import { beforeAll, describe, expect, it } from 'vitest';
import { zxingReaderWasm } from './decode';
import { pageFromGrey } from './page';
import { createZxingQrReader, type QrReader } from './qr';
import { readPage } from './readPage';
import { drawPage, scanPage, scanPoint, type PageInk } from './testing/drawPage';
import { sampleStore } from './testing/samplePage';
import { addStreak } from './testing/scan';
import { VisionSettings } from './settings';
import type { PrintedPage } from '../layout/printedPage';

const { page, lookup } = sampleStore({ extraRows: 8 });
let qr: QrReader;
beforeAll(async () => {
  qr = await createZxingQrReader(zxingReaderWasm());
});
const DPI = 200;
const t = (fieldId: string, value: string): PageInk => ({ kind: 'target', fieldId, value, style: 'full' });
const INK = [t('q1', 'B'), t('q3', 'A'), t('q3', 'D'), t('x1', 'C'), t('x5', 'A'), t('x8', 'D')];
const SCAN = { rotateDeg: 2, blurPx: 0.7, noise: 3, seed: 3, background: 60 };
/** Keystone across the page width: no affine placement from three anchors fits the whole page within geometry.anchorTrustMm. */
const PERSPECTIVE = 0.02;

/** The page printed, its top-left corner torn off (the scanner's dark backing shows), scanned. */
function tornScan(p: PrintedPage, scan: typeof SCAN & { perspective?: number }, ink: readonly PageInk[] = INK) {
  const drawn = drawPage(p, { dpi: DPI, ink, marks: ['tr', 'br', 'bl'] });
  const k = DPI / 25.4;
  for (let y = 0; y < 30 * k; y++) for (let x = 0; x < 30 * k - y; x++) drawn.data[y * drawn.width + x] = 60;
  return pageFromGrey(scanPage(drawn, scan), DPI);
}

function expectRead(r: Awaited<ReturnType<typeof readPage>>, damaged: string[]) {
  if (!r.ok) throw new Error(`refused: ${r.reason}: ${r.detail}`);
  expect(r.pageId).toBe(page.pageId);
  expect(r.damagedCorners).toEqual(damaged);
  const by = new Map(r.fields.map((f) => [f.fieldId, f]));
  // What it reads is right; what it is unsure of goes to a person.
  for (const [id, want] of [['q1', 'B'], ['q3', 'A,D'], ['x1', 'C'], ['x5', 'A'], ['x8', 'D'], ['x2', null]] as const) {
    const f = by.get(id)!;
    if (f.status !== 'review') expect({ id, value: f.value }).toEqual({ id, value: want });
  }
  expect(r.fields.filter((f) => f.status !== 'review').length).toBeGreaterThan(r.fields.length / 2);
}

describe('a page with a damaged registration mark is placed from the other anchors (issue 13)', () => {
  it('a torn top-left corner (the large mark gone) is identified and read, and the damaged corner named', async () => {
    const r = await readPage(tornScan(page, SCAN), { lookupPage: lookup, qr });
    expectRead(r, ['tl']);
  });

  it('a torn corner scanned in perspective: refitted from the fields\' printed outlines, every mark field is graded, and right', async () => {
    const scanned = tornScan(page, { ...SCAN, perspective: PERSPECTIVE });
    const r = await readPage(scanned, { lookupPage: lookup, qr });
    expectRead(r, ['tl']);
    if (!r.ok) return;
    const marks = r.fields.filter((f) => f.kind === 'bubbles' || f.kind === 'digit_grid' || f.kind === 'score');
    expect(marks.filter((f) => f.reasons.includes('placed_from_anchors'))).toEqual([]);
    expect(marks.filter((f) => f.status === 'review').map((f) => [f.fieldId, f.reasons])).toEqual([]);
    if (!r.refit?.ok) throw new Error(`no refit: ${r.refit?.error.detail}`);
    expect(r.refit.value.heldOutMm).toBeLessThan(0.25);
    // Without the refit, the affine placement from three anchors is too far off on part of the page: those fields go to a person.
    const off = await readPage(scanned, { lookupPage: lookup, qr, settings: VisionSettings.parse({ geometry: { refitTrustMm: 0 } }) });
    if (!off.ok) throw new Error(off.detail);
    expect(off.fields.filter((f) => f.reasons.includes('placed_from_anchors')).length).toBeGreaterThan(0);
  });

  it('a torn corner on a page with too few mark targets to refit: fields placed too far off keep the review', async () => {
    // Two questions near the torn corner and a comb: 6 target outlines and 4 anchors, fewer than geometry.refitMinOutlines.
    const few = { ...page, fields: page.fields.filter((f) => ['q1', 'q2', 'q5'].includes(f.id)) };
    const r = await readPage(tornScan(few, { ...SCAN, perspective: PERSPECTIVE }, [t('q1', 'B')]), { lookupPage: () => few, qr });
    if (!r.ok) throw new Error(r.detail);
    expect(r.damagedCorners).toEqual(['tl']);
    const by = new Map(r.fields.map((f) => [f.fieldId, f]));
    expect(by.get('q1')?.reasons).toContain('placed_from_anchors');
    expect(r.refit?.ok === false && r.refit.error.kind).toBe('too_few_outlines');
  });

  it('a scanner-glass streak through the top-right mark: the page is read', async () => {
    const drawn = drawPage(page, { dpi: DPI, ink: INK });
    const img = scanPage(drawn, SCAN);
    const k = DPI / 25.4;
    const tr = scanPoint(drawn, SCAN, 198 * k, 12 * k);
    addStreak(img, { x: tr.x - 1.2 * k, width: Math.round(2.2 * k), level: 30 });
    const r = await readPage(pageFromGrey(img, DPI), { lookupPage: lookup, qr });
    if (!r.ok) throw new Error(`refused: ${r.reason}: ${r.detail}`);
    expect(r.pageId).toBe(page.pageId);
    expectRead(r, r.damagedCorners);
    expect(r.damagedCorners.every((c) => c === 'tr' || c === 'br')).toBe(true);
  });

  it('a torn corner whose torn edge left a false mark (four marks that fit no turn): placed from the three true marks and the QR', async () => {
    const drawn = drawPage(page, { dpi: DPI, ink: INK, marks: ['tr', 'br', 'bl'] });
    const k = DPI / 25.4;
    for (let y = 0; y < 30 * k; y++) for (let x = 0; x < 30 * k - y; x++) drawn.data[y * drawn.width + x] = 60;
    // A dark square of a small mark's size beside the torn edge, 13 mm from where the large mark was printed.
    for (let y = Math.round(13.5 * k); y < Math.round(18.5 * k); y++) for (let x = Math.round(21.5 * k); x < Math.round(26.5 * k); x++) drawn.data[y * drawn.width + x] = 20;
    const r = await readPage(pageFromGrey(scanPage(drawn, SCAN), DPI), { lookupPage: lookup, qr });
    expectRead(r, ['tl']);
  });

  it('with fewer than three anchors the page is refused, naming the corners', async () => {
    const drawn = drawPage(page, { dpi: DPI, ink: INK, marks: ['br'] });
    const r = await readPage(pageFromGrey(scanPage(drawn, SCAN), DPI), { lookupPage: lookup, qr });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe('missing_marks');
    expect(r.detail).toMatch(/fewer than three anchors/);
  });
});
