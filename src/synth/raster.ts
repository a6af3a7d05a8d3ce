import type { GreyImage } from '../vision/image';

/** A point in pixel coordinates (pixel i covers [i, i+1), so its centre is i + 0.5). */
export type Pt = { x: number; y: number };

/** How ink is laid down: its grey level on white paper (0 black) and a grain that lets paper show through. */
export type Ink = {
  /** Grey level the ink reaches on white paper at full coverage (0..255). */
  level: number;
  /** 0 = even ink; 0.3 = pencil-like grain where up to 30% of the coverage randomly drops. */
  grain?: number;
  /** Seed for the grain pattern. */
  seed?: number;
};

type Box = { x0: number; y0: number; x1: number; y1: number };

function clipBox(img: GreyImage, x0: number, y0: number, x1: number, y1: number): Box | null {
  const b = { x0: Math.max(0, Math.floor(x0)), y0: Math.max(0, Math.floor(y0)), x1: Math.min(img.width, Math.ceil(x1)), y1: Math.min(img.height, Math.ceil(y1)) };
  return b.x1 <= b.x0 || b.y1 <= b.y0 ? null : b;
}

/** Multiplies ink into the image through a coverage buffer laid over box b (multiply blend, like ink on paper). */
function blend(img: GreyImage, b: Box, cov: Float32Array, ink: Ink): void {
  const bw = b.x1 - b.x0;
  const k = 1 - ink.level / 255;
  const grain = ink.grain ?? 0;
  let s = ((ink.seed ?? 0x9e3779b9) >>> 0) | 1;
  for (let y = b.y0; y < b.y1; y++) {
    const row = y * img.width;
    const crow = (y - b.y0) * bw;
    for (let x = b.x0; x < b.x1; x++) {
      let c = cov[crow + x - b.x0]!;
      if (c <= 0) continue;
      if (grain > 0) {
        s ^= s << 13;
        s ^= s >>> 17;
        s ^= s << 5;
        c *= 1 - grain * ((s >>> 0) / 4294967296);
      }
      const i = row + x;
      img.data[i] = Math.round(img.data[i]! * (1 - c * k));
    }
  }
}

/**
 * Draws anti-aliased thick polylines (round joins and caps). Overlaps within one call do not
 * darken twice: coverage is the maximum over the segments, as with one pass of a pen.
 * `widths` gives the stroke width in pixels per polyline, or one width for all.
 */
export function drawPolylines(img: GreyImage, lines: readonly (readonly Pt[])[], width: number | readonly number[], ink: Ink): void {
  let maxW = 0;
  let bx0 = Infinity, by0 = Infinity, bx1 = -Infinity, by1 = -Infinity;
  lines.forEach((line, li) => {
    const w = typeof width === 'number' ? width : (width[li] ?? width[0] ?? 1);
    maxW = Math.max(maxW, w);
    for (const p of line) {
      bx0 = Math.min(bx0, p.x); by0 = Math.min(by0, p.y);
      bx1 = Math.max(bx1, p.x); by1 = Math.max(by1, p.y);
    }
  });
  const pad = maxW / 2 + 1.5;
  const b = clipBox(img, bx0 - pad, by0 - pad, bx1 + pad, by1 + pad);
  if (!b) return;
  const bw = b.x1 - b.x0;
  const cov = new Float32Array(bw * (b.y1 - b.y0));
  lines.forEach((line, li) => {
    const hw = (typeof width === 'number' ? width : (width[li] ?? width[0] ?? 1)) / 2;
    if (line.length === 1) {
      const p = line[0]!;
      segmentCoverage(cov, b, p, p, hw);
    }
    for (let i = 1; i < line.length; i++) segmentCoverage(cov, b, line[i - 1]!, line[i]!, hw);
  });
  blend(img, b, cov, ink);
}

