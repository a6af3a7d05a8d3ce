/**
 * Physical damage to a sheet before it is scanned: a fold, a tear, a graphite smudge, a missing
 * corner, a dark erasure, or a sheet fed badly askew. Drawn on the page raster (page pixels, paper
 * origin at (0,0)); missing paper takes the scanner backing's grey. Every damage is recorded in the truth.
 */
import type { Rng } from '../domain/random';
import { throwIllegalValue } from '../domain/result';
import type { Corner, MarkTarget, PrintedPage } from '../layout/printedPage';
import type { GreyImage } from '../vision/image';
import { pxPerMm } from './image';
import { fillRadial } from './raster';
import type { DamageKind, DamageTruth } from './damageTruth';
import type { FieldTruth } from './truth';

export { DAMAGE_KINDS, DamageTruth, type DamageKind } from './damageTruth';

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng();
const r2 = (x: number) => Math.round(x * 100) / 100 || 0;

/** The skew of a badly fed sheet, degrees: beyond the harsh profile's ±10°. */
export function sampleRotation(rng: Rng): number {
  return r2((rng() < 0.5 ? -1 : 1) * between(rng, 12, 18));
}

/**
 * Damages the page raster in place. `background` is the grey the scanner backing will have (missing
 * paper shows it). Returns what was done and the fields' truth with dark erasures added to their pens.
 * `rotation` draws nothing here: the caller turns the scan by the returned angle.
 */
export function damagePage(
  img: GreyImage, page: PrintedPage, fields: readonly FieldTruth[], kinds: readonly DamageKind[], dpi: number, background: number, rng: Rng,
  options: DamageOptions = {},
): { damage: DamageTruth[]; fields: FieldTruth[] } {
  const s = pxPerMm(dpi);
  const W = page.paper.widthMm;
  const H = page.paper.heightMm;
  const damage: DamageTruth[] = [];
  let out = [...fields];
  for (const kind of kinds) {
    switch (kind) {
      case 'fold': {
        // Folded in half or in thirds, across the page: nearly horizontal.
        const y = H * (rng() < 0.5 ? 0.5 : rng() < 0.5 ? 1 / 3 : 2 / 3) + between(rng, -8, 8);
        const tilt = between(rng, -4, 4);
        const d: DamageTruth = { kind, fromMm: [0, r2(y - tilt)], toMm: [W, r2(y + tilt)], depth: Math.round(between(rng, 35, 70)) };
        drawFold(img, s, d);
        damage.push(d);
        break;
      }
      case 'tear': {
        const fromLeft = rng() < 0.5;
        const y0 = between(rng, 0.3, 0.7) * H;
        const length = between(rng, 35, 60);
        const pathMm: [number, number][] = [];
        for (let t = 0; t <= length; t += 3) pathMm.push([r2(fromLeft ? t : W - t), r2(y0 + t * 0.35 * (rng() - 0.3) + between(rng, -1.2, 1.2))]);
        const d: DamageTruth = { kind, pathMm, widthMm: r2(between(rng, 1, 2.5)) };
        drawTear(img, s, d, background);
        damage.push(d);
        break;
      }
      case 'smudge': {
        // Over a field that is read by its marks or characters, where it matters.
        const read = page.fields.filter((x) => x.kind !== 'write_in');
        const f = read[Math.floor(rng() * read.length)];
        const c = f ? fieldCentre(f) : { x: W / 2, y: H / 2 };
        const d: DamageTruth = {
          kind, centreMm: [r2(c.x + between(rng, -5, 5)), r2(c.y + between(rng, -3, 3))], radiiMm: [r2(between(rng, 12, 25)), r2(between(rng, 4, 9))],
          angleDeg: r2(between(rng, -25, 25)), level: Math.round(between(rng, 165, 200)),
        };
        drawSmudge(img, s, d);
        damage.push(d);
        break;
      }
      case 'rotation':
        damage.push({ kind, angleDeg: sampleRotation(rng) });
        break;
      case 'missing_corner': {
        const corner = (['tl', 'tr', 'br', 'bl'] as const)[Math.floor(rng() * 4)]!;
        const d: DamageTruth = { kind, corner, legsMm: [r2(between(rng, 28, 40)), r2(between(rng, 28, 40))] };
        cutCorner(img, s, W, H, d, background);
        damage.push(d);
        break;
      }
      case 'dark_erasure': {
        const r = darkErasure(img, page, out, dpi, rng, options.erasureGrey ?? DEFAULT_ERASURE_GREY);
        if (r) {
          damage.push(r.damage);
          out = r.fields;
        }
        break;
      }
      case 'torn_top_left': {
        const d: DamageTruth = { kind, legsMm: [r2(between(rng, 34, 44)), r2(between(rng, 34, 44))] };
        tearTopLeft(img, s, d, background, rng);
        damage.push(d);
        break;
      }
      case 'mark_streak': {
        // Drawn by the scan (a band of the scanner glass, vertical in the image): the caller places it on the mark.
        const corner = options.streakCorner ?? (['tl', 'tr', 'br', 'bl'] as const)[Math.floor(rng() * 4)]!;
        const dark = rng() < 0.75;
        damage.push({ kind, corner, widthMm: r2(between(rng, 0.8, 2.5)), level: Math.round(dark ? between(rng, 20, 90) : between(rng, 235, 255)), offsetMm: r2(between(rng, -1.2, 1.2)) });
        break;
      }
      default:
        throwIllegalValue(kind);
    }
  }
  return { damage, fields: out };
}

