/**
 * Test-only rasteriser: draws a PrintedPage into a GreyImage (marks, QR, target outlines, comb and
 * write-in boxes), fills targets the way students and teachers do, and then "scans" it (turn, scale,
 * perspective, blur, noise, dust) with the scan simulator the synthetic-scan generator uses too
 * (./scan.ts). Closed-loop tests render with known answers, read, compare.
 */
import QRCode from 'qrcode';
import type { Corner, Field, MarkTarget, PrintedPage, Rect } from '../../layout/printedPage';
import { encodeQrPayload } from '../../domain/qrPayload';
import { bilinear, createImage, type GreyImage } from '../image';
import { seededRng } from '../../domain/random';
import { applyH, composeH, invertH, type Homography } from '../homography';
import { addDust, gaussianBlur, toneAndNoise, warp } from './scan';
import { throwIllegalValue } from '../../domain/result';

export type TargetInk =
  | 'full' // a solid pen fill
  | 'partial' // about half of the bubble filled
  | 'pencil' // a light, textured pencil fill
  | 'tick' // a check mark across the target
  | 'cross' // an X across the target
  | 'erasure' // light grey residue of an erased fill
  | 'dot'; // a small dot in the middle

export type PageInk =
  /** Mark one target of a field. For digit grids, `column` picks the column (0-based). */
  | { kind: 'target'; fieldId: string; value: string; style: TargetInk; column?: number; grey?: number }
  /** Paste a rasterised glyph (handwriting stand-in) into a rectangle in mm, dark pixels only. */
  | { kind: 'glyph'; rect: Rect; image: GreyImage }
  /** A straight pen stroke in mm. */
  | { kind: 'stroke'; x1: number; y1: number; x2: number; y2: number; widthMm: number; grey?: number };

export type DrawOptions = {
  dpi: number;
  /** Which registration marks to print (all by default). */
  marks?: readonly Corner[];
  /** QR text; default: the page's own payload. null: no QR. */
  qrText?: string | null;
  ink?: readonly PageInk[];
  paper?: number;
  printInk?: number;
  /** Draw printed clutter (labels, rules, stems) around the fields, as a real page has. */
  clutter?: boolean;
};

const mmToPx = (dpi: number) => dpi / 25.4;

/** Render the page upright (paper exactly fills the image). */
export function drawPage(page: PrintedPage, opts: DrawOptions): GreyImage {
  const k = mmToPx(opts.dpi);
  const W = Math.round(page.paper.widthMm * k);
  const H = Math.round(page.paper.heightMm * k);
  const img = createImage(W, H, opts.paper ?? 245);
  const ink = opts.printInk ?? 25;
  const c = new Canvas(img, k);

  const marks = opts.marks ?? ['tl', 'tr', 'br', 'bl'];
  for (const m of page.marks) if (marks.includes(m.corner)) c.fillRect(m.x - m.size / 2, m.y - m.size / 2, m.size, m.size, ink);

  const qrText = opts.qrText === undefined ? encodeQrPayload({ pageId: page.pageId, layoutVersion: page.layoutVersion }) : opts.qrText;
  if (qrText !== null) drawQr(c, qrText, page.qr, ink);

  for (const f of page.fields) drawField(c, f, ink);
  if (opts.clutter) drawClutter(c, page, ink);

  for (const i of opts.ink ?? []) {
    switch (i.kind) {
      case 'target': {
        const t = findTarget(page, i.fieldId, i.value, i.column);
        drawTargetInk(c, t, i.style, i.grey);
        break;
      }
      case 'glyph':
        c.pasteDark(i.image, i.rect);
        break;
      case 'stroke':
        c.line(i.x1, i.y1, i.x2, i.y2, i.widthMm, i.grey ?? 40);
        break;
      default:
        return throwIllegalValue(i, 'ink kind');
    }
  }
  return img;
}

function findTarget(page: PrintedPage, fieldId: string, value: string, column?: number): MarkTarget {
  const f = page.fields.find((x) => x.id === fieldId);
  if (!f) throw new Error(`no field ${fieldId}`);
  let targets: MarkTarget[];
  if (f.kind === 'bubbles' || f.kind === 'score') targets = f.targets;
  else if (f.kind === 'digit_grid') targets = f.columns[column ?? 0]?.targets ?? [];
  else throw new Error(`field ${fieldId} has no targets`);
  const t = targets.find((x) => x.value === value);
  if (!t) throw new Error(`no target ${value} in ${fieldId}`);
  return t;
}

function drawQr(c: Canvas, text: string, box: PrintedPage['qr'], ink: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const m = box.size / (n + 4); // 2-module quiet zone, as the PDF renderer draws it
  for (let y = 0; y < n; y++)
    for (let x = 0; x < n; x++) if (qr.modules.get(y, x)) c.fillRect(box.x + (x + 2) * m, box.y + (y + 2) * m, m, m, ink);
}

