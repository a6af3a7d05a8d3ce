import type { Rng } from '../domain/random';
import { throwIllegalValue } from '../domain/result';
import type { MarkTarget } from '../layout/printedPage';
import type { GreyImage } from '../vision/image';
import { pxPerMm } from './image';
import { drawPolylines, fillRadial, type Ink, type Pt } from './raster';

/**
 * How a target was touched. The first five mean "selected"; `erasure` (residue of an erased mark)
 * and `stray` (a stroke near, never inside, the target) mean "not selected".
 */
export const PEN_STYLES = ['full', 'partial', 'tick', 'cross', 'light', 'erasure', 'stray'] as const;
export type PenStyle = (typeof PEN_STYLES)[number];
export const SELECTING_STYLES: readonly PenStyle[] = ['full', 'partial', 'tick', 'cross', 'light'];
export function isSelecting(style: PenStyle): boolean {
  return SELECTING_STYLES.includes(style);
}

/** The writing tool: a student's pencil or ballpoint, or the teacher's red pen (red reads as mid grey on a grey scan). */
export type Tool = 'pencil' | 'ballpoint' | 'red_pen';

export type PenContext = {
  dpi: number;
  rng: Rng;
  tool?: Tool;
  /** Targets a `stray` stroke must stay clear of (besides its own). Usually every target of the page. */
  avoid?: readonly MarkTarget[];
  /** The `light` style's grey level range, [darkest, lightest] of 255. Default LIGHT_INK_LEVEL. */
  lightInkLevel?: LightInkLevel;
};

/** A grey level range [darkest, lightest] on white paper (0 black, 255 white). */
export type LightInkLevel = readonly [number, number];
/**
 * How light a student's light pencil fill is drawn: grey 150–180 of 255 (27–40 % ink with its grain). An assumption
 * nobody measured on real sheets; docs/reading.md ("Round 5") reports how the reading figures move with it.
 */
export const LIGHT_INK_LEVEL: LightInkLevel = [150, 180];

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng();

/** Ink for a tool. Levels are grey on white paper. */
export function toolInk(tool: Tool, rng: Rng): Ink {
  const seed = Math.floor(rng() * 2 ** 32);
  switch (tool) {
    case 'pencil':
      return { level: Math.round(between(rng, 45, 95)), grain: between(rng, 0.15, 0.35), seed };
    case 'ballpoint':
      return { level: Math.round(between(rng, 15, 50)), grain: between(rng, 0, 0.08), seed };
    case 'red_pen':
      return { level: Math.round(between(rng, 75, 110)), grain: between(rng, 0, 0.06), seed };
    default:
      return throwIllegalValue(tool, 'pen tool');
  }
}

/** Stroke width in millimetres for a tool. */
export function toolWidthMm(tool: Tool, rng: Rng): number {
  return tool === 'pencil' ? between(rng, 0.35, 0.6) : tool === 'ballpoint' ? between(rng, 0.3, 0.45) : between(rng, 0.4, 0.6);
}

/** Splits each segment and adds smooth, correlated jitter (amplitude in the points' units). */
export function jitterPolyline(points: readonly Pt[], amplitude: number, rng: Rng, steps = 4): Pt[] {
  if (points.length < 2 || amplitude <= 0) return points.map((p) => ({ ...p }));
  const out: Pt[] = [];
  let jx = (rng() - 0.5) * amplitude;
  let jy = (rng() - 0.5) * amplitude;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    for (let s = i === 1 ? 0 : 1; s <= steps; s++) {
      const t = s / steps;
      jx = 0.6 * jx + 0.4 * (rng() - 0.5) * amplitude * 2;
      jy = 0.6 * jy + 0.4 * (rng() - 0.5) * amplitude * 2;
      out.push({ x: a.x + (b.x - a.x) * t + jx, y: a.y + (b.y - a.y) * t + jy });
    }
  }
  return out;
}

/** Boundary of a target of half-size R at angle a: a circle, or a rounded square for square targets. */
function shapeRadius(shape: MarkTarget['shape'], R: number, a: number): number {
  if (shape === 'circle') return R;
  const p = 8;
  return R / Math.pow(Math.pow(Math.abs(Math.cos(a)), p) + Math.pow(Math.abs(Math.sin(a)), p), 1 / p);
}

