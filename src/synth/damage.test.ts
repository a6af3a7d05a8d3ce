import { beforeAll, describe, expect, it } from 'vitest';
import type { PrintedPage } from '../layout/printedPage';
import { cornersLost, DAMAGE_KINDS, type DamageKind } from './damage';
import type { DegradationProfile } from './degrade';
import { generateStackArray } from './generate';
import { applyH, type Homography } from '../vision/homography';
import { decodeToGrey } from './encode';
import { meanDarknessInCircle, meanDarknessInRect } from './image';
import { buildTestPdf } from './testSupport';
import { MARKINGS, type ImageTruth } from './truth';

/** A point (mm) of the page through a truth file's mmToImage: where it lands in the image. */
const mmToPx = (m: readonly number[], x: number, y: number) => applyH(m as unknown as Homography, { x, y });

let pdf: Uint8Array;
let pages: PrintedPage[];
beforeAll(async () => {
  ({ pdf, pages } = await buildTestPdf());
});
/** No scanner effects, a dark backing (so missing paper shows), PNG: the damage alone is in the image. */
const FLAT: DegradationProfile = { name: 'flat', angleDeg: 0, perspectiveMm: 0, marginMm: [0, 0], background: [40, 40], blurSigma300: [0, 0], noiseSigma: [0, 0], saltPepper: [0, 0], brightness: [0, 0], contrast: [1, 1], unevenness: [0, 0], jpegQuality: [95, 95], upsideDownRate: 0, streakRate: 0 };
const one = async (damage: DamageKind[], seed = 'd') => {
  const [img] = await generateStackArray({ pdf, pages, dpi: 150, seed, profile: FLAT, marking: MARKINGS.clean, format: 'png', damage });
  return { truth: img!.truth, image: await decodeToGrey(img!.bytes) };
};

describe('damage', () => {
  it('a damaged-mark profile tears the top-left corner off (taking the large mark) or streaks the scan through the top-right mark', async () => {
    const [torn, streaked] = await generateStackArray({ pdf, pages, dpi: 150, seed: 'dm', profile: FLAT, marking: MARKINGS.clean, format: 'png', damageProfile: 'damaged-mark', count: 2 });
    expect(torn!.truth.damage?.map((d) => d.kind)).toEqual(['torn_top_left']);
    expect(cornersLost(pages[0]!, torn!.truth.damage!)).toEqual(['tl']);
    const image = await decodeToGrey(torn!.bytes);
    const tl = pages[0]!.marks.find((m) => m.corner === 'tl')!;
    const c = mmToPx(torn!.truth.mmToImage, tl.x, tl.y);
    expect(meanDarknessInCircle(image, c.x, c.y, 3)).toBeCloseTo(1 - 40 / 255, 1);
    const s = streaked!.truth.damage![0]!;
    if (s.kind !== 'mark_streak') throw new Error('expected a streak');
    expect(s.corner).toBe('tr');
    const tr = pages[streaked!.truth.pdfPage!]!.marks.find((m) => m.corner === 'tr')!;
    const x = mmToPx(streaked!.truth.mmToImage, tr.x + s.offsetMm, tr.y).x;
    const band = streaked!.truth.scan.streak!;
    expect(x).toBeGreaterThanOrEqual(band.x - 1);
    expect(x).toBeLessThanOrEqual(band.x + band.width + 1);
  });

  it('a dark-erasure profile leaves three residues a page, as grey as asked', async () => {
    const [img] = await generateStackArray({ pdf, pages, dpi: 150, seed: 'de', profile: FLAT, marking: MARKINGS.typical, format: 'png', damageProfile: 'dark-erasure', erasureGrey: [0.8, 0.8] });
    const erasures = img!.truth.damage!.filter((d) => d.kind === 'dark_erasure');
    expect(erasures.length).toBe(3);
    for (const d of erasures) expect(d.kind === 'dark_erasure' && d.grey).toBe(0.8);
  });

  it('is recorded in the truth, one entry per kind asked for, and is deterministic for a seed', async () => {
    for (const kind of DAMAGE_KINDS) {
      const a = await one([kind]);
      expect(a.truth.damage?.map((d) => d.kind), kind).toEqual([kind]);
      const b = await one([kind]);
      expect(b.truth.damage).toEqual(a.truth.damage);
      expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data)), kind).toBe(0);
    }
    const none = await one([]);
    expect(none.truth.damage).toBeUndefined();
  });

  it('a missing corner takes its registration mark: the backing shows where the mark was printed', async () => {
    const { truth, image } = await one(['missing_corner'], 'corner');
    const d = truth.damage![0]!;
    if (d.kind !== 'missing_corner') throw new Error('expected a missing corner');
    const page = pages[0]!;
    expect(cornersLost(page, truth.damage!)).toEqual([d.corner]);
    const mark = page.marks.find((m) => m.corner === d.corner)!;
    const c = mmToPx(truth.mmToImage, mark.x, mark.y);
    // Backing grey 40 where black print was: dark but not the mark's ~0; and the other marks are still printed.
    expect(meanDarknessInCircle(image, c.x, c.y, 3)).toBeCloseTo(1 - 40 / 255, 1);
    const other = page.marks.find((m) => m.corner !== d.corner)!;
    const o = mmToPx(truth.mmToImage, other.x, other.y);
    expect(meanDarknessInCircle(image, o.x, o.y, 2)).toBeGreaterThan(0.9);
  });

  it('a dark erasure leaves a grey residue on an untouched target and records it as an erasure, not a selection', async () => {
    const { truth, image } = await one(['dark_erasure'], 'erase');
    const d = truth.damage![0]!;
    if (d.kind !== 'dark_erasure') throw new Error('expected a dark erasure');
    const field = truth.fields.find((f) => f.fieldId === d.fieldId) as Extract<ImageTruth['fields'][number], { kind: 'bubbles' | 'digit_grid' }>;
    expect(field.pens).toContainEqual({ value: d.value, pen: 'erasure', ...(d.column === undefined ? {} : { column: d.column }) });
    if (field.kind === 'bubbles') expect(field.marked).not.toContain(d.value);
    else expect(field.columns[d.column ?? 0]!.marked).not.toBe(d.value);
    const printed = pages[0]!.fields.find((f) => f.id === d.fieldId)!;
    const targets = printed.kind === 'bubbles' ? printed.targets : printed.kind === 'digit_grid' ? printed.columns[d.column ?? 0]!.targets : [];
    const t = targets.find((x) => x.value === d.value)!;
    const c = mmToPx(truth.mmToImage, t.x, t.y);
    const r = t.r * (150 / 25.4) * 0.6;
    const darkness = meanDarknessInRect(image, c.x - r, c.y - r, c.x + r, c.y + r);
    // residue 75–90 % grey (a partial erasure leaves part of the target lighter): darker than paper, far lighter than a pen fill
    expect(d.grey).toBeGreaterThanOrEqual(0.75);
    expect(d.grey).toBeLessThanOrEqual(0.9);
    expect(darkness).toBeGreaterThan(0.04);
    expect(darkness).toBeLessThan(0.3);
  });
});