function drawOutline(c: Canvas, t: MarkTarget, ink: number): void {
  if (t.shape === 'circle') c.ring(t.x, t.y, t.r, 0.3, ink);
  else c.rectOutline(t.x - t.r, t.y - t.r, 2 * t.r, 2 * t.r, 0.3, ink);
}

function drawField(c: Canvas, f: Field, ink: number): void {
  switch (f.kind) {
    case 'bubbles':
    case 'score':
      f.targets.forEach((t) => drawOutline(c, t, ink));
      return;
    case 'digit_grid':
      f.columns.forEach((col) => col.targets.forEach((t) => drawOutline(c, t, ink)));
      f.boxes.forEach((b) => c.rectOutline(b.x, b.y, b.w, b.h, 0.25, ink));
      return;
    case 'comb':
      f.boxes.forEach((b) => c.rectOutline(b.x, b.y, b.w, b.h, 0.25, ink));
      return;
    case 'write_in':
      c.rectOutline(f.box.x, f.box.y, f.box.w, f.box.h, 0.2, 110);
      return;
    default:
      return throwIllegalValue(f, 'field kind');
  }
}

/** Labels next to bubbles, question numbers, a header rule: printed ink the reader must ignore. */
function drawClutter(c: Canvas, page: PrintedPage, ink: number): void {
  c.line(18, 29.5, page.paper.widthMm - 18, 29.5, 0.3, 110);
  c.fillRect(30, 10, 40, 3, 90); // a "name" line of text, as a grey bar
  for (const f of page.fields) {
    if (f.kind !== 'bubbles') continue;
    const first = f.targets[0];
    if (first) c.fillRect(first.x - first.r - 9, first.y - 1.2, 4, 2.4, ink); // question number
    for (const t of f.targets) {
      // An option label: two short strokes like a letter.
      c.line(t.x + t.r + 1.5, t.y - 1.2, t.x + t.r + 2.3, t.y + 1.2, 0.3, ink);
      c.line(t.x + t.r + 2.3, t.y + 1.2, t.x + t.r + 3.1, t.y - 1.2, 0.3, ink);
    }
  }
}

/** Draws a student's or teacher's mark onto a target. */
function drawTargetInk(c: Canvas, t: MarkTarget, style: TargetInk, grey?: number): void {
  const r = t.r;
  const pen = grey ?? 35;
  switch (style) {
    case 'full':
      if (t.shape === 'circle') c.disc(t.x, t.y, r * 0.95, pen);
      else c.fillRect(t.x - r * 0.9, t.y - r * 0.9, 1.8 * r, 1.8 * r, pen);
      return;
    case 'partial':
      // The lower half and a bit: a hurried fill.
      for (let y = t.y - r * 0.15; y <= t.y + r * 0.85; y += 0.15) {
        const half = t.shape === 'circle' ? Math.sqrt(Math.max(0, r * r * 0.85 - (y - t.y) ** 2)) : r * 0.85;
        c.line(t.x - half, y, t.x + half, y, 0.25, pen);
      }
      return;
    case 'pencil': {
      // Diagonal hatching in graphite grey, overlapping strokes with gaps.
      const g = grey ?? 125;
      for (let d = -2 * r; d <= 2 * r; d += 0.32) {
        const pts = clipLineToTarget(t, d, r * 0.92);
        if (pts) c.line(pts[0], pts[1], pts[2], pts[3], 0.26, g);
      }
      return;
    }
    case 'tick':
      c.line(t.x - r * 0.7, t.y, t.x - r * 0.15, t.y + r * 0.65, 0.5, pen);
      c.line(t.x - r * 0.15, t.y + r * 0.65, t.x + r * 0.9, t.y - r * 0.9, 0.5, pen);
      return;
    case 'cross':
      c.line(t.x - r * 0.8, t.y - r * 0.8, t.x + r * 0.8, t.y + r * 0.8, 0.5, pen);
      c.line(t.x - r * 0.8, t.y + r * 0.8, t.x + r * 0.8, t.y - r * 0.8, 0.5, pen);
      return;
    case 'erasure':
      // Like the synthetic pen model's residue (grey 220–235 on white), mid-range.
      if (t.shape === 'circle') c.disc(t.x, t.y, r * 0.9, grey ?? 225);
      else c.fillRect(t.x - r * 0.85, t.y - r * 0.85, 1.7 * r, 1.7 * r, grey ?? 225);
      return;
    case 'dot':
      c.disc(t.x, t.y, r * 0.3, pen);
      return;
    default:
      return throwIllegalValue(style, 'mark style');
  }
}