export type DamageOptions = {
  /** Mean brightness of a dark erasure's residue over its target, as a fraction of the paper: [lightest... darkest] range. */
  erasureGrey?: readonly [number, number];
  /** The corner a `mark_streak` goes through (default: any). */
  streakCorner?: Corner;
};

/** Real erasures seen on held-out scans: residue from 75 % grey (about 25 % ink) to 90 % grey. */
export const DEFAULT_ERASURE_GREY: readonly [number, number] = [0.75, 0.9];

/**
 * Damage profiles the benches and tests name: which damage each printed page gets. `dark-erasure`: three erasures
 * per page, on single and multiple choice and digit grids alike; `damaged-mark`: half the pages lose their top-left
 * corner (and its large mark), half have a scanner-glass streak through the top-right mark.
 */
export const DAMAGE_PROFILES = {
  'dark-erasure': () => ({ kinds: ['dark_erasure', 'dark_erasure', 'dark_erasure'] }),
  'damaged-mark': (index: number) => (index % 2 === 0 ? { kinds: ['torn_top_left'] } : { kinds: ['mark_streak'], options: { streakCorner: 'tr' } }),
} satisfies Record<string, (index: number) => { kinds: DamageKind[]; options?: DamageOptions }>;
export type DamageProfileName = keyof typeof DAMAGE_PROFILES;

/** Where a `mark_streak` crosses the scan: the band's left edge and width in image pixels, from the page→image map. */
export function streakThroughMark(page: PrintedPage, d: Extract<DamageTruth, { kind: 'mark_streak' }>, mmToImageX: (x: number, y: number) => number, dpi: number): { x: number; width: number; level: number } {
  const mark = page.marks.find((m) => m.corner === d.corner)!;
  const width = Math.max(1, Math.round(d.widthMm * pxPerMm(dpi)));
  return { x: Math.round(mmToImageX(mark.x + d.offsetMm, mark.y) - width / 2), width, level: d.level };
}

function fieldCentre(f: PrintedPage['fields'][number]): { x: number; y: number } {
  switch (f.kind) {
    case 'bubbles':
    case 'score':
      return { x: f.targets.reduce((a, t) => a + t.x, 0) / f.targets.length, y: f.targets.reduce((a, t) => a + t.y, 0) / f.targets.length };
    case 'digit_grid':
    case 'comb': {
      const b = f.boxes[0]!;
      const e = f.boxes[f.boxes.length - 1]!;
      return { x: (b.x + e.x + e.w) / 2, y: b.y + b.h / 2 };
    }
    case 'write_in':
      return { x: f.box.x + f.box.w / 2, y: f.box.y + f.box.h / 2 };
    default:
      return throwIllegalValue(f, 'field kind');
  }
}