function segmentCoverage(cov: Float32Array, b: Box, a: Pt, c: Pt, hw: number): void {
  const bw = b.x1 - b.x0;
  const pad = hw + 1;
  const x0 = Math.max(b.x0, Math.floor(Math.min(a.x, c.x) - pad));
  const x1 = Math.min(b.x1, Math.ceil(Math.max(a.x, c.x) + pad));
  const y0 = Math.max(b.y0, Math.floor(Math.min(a.y, c.y) - pad));
  const y1 = Math.min(b.y1, Math.ceil(Math.max(a.y, c.y) + pad));
  const dx = c.x - a.x;
  const dy = c.y - a.y;
  const len2 = dx * dx + dy * dy;
  // A thin pen (under 1 px) covers less than a pixel: scale its coverage down instead of widening it.
  const thin = hw < 0.5 ? hw * 2 : 1;
  const r = Math.max(hw, 0.5);
  for (let y = y0; y < y1; y++) {
    const py = y + 0.5 - a.y;
    const crow = (y - b.y0) * bw - b.x0;
    for (let x = x0; x < x1; x++) {
      const px = x + 0.5 - a.x;
      let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const ex = px - t * dx;
      const ey = py - t * dy;
      const d = Math.sqrt(ex * ex + ey * ey);
      let v = r + 0.5 - d;
      if (v <= 0) continue;
      if (v > 1) v = 1;
      v *= thin;
      const k = crow + x;
      if (v > cov[k]!) cov[k] = v;
    }
  }
}

/**
 * Fills a star-shaped region around (cx, cy) whose boundary radius at angle a is radius(a)
 * (pixels), anti-aliased. Good for irregular ellipses and blobs.
 */
export function fillRadial(img: GreyImage, cx: number, cy: number, maxRadius: number, radius: (angle: number) => number, ink: Ink): void {
  const b = clipBox(img, cx - maxRadius - 1, cy - maxRadius - 1, cx + maxRadius + 1, cy + maxRadius + 1);
  if (!b) return;
  const bw = b.x1 - b.x0;
  const cov = new Float32Array(bw * (b.y1 - b.y0));
  // Tabulate the boundary so the per-pixel cost is a lookup.
  const N = 256;
  const table = new Float32Array(N + 1);
  for (let i = 0; i <= N; i++) table[i] = radius((i / N) * 2 * Math.PI - Math.PI);
  for (let y = b.y0; y < b.y1; y++) {
    const dy = y + 0.5 - cy;
    for (let x = b.x0; x < b.x1; x++) {
      const dx = x + 0.5 - cx;
      const d = Math.sqrt(dx * dx + dy * dy);
      const f = ((Math.atan2(dy, dx) + Math.PI) / (2 * Math.PI)) * N;
      const i = Math.floor(f);
      const rr = table[i]! + (table[Math.min(N, i + 1)]! - table[i]!) * (f - i);
      let v = rr + 0.5 - d;
      if (v <= 0) continue;
      if (v > 1) v = 1;
      cov[(y - b.y0) * bw + x - b.x0] = v;
    }
  }
  blend(img, b, cov, ink);
}

/** Fills an axis-aligned rectangle in pixels with a solid grey (no blending); used for synthetic print. */
export function fillRect(img: GreyImage, x0: number, y0: number, x1: number, y1: number, level: number): void {
  const b = clipBox(img, x0, y0, x1, y1);
  if (!b) return;
  for (let y = b.y0; y < b.y1; y++) img.data.fill(level, y * img.width + b.x0, y * img.width + b.x1);
}

/** Strokes a circle outline (pixels) by a closed polyline. */
export function strokeCircle(img: GreyImage, cx: number, cy: number, r: number, width: number, ink: Ink): void {
  const n = Math.max(16, Math.ceil(r * 1.5));
  const pts: Pt[] = [];
  for (let i = 0; i <= n; i++) pts.push({ x: cx + r * Math.cos((i / n) * 2 * Math.PI), y: cy + r * Math.sin((i / n) * 2 * Math.PI) });
  drawPolylines(img, [pts], width, ink);
}
