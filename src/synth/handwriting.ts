import type { Rng } from '../domain/random';
import type { Rect } from '../layout/printedPage';
import type { GreyImage } from '../vision/image';
import { pxPerMm } from './image';
import { jitterPolyline, toolInk, toolWidthMm, type Tool } from './pen';
import { drawPolylines, type Pt } from './raster';
import { LETTER_GLYPHS } from './letters';

/**
 * Stroke skeletons of handwritten characters in a unit em: y from 0 (top) to 1 (baseline), x from 0
 * to about 0.6. Each character has one or more variants ("fonts" of handwriting): open and closed 4,
 * plain, flagged and serif 1, plain and crossed 7, and so on.
 */
type Glyph = { strokes: Pt[][]; width: number };

function arc(cx: number, cy: number, rx: number, ry: number, fromDeg: number, toDeg: number, n = 14): Pt[] {
  const pts: Pt[] = [];
  for (let i = 0; i <= n; i++) {
    const a = ((fromDeg + ((toDeg - fromDeg) * i) / n) * Math.PI) / 180;
    pts.push({ x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
  }
  return pts;
}
const P = (x: number, y: number): Pt => ({ x, y });
const g = (width: number, ...strokes: Pt[][]): Glyph => ({ width, strokes });

const GLYPHS: Record<string, Glyph[]> = {
  '0': [g(0.6, arc(0.3, 0.5, 0.28, 0.5, -95, 268, 24)), g(0.6, arc(0.3, 0.5, 0.28, 0.5, -95, 268, 24), [P(0.52, 0.12), P(0.08, 0.88)])],
  '1': [g(0.35, [P(0.2, 0), P(0.2, 1)]), g(0.4, [P(0.02, 0.22), P(0.26, 0), P(0.26, 1)]), g(0.5, [P(0.05, 0.2), P(0.27, 0), P(0.27, 1)], [P(0.05, 1), P(0.49, 1)])],
  '2': [g(0.6, [...arc(0.3, 0.28, 0.28, 0.28, 195, 375, 10), P(0.4, 0.58), P(0.02, 1), P(0.62, 1)]), g(0.6, [P(0.03, 0.12), P(0.3, 0), P(0.55, 0.12), P(0.56, 0.35), P(0.03, 1), P(0.62, 0.98)])],
  '3': [g(0.6, arc(0.3, 0.26, 0.27, 0.25, 200, 450, 10), arc(0.3, 0.74, 0.3, 0.26, -90, 165, 12)), g(0.6, [P(0.03, 0), P(0.58, 0), P(0.24, 0.44), ...arc(0.3, 0.72, 0.3, 0.28, -90, 165, 12)])],
  '4': [g(0.62, [P(0.46, 1), P(0.46, 0), P(0, 0.68), P(0.62, 0.68)]), g(0.62, [P(0.12, 0), P(0.02, 0.64), P(0.62, 0.64)], [P(0.46, 0.22), P(0.46, 1)])],
  '5': [g(0.6, [P(0.56, 0), P(0.1, 0), P(0.06, 0.46), ...arc(0.3, 0.7, 0.3, 0.3, -140, 150, 14)]), g(0.6, [P(0.08, 0.02), P(0.05, 0.45), ...arc(0.3, 0.7, 0.3, 0.3, -140, 150, 14)], [P(0.08, 0.02), P(0.58, 0)])],
  '6': [g(0.6, [P(0.52, 0.02), P(0.25, 0.22), P(0.06, 0.6), ...arc(0.31, 0.73, 0.27, 0.27, 180, 530, 16)])],
  '7': [g(0.6, [P(0, 0), P(0.6, 0), P(0.2, 1)]), g(0.6, [P(0, 0.04), P(0.6, 0), P(0.2, 1)], [P(0.14, 0.52), P(0.54, 0.5)]), g(0.6, [P(0, 0.12), P(0.04, 0), P(0.6, 0), P(0.32, 0.5), P(0.26, 1)])],
  '8': [g(0.6, arc(0.3, 0.25, 0.23, 0.25, 90, 450, 14), arc(0.3, 0.74, 0.29, 0.26, -90, 270, 16))],
  '9': [g(0.6, arc(0.29, 0.3, 0.27, 0.3, 0, 360, 16), [P(0.56, 0.3), P(0.5, 1)]), g(0.6, arc(0.29, 0.3, 0.27, 0.3, 10, 370, 16), [P(0.56, 0.35), P(0.5, 0.8), P(0.3, 1)])],
  '-': [g(0.5, [P(0.05, 0.52), P(0.5, 0.5)])],
  '.': [g(0.2, [P(0.1, 0.93), P(0.12, 0.96)])],
  '/': [g(0.5, [P(0.5, 0), P(0.02, 1)])],
  '=': [g(0.55, [P(0.03, 0.38), P(0.55, 0.37)], [P(0.03, 0.66), P(0.55, 0.64)])],
  x: [g(0.5, [P(0.02, 0.38), P(0.5, 1)], [P(0.5, 0.38), P(0.02, 1)])],
  '+': [g(0.6, [P(0.3, 0.25), P(0.3, 0.88)], [P(0, 0.56), P(0.6, 0.56)])],
};

/** The characters the generator can write by hand. */
export const HANDWRITING_CHARS = Object.keys(GLYPHS).join('');

export function canWrite(text: string): boolean {
  return [...text].every((c) => c === ' ' || c in GLYPHS);
}

/** A writer: one student's (or teacher's) consistent hand — variants, slant, size and pen. */
export type Writer = {
  variants: Record<string, number>;
  /** Shear: x += slant × (height above the baseline). Positive leans right. */
  slant: number;
  /** Character height as a fraction of the box height. */
  size: number;
  widthMm: number;
  tool: Tool;
  /** Jitter amplitude as a fraction of the character height. */
  jitter: number;
};

const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng();

export function sampleWriter(rng: Rng, tool?: Tool): Writer {
  const variants: Record<string, number> = {};
  for (const [ch, gs] of Object.entries(GLYPHS)) variants[ch] = Math.floor(rng() * gs.length);
  const t = tool ?? (rng() < 0.6 ? 'pencil' : 'ballpoint');
  return { variants, slant: between(rng, -0.12, 0.3), size: between(rng, 0.55, 0.8), widthMm: toolWidthMm(t, rng) * 0.85, tool: t, jitter: between(rng, 0.01, 0.035) };
}

export type WriteContext = { dpi: number; rng: Rng };

/** Keep-out margin (mm) inside a printed box: its border line plus some air. */
const BOX_INSET_MM = 0.45;

/** Strokes of one character fitted into a box (mm), with this writer's hand and per-character variation. */
export function charStrokes(ch: string, box: Rect, writer: Writer, rng: Rng): Pt[][] {
  // Letters (letters.ts) are drawn only where asked for; canWrite and the page generator know the glyphs above.
  const variants = GLYPHS[ch] ?? LETTER_GLYPHS[ch];
  const glyph = variants?.[writer.variants[ch] ?? 0] ?? variants?.[0];
  if (!glyph) return [];
  const h = box.h * writer.size * between(rng, 0.9, 1.08);
  const slant = writer.slant + between(rng, -0.06, 0.06);
  const rot = between(rng, -0.07, 0.07);
  const c = Math.cos(rot);
  const s = Math.sin(rot);
  const placed = glyph.strokes.map((stroke) =>
    jitterPolyline(
      stroke.map((p) => {
        const x = (p.x - glyph.width / 2 + slant * (0.5 - p.y)) * h;
        const y = (p.y - 0.5) * h;
        return { x: x * c - y * s, y: x * s + y * c };
      }),
      writer.jitter * h,
      rng,
      3,
    ),
  );
  // Fit inside the box (less the border and half the stroke), shrinking around the centre if needed.
  const inset = BOX_INSET_MM + writer.widthMm / 2;
  const availW = Math.max(0.5, box.w - 2 * inset);
  const availH = Math.max(0.5, box.h - 2 * inset);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (const st of placed) for (const p of st) {
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  }
  const k = Math.min(1, availW / Math.max(1e-6, maxX - minX), availH / Math.max(1e-6, maxY - minY));
  const gw = (maxX - minX) * k;
  const gh = (maxY - minY) * k;
  const ox = box.x + inset + (availW - gw) * between(rng, 0.3, 0.7) - minX * k;
  const oy = box.y + inset + (availH - gh) * between(rng, 0.35, 0.75) - minY * k;
  return placed.map((st) => st.map((p) => ({ x: p.x * k + ox, y: p.y * k + oy })));
}

/** Writes one character into a box given in mm (page image at ctx.dpi). Unknown characters are skipped. */
export function writeChar(img: GreyImage, ch: string, box: Rect, writer: Writer, ctx: WriteContext): boolean {
  const strokes = charStrokes(ch, box, writer, ctx.rng);
  if (strokes.length === 0) return false;
  const s = pxPerMm(ctx.dpi);
  const width = (ch === '.' ? writer.widthMm * 2.2 : writer.widthMm) * s;
  drawPolylines(img, strokes.map((st) => st.map((p) => ({ x: p.x * s, y: p.y * s }))), width, toolInk(writer.tool, ctx.rng));
  return true;
}

/** Writes a string one character per box (comb or digit-grid boxes). Spaces leave a box empty. */
export function writeInBoxes(img: GreyImage, chars: readonly string[], boxes: readonly Rect[], writer: Writer, ctx: WriteContext): void {
  chars.forEach((ch, i) => {
    const box = boxes[i];
    if (box && ch && ch !== ' ') writeChar(img, ch, box, writer, ctx);
  });
}

/** Writes free text along a line starting at (x, y) mm (top of the line) with character height hMm. Returns the width used. */
export function writeLine(img: GreyImage, text: string, x: number, y: number, hMm: number, writer: Writer, ctx: WriteContext): number {
  let cx = x;
  for (const ch of text) {
    if (ch === ' ') {
      cx += hMm * 0.45;
      continue;
    }
    const glyph = GLYPHS[ch]?.[writer.variants[ch] ?? 0];
    if (!glyph) continue;
    const w = glyph.width * hMm + 2 * BOX_INSET_MM + writer.widthMm;
    writeChar(img, ch, { x: cx, y, w: w + hMm * 0.2, h: hMm / writer.size + 2 * BOX_INSET_MM }, writer, ctx);
    cx += w + hMm * 0.12;
  }
  return cx - x;
}