function drawFold(img: GreyImage, s: number, d: Extract<DamageTruth, { kind: 'fold' }>): void {
  const [x0, y0] = d.fromMm.map((v) => v * s) as [number, number];
  const [x1, y1] = d.toMm.map((v) => v * s) as [number, number];
  const len = Math.hypot(x1 - x0, y1 - y0);
  const nx = -(y1 - y0) / len;
  const ny = (x1 - x0) / len;
  const sigma = 0.6 * s;
  const reach = Math.ceil(4 * sigma);
  const { width, height, data } = img;
  for (let y = 0; y < height; y++) {
    // Distance to the crease changes linearly along a row.
    const base = (0.5 - x0) * nx + (y + 0.5 - y0) * ny;
    for (let x = 0; x < width; x++) {
      const dist = base + x * nx;
      const i = y * width + x;
      let drop = dist > 0 ? 6 : 0; // the far panel sits a little off the glass
      if (Math.abs(dist) < reach) drop += d.depth * Math.exp(-((dist / sigma) ** 2)) * (dist < 0 ? 1 : 0.5);
      if (drop > 0) data[i] = Math.max(0, Math.round(data[i]! - drop * (data[i]! / 255)));
    }
  }
}

function distToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function drawTear(img: GreyImage, s: number, d: Extract<DamageTruth, { kind: 'tear' }>, background: number): void {
  const pts = d.pathMm.map(([x, y]) => ({ x: x * s, y: y * s }));
  const half = (d.widthMm * s) / 2;
  const edge = 0.4 * s; // a dark shadow along the torn edges
  for (let k = 0; k + 1 < pts.length; k++) {
    const a = pts[k]!;
    const b = pts[k + 1]!;
    // Narrows towards the end of the crack.
    const w = half * (1 - (0.7 * k) / pts.length);
    const x0 = Math.max(0, Math.floor(Math.min(a.x, b.x) - w - edge));
    const x1 = Math.min(img.width - 1, Math.ceil(Math.max(a.x, b.x) + w + edge));
    const y0 = Math.max(0, Math.floor(Math.min(a.y, b.y) - w - edge));
    const y1 = Math.min(img.height - 1, Math.ceil(Math.max(a.y, b.y) + w + edge));
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const dist = distToSegment(x + 0.5, y + 0.5, a.x, a.y, b.x, b.y);
        const i = y * img.width + x;
        if (dist <= w) img.data[i] = background;
        else if (dist <= w + edge) img.data[i] = Math.min(img.data[i]!, Math.round(img.data[i]! * 0.55));
      }
  }
}

function drawSmudge(img: GreyImage, s: number, d: Extract<DamageTruth, { kind: 'smudge' }>): void {
  const [cx, cy] = d.centreMm.map((v) => v * s) as [number, number];
  const [rx, ry] = d.radiiMm.map((v) => v * s) as [number, number];
  const a = (d.angleDeg * Math.PI) / 180;
  const c = Math.cos(a);
  const sn = Math.sin(a);
  const R = Math.max(rx, ry);
  const k = 1 - d.level / 255;
  for (let y = Math.max(0, Math.floor(cy - R)); y < Math.min(img.height, Math.ceil(cy + R)); y++)
    for (let x = Math.max(0, Math.floor(cx - R)); x < Math.min(img.width, Math.ceil(cx + R)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * c + dy * sn) / rx;
      const v = (-dx * sn + dy * c) / ry;
      const r = u * u + v * v;
      if (r >= 1) continue;
      // Soft edge, streaks along the wipe.
      const cover = (1 - r) ** 1.5 * (0.75 + 0.25 * Math.sin(v * 23 + u * 3));
      const i = y * img.width + x;
      img.data[i] = Math.round(img.data[i]! * (1 - k * cover));
    }
}

