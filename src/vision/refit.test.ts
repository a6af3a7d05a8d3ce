import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import { applyH, type Homography } from './homography';
import { refitFromOutlines, type OutlinePoint } from './refit';
import { DEFAULT_VISION_SETTINGS, VisionSettings } from './settings';
import { samplePage } from './testing/samplePage';

// A page scanned turned and in perspective (mm → px at 300 dpi): no affine map fits it to 0.6 mm.
const SCAN: Homography = [11.7, -0.8, 140, 0.85, 11.75, 60, 0.00009, -0.00006, 1];
const PX_PER_MM = 300 / 25.4;
const page = samplePage({ extraRows: 8 });
const markTargets = page.fields.flatMap((f) =>
  (f.kind === 'bubbles' || f.kind === 'score' ? f.targets : f.kind === 'digit_grid' ? f.columns.flatMap((c) => c.targets) : []).map((t) => ({ t, field: f.id })),
);

/** Outlines found where the scan put them, give or take a pixel. */
function located(seed: string): OutlinePoint[] {
  const rng = seededRng(seed);
  return markTargets.map(({ t, field }) => {
    const p = applyH(SCAN, t);
    return { from: { x: t.x, y: t.y }, to: { x: p.x + rng() - 0.5, y: p.y + rng() - 0.5 }, field };
  });
}

const worstMm = (h: Homography) =>
  Math.max(
    ...markTargets.map(({ t }) => {
      const a = applyH(h, t);
      const b = applyH(SCAN, t);
      return Math.hypot(a.x - b.x, a.y - b.y) / PX_PER_MM;
    }),
  );

describe('refit from the printed target outlines', () => {
  it('recovers the page placement from outlines found within a pixel, and judges it on held-out fields', () => {
    const r = refitFromOutlines(located('a'), PX_PER_MM, DEFAULT_VISION_SETTINGS);
    if (!r.ok) throw new Error(r.error.detail);
    expect(worstMm(r.value.h)).toBeLessThan(0.08);
    expect(r.value.inliers).toBe(markTargets.length);
    expect(r.value.heldOutMm).toBeLessThan(DEFAULT_VISION_SETTINGS.geometry.refitTrustMm);
  });

  it('rejects outlines taken at the wrong place (filled targets, a neighbour) as outliers', () => {
    const points = located('b').map((p, i) => (i % 5 === 2 ? { ...p, to: { x: p.to.x + 25, y: p.to.y - 12 } } : p));
    const r = refitFromOutlines(points, PX_PER_MM, DEFAULT_VISION_SETTINGS);
    if (!r.ok) throw new Error(r.error.detail);
    expect(worstMm(r.value.h)).toBeLessThan(0.08);
    expect(r.value.inliers).toBe(points.filter((_, i) => i % 5 !== 2).length);
  });

  it('too few outlines: no refit', () => {
    const r = refitFromOutlines(located('c').slice(0, 8), PX_PER_MM, DEFAULT_VISION_SETTINGS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('too_few_outlines');
  });

  it('a page whose other fields do not pin the placement down: no field is predicted, no refit', () => {
    // Two fields: left out, each must be predicted by the other alone (fewer than geometry.refitMinOutlines points).
    const points = located('e').filter((p) => p.field === 'q3' || p.field === 'q4').slice(0, 14);
    const r = refitFromOutlines(points, PX_PER_MM, DEFAULT_VISION_SETTINGS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.detail).toMatch(/not predicted/);
  });

  it('a field that disagrees with the others by more than the trust (a local warp of the paper) refuses the refit', () => {
    // The score boxes (the only field on the right) are 0.35 mm off the rest: within the inlier distance, beyond the trust.
    const points = located('d').map((p) => (p.field === 'q6' ? { ...p, to: { x: p.to.x + 0.35 * PX_PER_MM, y: p.to.y } } : p));
    const r = refitFromOutlines(points, PX_PER_MM, DEFAULT_VISION_SETTINGS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('poor_fit');
    // The same points, trusted farther, refit.
    expect(refitFromOutlines(points, PX_PER_MM, VisionSettings.parse({ geometry: { refitTrustMm: 1 } })).ok).toBe(true);
  });
});