/** A 45° hatch line at offset d, clipped to the target's inner area. */
function clipLineToTarget(t: MarkTarget, d: number, rr: number): [number, number, number, number] | null {
  // Line: points p = centre + d·n + s·u, u = (1,1)/√2, n = (1,−1)/√2.
  const ux = Math.SQRT1_2;
  const uy = Math.SQRT1_2;
  const nx = Math.SQRT1_2;
  const ny = -Math.SQRT1_2;
  let s0: number;
  let s1: number;
  if (t.shape === 'circle') {
    if (Math.abs(d) >= rr) return null;
    const h = Math.sqrt(rr * rr - d * d);
    s0 = -h;
    s1 = h;
  } else {
    s0 = -Infinity;
    s1 = Infinity;
    for (const [a, b] of [
      [ux, nx * d],
      [uy, ny * d],
    ] as const) {
      // |b + s·a| <= rr
      const lo = (-rr - b) / a;
      const hi = (rr - b) / a;
      s0 = Math.max(s0, Math.min(lo, hi));
      s1 = Math.min(s1, Math.max(lo, hi));
    }
    if (s1 <= s0) return null;
  }
  return [t.x + d * nx + s0 * ux, t.y + d * ny + s0 * uy, t.x + d * nx + s1 * ux, t.y + d * ny + s1 * uy];
}

/** Anti-aliased drawing in mm onto an upright page raster (darken-only compositing). */
class Canvas {
  constructor(
    readonly img: GreyImage,
    readonly k: number,
  ) {}

  private put(i: number, j: number, cov: number, grey: number): void {
    if (cov <= 0 || i < 0 || j < 0 || i >= this.img.width || j >= this.img.height) return;
    const o = j * this.img.width + i;
    const v = this.img.data[o]!;
    const nv = v + (grey - v) * Math.min(1, cov);
    if (nv < v) this.img.data[o] = Math.round(nv);
  }

  fillRect(xMm: number, yMm: number, wMm: number, hMm: number, grey: number): void {
    const x0 = xMm * this.k;
    const y0 = yMm * this.k;
    const x1 = (xMm + wMm) * this.k;
    const y1 = (yMm + hMm) * this.k;
    for (let j = Math.floor(y0); j < Math.ceil(y1); j++) {
      const cy = Math.min(j + 1, y1) - Math.max(j, y0);
      for (let i = Math.floor(x0); i < Math.ceil(x1); i++) {
        const cx = Math.min(i + 1, x1) - Math.max(i, x0);
        this.put(i, j, cx * cy, grey);
      }
    }
  }

  rectOutline(xMm: number, yMm: number, wMm: number, hMm: number, strokeMm: number, grey: number): void {
    const s = strokeMm / 2;
    this.fillRect(xMm - s, yMm - s, wMm + 2 * s, strokeMm, grey);
    this.fillRect(xMm - s, yMm + hMm - s, wMm + 2 * s, strokeMm, grey);
    this.fillRect(xMm - s, yMm + s, strokeMm, hMm - 2 * s, grey);
    this.fillRect(xMm + wMm - s, yMm + s, strokeMm, hMm - 2 * s, grey);
  }

  disc(xMm: number, yMm: number, rMm: number, grey: number): void {
    const cx = xMm * this.k;
    const cy = yMm * this.k;
    const r = rMm * this.k;
    for (let j = Math.floor(cy - r - 1); j <= Math.ceil(cy + r + 1); j++)
      for (let i = Math.floor(cx - r - 1); i <= Math.ceil(cx + r + 1); i++) {
        const d = Math.hypot(i + 0.5 - cx, j + 0.5 - cy);
        this.put(i, j, Math.max(0, Math.min(1, r - d + 0.5)), grey);
      }
  }

  ring(xMm: number, yMm: number, rMm: number, strokeMm: number, grey: number): void {
    const cx = xMm * this.k;
    const cy = yMm * this.k;
    const ro = (rMm + strokeMm / 2) * this.k;
    const ri = (rMm - strokeMm / 2) * this.k;
    for (let j = Math.floor(cy - ro - 1); j <= Math.ceil(cy + ro + 1); j++)
      for (let i = Math.floor(cx - ro - 1); i <= Math.ceil(cx + ro + 1); i++) {
        const d = Math.hypot(i + 0.5 - cx, j + 0.5 - cy);
        const cov = Math.max(0, Math.min(1, ro - d + 0.5)) - Math.max(0, Math.min(1, ri - d + 0.5));
        this.put(i, j, cov, grey);
      }
  }