function cutCorner(img: GreyImage, s: number, W: number, H: number, d: Extract<DamageTruth, { kind: 'missing_corner' }>, background: number): void {
  const [a, b] = d.legsMm.map((v) => v * s) as [number, number];
  const cx = (d.corner === 'tr' || d.corner === 'br' ? W : 0) * s;
  const cy = (d.corner === 'bl' || d.corner === 'br' ? H : 0) * s;
  for (let y = Math.max(0, Math.floor(cy - b)); y < Math.min(img.height, Math.ceil(cy + b)); y++)
    for (let x = Math.max(0, Math.floor(cx - a)); x < Math.min(img.width, Math.ceil(cx + a)); x++) {
      // Inside the triangle with legs a (along x) and b (along y) at the corner.
      if (Math.abs(x + 0.5 - cx) / a + Math.abs(y + 0.5 - cy) / b < 1) img.data[y * img.width + x] = background;
    }
}

/** A ragged triangle torn off the top-left corner, large enough to take the large mark; the backing shows. */
function tearTopLeft(img: GreyImage, s: number, d: Extract<DamageTruth, { kind: 'torn_top_left' }>, background: number, rng: Rng): void {
  const [a, b] = d.legsMm.map((v) => v * s) as [number, number];
  // The torn edge wanders ±1.5 mm around the straight cut (a few smooth waves).
  const waves = Array.from({ length: 3 }, (_, i) => ({ k: i + 2, amp: between(rng, 0.3, 0.6) * s, ph: rng() * 2 * Math.PI }));
  const edge = 0.35 * s;
  for (let y = 0; y < Math.min(img.height, Math.ceil(b + 2 * s)); y++)
    for (let x = 0; x < Math.min(img.width, Math.ceil(a + 2 * s)); x++) {
      const t = (x + 0.5) / a - (y + 0.5) / b; // position along the cut, −1..1
      let wobble = 0;
      for (const w of waves) wobble += w.amp * Math.sin(w.k * Math.PI * t + w.ph);
      // Signed distance (px) from the ragged cut, negative on the torn-off side.
      const dist = ((x + 0.5) / a + (y + 0.5) / b - 1) * ((a * b) / Math.hypot(a, b)) - wobble;
      const i = y * img.width + x;
      if (dist < 0) img.data[i] = background;
      else if (dist < edge) img.data[i] = Math.round(img.data[i]! * 0.8); // the torn fibres' shadow
    }
}

/**
 * Residue of an erased mark on an untouched target: graphite the eraser left, `grey` (a fraction of the paper's
 * brightness, drawn from `greyRange`) on average over the target. Often smeared past the target along the eraser's
 * stroke, sometimes left only on part of it.
 */
