import type { Point } from './image';

/** A 3×3 projective transform, row-major, h[8] normalised to 1 when possible. */
export type Homography = readonly [number, number, number, number, number, number, number, number, number];

export type PointPair = { from: Point; to: Point };

/** Apply H to a point. */
export function applyH(h: Homography, p: Point): Point {
  const w = h[6] * p.x + h[7] * p.y + h[8];
  return { x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w };
}

export function invertH(h: Homography): Homography {
  const [a, b, c, d, e, f, g, i, j] = h;
  const A = e * j - f * i;
  const B = -(d * j - f * g);
  const C = d * i - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new Error('singular homography');
  const m = [A, -(b * j - c * i), b * f - c * e, B, a * j - c * g, -(a * f - c * d), C, -(a * i - b * g), a * e - b * d].map((v) => v / det);
  return normalise(m);
}

/** H = A·B (apply B first, then A). */
export function composeH(a: Homography, b: Homography): Homography {
  const m: number[] = [];
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) m.push(a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!);
  return normalise(m);
}

function normalise(m: number[]): Homography {
  const s = Math.abs(m[8]!) > 1e-12 ? m[8]! : 1;
  return m.map((v) => v / s) as unknown as Homography;
}

/** Hartley normalisation: centre on the mean, mean distance √2. Returns T (3×3) as a homography. */
function normaliser(points: Point[]): Homography {
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += p.x;
    my += p.y;
  }
  mx /= points.length;
  my /= points.length;
  let d = 0;
  for (const p of points) d += Math.hypot(p.x - mx, p.y - my);
  d /= points.length;
  const s = d > 0 ? Math.SQRT2 / d : 1;
  return [s, 0, -s * mx, 0, s, -s * my, 0, 0, 1];
}

/** Solve the n×n system M x = v in place by Gaussian elimination with partial pivoting. */
function solve(M: number[][], v: number[]): number[] | null {
  const n = v.length;
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[piv]![col]!)) piv = r;
    if (Math.abs(M[piv]![col]!) < 1e-12) return null;
    [M[col], M[piv]] = [M[piv]!, M[col]!];
    [v[col], v[piv]] = [v[piv]!, v[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = M[r]![col]! / M[col]![col]!;
      if (f === 0) continue;
      for (let c = col; c < n; c++) M[r]![c]! -= f * M[col]![c]!;
      v[r]! -= f * v[col]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = v[r]!;
    for (let c = r + 1; c < n; c++) s -= M[r]![c]! * x[c]!;
    x[r] = s / M[r]![r]!;
  }
  return x;
}

/**
 * Direct linear transform from 4 or more point pairs (least squares with h33 = 1 over
 * Hartley-normalised coordinates). Returns null for degenerate input (collinear points).
 */
export function solveHomography(pairs: readonly PointPair[]): Homography | null {
  if (pairs.length < 4) return null;
  const Tf = normaliser(pairs.map((p) => p.from));
  const Tt = normaliser(pairs.map((p) => p.to));
  const AtA = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
  const Atb = new Array<number>(8).fill(0);
  const addRow = (row: number[], b: number) => {
    for (let i = 0; i < 8; i++) {
      Atb[i]! += row[i]! * b;
      for (let j = 0; j < 8; j++) AtA[i]![j]! += row[i]! * row[j]!;
    }
  };
  for (const { from, to } of pairs) {
    const f = applyH(Tf, from);
    const t = applyH(Tt, to);
    addRow([f.x, f.y, 1, 0, 0, 0, -f.x * t.x, -f.y * t.x], t.x);
    addRow([0, 0, 0, f.x, f.y, 1, -f.x * t.y, -f.y * t.y], t.y);
  }
  const h = solve(AtA, Atb);
  if (!h || h.some((v) => !Number.isFinite(v))) return null;
  const Hn: Homography = [h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, 1];
  try {
    return composeH(invertH(Tt), composeH(Hn, Tf));
  } catch {
    return null;
  }
}

/** Largest distance between H(from) and to over the pairs (in `to` units). */
export function reprojectionError(h: Homography, pairs: readonly PointPair[]): number {
  let worst = 0;
  for (const { from, to } of pairs) {
    const p = applyH(h, from);
    worst = Math.max(worst, Math.hypot(p.x - to.x, p.y - to.y));
  }
  return worst;
}

/** Local scale of H at a point: mean length of the images of unit steps along x and y. */
export function localScale(h: Homography, p: Point): number {
  const c = applyH(h, p);
  const ex = applyH(h, { x: p.x + 1, y: p.y });
  const ey = applyH(h, { x: p.x, y: p.y + 1 });
  return (Math.hypot(ex.x - c.x, ex.y - c.y) + Math.hypot(ey.x - c.x, ey.y - c.y)) / 2;
}

/** The image of a rectangle (in `from` units) as its 4 corners, clockwise from top-left. */
export function mapRect(h: Homography, r: { x: number; y: number; w: number; h: number }): [Point, Point, Point, Point] {
  return [
    applyH(h, { x: r.x, y: r.y }),
    applyH(h, { x: r.x + r.w, y: r.y }),
    applyH(h, { x: r.x + r.w, y: r.y + r.h }),
    applyH(h, { x: r.x, y: r.y + r.h }),
  ];
}

/** Axis-aligned bounding box of points, widened by `pad` on every side. */
export function boundingBox(points: readonly Point[], pad = 0): { x: number; y: number; w: number; h: number } {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x);
    y1 = Math.max(y1, p.y);
  }
  return { x: x0 - pad, y: y0 - pad, w: x1 - x0 + 2 * pad, h: y1 - y0 + 2 * pad };
}

/**
 * Least-squares affine fit (6 parameters) of three or more pairs, as a homography (no perspective);
 * null for collinear points. Scanned paper is nearly affine.
 */
export function solveAffine(pairs: readonly PointPair[]): Homography | null {
  if (pairs.length < 3) return null;
  // Normal equations for x' = a x + b y + c (and the same for y'), about the centroid for conditioning.
  const mx = pairs.reduce((s, p) => s + p.from.x, 0) / pairs.length;
  const my = pairs.reduce((s, p) => s + p.from.y, 0) / pairs.length;
  const M = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const vx = [0, 0, 0];
  const vy = [0, 0, 0];
  for (const { from, to } of pairs) {
    const r = [from.x - mx, from.y - my, 1];
    for (let i = 0; i < 3; i++) {
      vx[i]! += r[i]! * to.x;
      vy[i]! += r[i]! * to.y;
      for (let j = 0; j < 3; j++) M[i]![j]! += r[i]! * r[j]!;
    }
  }
  const ax = solve(M.map((row) => [...row]), vx);
  const ay = solve(M.map((row) => [...row]), vy);
  if (!ax || !ay || [...ax, ...ay].some((v) => !Number.isFinite(v))) return null;
  return [ax[0]!, ax[1]!, ax[2]! - ax[0]! * mx - ax[1]! * my, ay[0]!, ay[1]!, ay[2]! - ay[0]! * mx - ay[1]! * my, 0, 0, 1];
}

/**
 * Largest residual (in `to` units) of the least-squares affine fit of the pairs. Scanned paper is
 * nearly affine, so a large residual means a mark was misplaced or misdetected.
 */
export function affineResidual(pairs: readonly PointPair[]): number {
  if (pairs.length < 3) return 0;
  const a = solveAffine(pairs);
  return a ? reprojectionError(a, pairs) : Infinity;
}