/** An irregular blob: the target's shape with wobbling radius (harmonics) and an anisotropic stretch. */
function blobRadius(rng: Rng, shape: MarkTarget['shape'], R: number, scaleMin: number, scaleMax: number): (a: number) => number {
  const sx = between(rng, scaleMin, scaleMax);
  const sy = between(rng, scaleMin, scaleMax);
  const harmonics = Array.from({ length: 3 }, (_, i) => ({ k: i + 2, amp: between(rng, 0, 0.035), ph: rng() * 2 * Math.PI }));
  return (a) => {
    const c = Math.cos(a) / sx;
    const s = Math.sin(a) / sy;
    const ell = 1 / Math.sqrt(c * c + s * s);
    let wob = 1;
    for (const h of harmonics) wob += h.amp * Math.sin(h.k * a + h.ph);
    return shapeRadius(shape, R, a) * ell * wob;
  };
}

/** Area of the part of a circle of radius R below the chord at height t (from -R, the top, to t). */
function capArea(R: number, t: number): number {
  const h = Math.min(2 * R, Math.max(0, t + R));
  return R * R * Math.acos((R - h) / R) - (R - h) * Math.sqrt(Math.max(0, 2 * R * h - h * h));
}

function rotate(p: Pt, a: number): Pt {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return { x: p.x * c - p.y * s, y: p.x * s + p.y * c };
}

/**
 * Marks one target in the page image (page pixels at ctx.dpi, paper origin at (0,0)).
 * Returns false only for a `stray` that found no clear place near the target (nothing drawn).
 */
export function markTarget(img: GreyImage, target: MarkTarget, style: PenStyle, ctx: PenContext): boolean {
  const { rng } = ctx;
  const s = pxPerMm(ctx.dpi);
  const cx = target.x * s;
  const cy = target.y * s;
  const R = target.r * s;
  const tool = ctx.tool ?? (rng() < 0.6 ? 'pencil' : 'ballpoint');
  const widthPx = toolWidthMm(tool, rng) * s;
  switch (style) {
    case 'full': {
      const ink = toolInk(tool, rng);
      ink.level = Math.min(ink.level, 70);
      ink.grain = Math.min(ink.grain ?? 0, 0.12);
      const ox = (rng() - 0.5) * 0.1 * R;
      const oy = (rng() - 0.5) * 0.1 * R;
      const radius = blobRadius(rng, target.shape, R, 0.96, 1.06);
      fillRadial(img, cx + ox, cy + oy, R * 1.6, radius, ink);
      return true;
    }
    case 'light': {
      const [darkest, lightest] = ctx.lightInkLevel ?? LIGHT_INK_LEVEL;
      const ink: Ink = { level: Math.round(between(rng, darkest, lightest)), grain: between(rng, 0.05, 0.15), seed: Math.floor(rng() * 2 ** 32) };
      fillRadial(img, cx + (rng() - 0.5) * 0.08 * R, cy + (rng() - 0.5) * 0.08 * R, R * 1.6, blobRadius(rng, target.shape, R, 0.97, 1.05), ink);
      return true;
    }
    case 'erasure': {
      const ink: Ink = { level: Math.round(between(rng, 220, 235)), grain: between(rng, 0.2, 0.4), seed: Math.floor(rng() * 2 ** 32) };
      fillRadial(img, cx + (rng() - 0.5) * 0.1 * R, cy + (rng() - 0.5) * 0.1 * R, R * 1.6, blobRadius(rng, target.shape, R, 0.9, 1.08), ink);
      return true;
    }
    case 'partial': {
      // A zig-zag scribble filling a band of the target from one side: 50–70% of its area.
      const fraction = between(rng, 0.55, 0.75);
      const total = Math.PI * R * R;
      let lo = -R;
      let hi = R;
      for (let i = 0; i < 30; i++) {
        const mid = (lo + hi) / 2;
        if (capArea(R, mid) < fraction * total) lo = mid;
        else hi = mid;
      }
      const end = lo;
      const w = Math.max(widthPx, 0.45 * s);
      const pitch = w * 0.75;
      const angle = rng() * 2 * Math.PI;
      const pts: Pt[] = [];
      let side = rng() < 0.5 ? -1 : 1;
      for (let y = -R + w * 0.5; y <= end - w * 0.3; y += pitch) {
        const half = Math.sqrt(Math.max(0, R * R - y * y)) * 0.9;
        pts.push({ x: side * half, y });
        side = -side;
      }
      if (pts.length < 2) pts.push({ x: -R * 0.5, y: end - w }, { x: R * 0.5, y: end - w });
      const line = jitterPolyline(pts.map((p) => rotate(p, angle)), 0.04 * R, rng, 2).map((p) => ({ x: p.x + cx, y: p.y + cy }));
      const ink = toolInk(tool, rng);
      drawPolylines(img, [line], w, ink);
      return true;
    }
    case 'tick': {
      const size = R * between(rng, 0.9, 1.15);
      const rot = between(rng, -0.25, 0.25);
      const base: Pt[] = [
        { x: -0.7, y: -0.05 },
        { x: -0.25, y: 0.55 },
        { x: 0.75, y: -0.8 },
      ].map((p) => rotate({ x: p.x * size, y: p.y * size }, rot));
      const line = jitterPolyline(base, 0.05 * R, rng, 5).map((p) => ({ x: p.x + cx, y: p.y + cy }));
      drawPolylines(img, [line], widthPx, toolInk(tool, rng));
      return true;
    }
    case 'cross': {
      const size = R * between(rng, 0.75, 0.95);
      const rot = between(rng, -0.2, 0.2);
      const a = [{ x: -size, y: -size }, { x: size, y: size }].map((p) => rotate(p, rot));
      const b = [{ x: size, y: -size }, { x: -size, y: size }].map((p) => rotate(p, rot));
      const lines = [a, b].map((l) => jitterPolyline(l, 0.05 * R, rng, 5).map((p) => ({ x: p.x + cx, y: p.y + cy })));
      drawPolylines(img, lines, widthPx, toolInk(tool, rng));
      return true;
    }
    case 'stray':
      return drawStray(img, target, ctx, tool, widthPx);
    default:
      return throwIllegalValue(style, 'mark style');
  }
}