function darkErasure(img: GreyImage, page: PrintedPage, fields: readonly FieldTruth[], dpi: number, rng: Rng, greyRange: readonly [number, number]): { damage: DamageTruth; fields: FieldTruth[] } | null {
  const candidates: { fieldIndex: number; target: MarkTarget; column?: number }[] = [];
  fields.forEach((f, fieldIndex) => {
    if (f.kind !== 'bubbles' && f.kind !== 'digit_grid') return;
    const printed = page.fields.find((x) => x.id === f.fieldId);
    const touched = new Set(f.pens.map((p) => `${p.column ?? 0}:${p.value}`));
    if (printed?.kind === 'bubbles') for (const target of printed.targets) if (!touched.has(`0:${target.value}`)) candidates.push({ fieldIndex, target });
    if (printed?.kind === 'digit_grid')
      printed.columns.forEach((col, column) => {
        for (const target of col.targets) if (!touched.has(`${column}:${target.value}`)) candidates.push({ fieldIndex, target, column });
      });
  });
  if (candidates.length === 0) return null;
  const { fieldIndex, target, column } = candidates[Math.floor(rng() * candidates.length)]!;
  const s = pxPerMm(dpi);
  const R = target.r * s;
  const grey = r2(between(rng, greyRange[0], greyRange[1]));
  const grain = between(rng, 0.2, 0.35);
  // Multiply blend with a uniform grain in [0, grain): mean ink = (1 − level/255)(1 − grain/2) = 1 − grey.
  const level = Math.max(0, Math.min(255, Math.round(255 * (1 - (1 - grey) / (1 - grain / 2)))));
  const seed = () => Math.floor(rng() * 2 ** 32);
  const partial = rng() < 0.35;
  const keep = rng() * 2 * Math.PI; // the side a partial erasure left
  const base = R * between(rng, 0.9, 1.0);
  const shape = (a: number) => (partial && Math.cos(a - keep) < -0.1 ? base * 0.45 : base);
  const ox = (rng() - 0.5) * 0.2 * R;
  const oy = (rng() - 0.5) * 0.2 * R;
  fillRadial(img, target.x * s + ox, target.y * s + oy, R * 1.2, shape, { level, grain, seed: seed() });
  const smeared = rng() < 0.6;
  if (smeared) {
    // The eraser dragged graphite along its stroke: a lighter smear from the target's edge out past it on one side
    // (it leaves the target's own grey as it is).
    const dir = rng() * 2 * Math.PI;
    const long = R * between(rng, 0.9, 1.4);
    const wide = R * between(rng, 0.45, 0.75);
    const cx = target.x * s + Math.cos(dir) * (R + long * 0.85);
    const cy = target.y * s + Math.sin(dir) * (R + long * 0.85);
    const smearLevel = Math.round(255 - (255 - level) * between(rng, 0.35, 0.6));
    fillRadial(img, cx, cy, long + 1, (a) => {
      const c = Math.cos(a - dir) / long;
      const sn = Math.sin(a - dir) / wide;
      return 1 / Math.sqrt(c * c + sn * sn);
    }, { level: smearLevel, grain: grain + 0.1, seed: seed() });
  }
  const f = fields[fieldIndex] as Extract<FieldTruth, { kind: 'bubbles' | 'digit_grid' }>;
  const pen = { value: target.value, pen: 'erasure' as const, ...(column === undefined ? {} : { column }) };
  const updated = { ...f, pens: [...f.pens, pen] } as FieldTruth;
  const damage: DamageTruth = { kind: 'dark_erasure', fieldId: f.fieldId, value: target.value, ...(column === undefined ? {} : { column }), level, grey, smeared, partial };
  return { damage, fields: fields.map((x, i) => (i === fieldIndex ? updated : x)) };
}

/** Which page corners' registration marks a missing corner removes. */
export function cornersLost(page: PrintedPage, damage: readonly DamageTruth[]): Corner[] {
  const lost: Corner[] = [];
  for (const dd of damage) {
    const d = dd.kind === 'torn_top_left' ? { kind: dd.kind, corner: 'tl' as const, legsMm: dd.legsMm } : dd;
    if (d.kind !== 'missing_corner' && d.kind !== 'torn_top_left') continue;
    const mark = page.marks.find((m) => m.corner === d.corner);
    if (!mark) continue;
    const cx = d.corner === 'tr' || d.corner === 'br' ? page.paper.widthMm : 0;
    const cy = d.corner === 'bl' || d.corner === 'br' ? page.paper.heightMm : 0;
    // Any part of the mark square inside the triangle.
    const near = { x: mark.x + (cx > 0 ? 1 : -1) * (mark.size / 2), y: mark.y + (cy > 0 ? 1 : -1) * (mark.size / 2) };
    if (Math.abs(near.x - cx) / d.legsMm[0] + Math.abs(near.y - cy) / d.legsMm[1] < 1) lost.push(d.corner);
  }
  return lost;
}