  line(x1Mm: number, y1Mm: number, x2Mm: number, y2Mm: number, widthMm: number, grey: number): void {
    const k = this.k;
    const ax = x1Mm * k;
    const ay = y1Mm * k;
    const bx = x2Mm * k;
    const by = y2Mm * k;
    const hw = (widthMm * k) / 2;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy || 1;
    for (let j = Math.floor(Math.min(ay, by) - hw - 1); j <= Math.ceil(Math.max(ay, by) + hw + 1); j++)
      for (let i = Math.floor(Math.min(ax, bx) - hw - 1); i <= Math.ceil(Math.max(ax, bx) + hw + 1); i++) {
        const px = i + 0.5;
        const py = j + 0.5;
        const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2));
        const d = Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
        this.put(i, j, Math.max(0, Math.min(1, hw - d + 0.5)), grey);
      }
  }

  /** Scale `glyph` into the rectangle (mm) and darken with it. */
  pasteDark(glyph: GreyImage, r: Rect): void {
    const k = this.k;
    const x0 = r.x * k;
    const y0 = r.y * k;
    const sx = glyph.width / (r.w * k);
    const sy = glyph.height / (r.h * k);
    for (let j = Math.floor(y0); j < Math.ceil(y0 + r.h * k); j++)
      for (let i = Math.floor(x0); i < Math.ceil(x0 + r.w * k); i++) {
        const v = bilinear(glyph, (i + 0.5 - x0) * sx, (j + 0.5 - y0) * sy);
        this.put(i, j, 1, v);
      }
  }
}

export type ScanOptions = {
  /** Clockwise turn of the page in the image, degrees (180 = upside down). */
  rotateDeg?: number;
  scale?: number;
  /** Keystone: relative change of scale across the page width (0.01 = 1 %). */
  perspective?: number;
  /** Extra shift of the page in mm. */
  shiftMm?: { x: number; y: number };
  /** Margin of scanner background around the turned page's bounding box, mm. */
  marginMm?: number;
  background?: number;
  /** Gaussian blur, sigma in px. */
  blurPx?: number;
  /** Noise standard deviation in grey levels. */
  noise?: number;
  /** Number of random dark specks (dust). */
  specks?: number;
  seed?: number;
};

/**
 * Where the upright page goes in the scanner image: keystone about the page centre, then turn and
 * scale, then shifted so the page plus a margin of backing fits. Page px → scan px, and the scan's size.
 */
function scanPlacement(pageSize: { width: number; height: number }, opts: ScanOptions): { pageToScan: Homography; width: number; height: number } {
  const W = pageSize.width;
  const H = pageSize.height;
  const a = ((opts.rotateDeg ?? 0) * Math.PI) / 180;
  const s = opts.scale ?? 1;
  const cos = Math.cos(a) * s;
  const sin = Math.sin(a) * s;
  const g = (opts.perspective ?? 0) / W;
  const centred: Homography = [1, 0, -W / 2, 0, 1, -H / 2, 0, 0, 1];
  const keystone: Homography = [1, 0, 0, 0, 1, 0, g, 0, 1];
  const turn: Homography = [cos, -sin, 0, sin, cos, 0, 0, 0, 1];
  const turned = composeH(turn, composeH(keystone, centred));
  const corners = [{ x: 0, y: 0 }, { x: W, y: 0 }, { x: W, y: H }, { x: 0, y: H }].map((p) => applyH(turned, p));
  const kPerMm = W / 210; // only used for margins and shifts; any paper works
  const margin = (opts.marginMm ?? 3) * kPerMm;
  const minX = Math.min(...corners.map((p) => p.x)) - margin;
  const minY = Math.min(...corners.map((p) => p.y)) - margin;
  const width = Math.ceil(Math.max(...corners.map((p) => p.x)) + margin - minX);
  const height = Math.ceil(Math.max(...corners.map((p) => p.y)) + margin - minY);
  const shift: Homography = [1, 0, (opts.shiftMm?.x ?? 0) * kPerMm - minX, 0, 1, (opts.shiftMm?.y ?? 0) * kPerMm - minY, 0, 0, 1];
  return { pageToScan: composeH(shift, turned), width, height };
}

/** Place the upright page into a scanner image (turn, scale, keystone), then blur, dust and noise, with the shared scan simulator. */
export function scanPage(page: GreyImage, opts: ScanOptions = {}): GreyImage {
  const { pageToScan, width, height } = scanPlacement(page, opts);
  let out = warp(page, invertH(pageToScan), width, height, opts.background ?? 235);
  if (opts.blurPx && opts.blurPx > 0) out = gaussianBlur(out, opts.blurPx);
  const rng = seededRng(opts.seed ?? 1);
  if (opts.specks) addDust(out, opts.specks, rng);
  if (opts.noise && opts.noise > 0) toneAndNoise(out, { brightness: 0, contrast: 1, noiseSigma: opts.noise, saltPepper: 0 }, rng);
  return out;
}

/** Where a point of the upright page (px) lands in the output of scanPage with the same options. */
export function scanPoint(pageSize: { width: number; height: number }, opts: ScanOptions, x: number, y: number): { x: number; y: number } {
  return applyH(scanPlacement(pageSize, opts).pageToScan, { x, y });
}