/** Distance (mm) from a point to the outside of a target (negative inside). */
function distanceToTarget(t: MarkTarget, x: number, y: number): number {
  if (t.shape === 'circle') return Math.hypot(x - t.x, y - t.y) - t.r;
  const dx = Math.abs(x - t.x) - t.r;
  const dy = Math.abs(y - t.y) - t.r;
  return dx > 0 || dy > 0 ? Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) : Math.max(dx, dy);
}

function drawStray(img: GreyImage, target: MarkTarget, ctx: PenContext, tool: Tool, widthPx: number): boolean {
  const { rng } = ctx;
  const s = pxPerMm(ctx.dpi);
  const halfMm = widthPx / s / 2;
  const clearance = halfMm + 0.25;
  const avoid = [target, ...(ctx.avoid ?? [])];
  for (let attempt = 0; attempt < 40; attempt++) {
    const len = between(rng, 0.8, 2.5) * (attempt > 20 ? 0.5 : 1);
    const a = rng() * 2 * Math.PI;
    const dist = target.r + clearance + between(rng, 0.2, 1.2);
    const start = { x: target.x + Math.cos(a) * dist, y: target.y + Math.sin(a) * dist };
    const dir = a + Math.PI / 2 + between(rng, -0.6, 0.6);
    const mid = { x: start.x + Math.cos(dir) * len * 0.5 + (rng() - 0.5) * 0.3, y: start.y + Math.sin(dir) * len * 0.5 + (rng() - 0.5) * 0.3 };
    const end = { x: start.x + Math.cos(dir) * len, y: start.y + Math.sin(dir) * len };
    const line = jitterPolyline([start, mid, end], 0.05, rng, 4);
    const clear = line.every((p) => avoid.every((t) => distanceToTarget(t, p.x, p.y) >= clearance) && p.x * s > 2 && p.y * s > 2 && p.x * s < img.width - 2 && p.y * s < img.height - 2);
    if (!clear) continue;
    drawPolylines(img, [line.map((p) => ({ x: p.x * s, y: p.y * s }))], widthPx, toolInk(tool, rng));
    return true;
  }
  return false;
}
