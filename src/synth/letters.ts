/**
 * Stroke skeletons of handwritten lowercase letters for the stroke model (handwriting.ts), in the
 * same unit em: y from 0 (top) to 1 (baseline, or the end of a descender), x from 0 to about 0.6.
 * The body of a letter starts near 0.4, as the model's 'x' does. 'l' and 'o' are left out: in a
 * comb they are written as '1' and '0'. 'x' is the model's own.
 *
 * A writer (sampleWriter) draws no variant for these; a letter's variant comes from `letterVariants`,
 * so that adding letters leaves every existing synthetic page as it was.
 */
import type { Rng } from '../domain/random';
import type { Pt } from './raster';

type Glyph = { strokes: Pt[][]; width: number };

const P = (x: number, y: number): Pt => ({ x, y });
const g = (width: number, ...strokes: Pt[][]): Glyph => ({ width, strokes });
/** An elliptical arc from one angle to another (degrees; 90 points down). */
const arc = (cx: number, cy: number, rx: number, ry: number, from: number, to: number, n = 12): Pt[] =>
  Array.from({ length: n + 1 }, (_, i) => ((from + ((to - from) * i) / n) * Math.PI) / 180).map((a) => P(cx + rx * Math.cos(a), cy + ry * Math.sin(a)));

const I_STEM = [P(0.15, 0.42), P(0.15, 1)];
const J_STEM = [P(0.3, 0.42), P(0.3, 0.84), ...arc(0.17, 0.84, 0.13, 0.16, 0, 160, 8)];

/**
 * An i or j whose dot touches or runs into the top of its stem (a quick pencil): a round dab resting on it, a tick
 * running into it, a dab overlapping it. Opt-in only (`touchingDotVariants`): a writer never draws these.
 */
function touchingDot(width: number, stem: Pt[]): Glyph[] {
  const { x, y } = stem[0]!;
  return [g(width, stem, arc(x, y - 0.05, 0.035, 0.035, 0, 360, 8)), g(width, stem, [P(x - 0.02, y - 0.08), P(x + 0.03, y - 0.01)]), g(width, stem, arc(x + 0.01, y + 0.01, 0.03, 0.03, 0, 360, 8))];
}
/** The index of the first touching-dot variant of 'i' and 'j' (their own variants come before it). */
const TOUCHING_DOT_FROM = 1;

export const LETTER_GLYPHS: Record<string, Glyph[]> = {
  a: [g(0.5, arc(0.26, 0.7, 0.22, 0.3, -10, 350, 16), [P(0.48, 0.42), P(0.48, 1)]), g(0.55, arc(0.25, 0.7, 0.21, 0.29, -20, 340, 16), [P(0.46, 0.42), P(0.47, 0.92), P(0.55, 1)])],
  b: [g(0.5, [P(0.08, 0), P(0.08, 1)], arc(0.28, 0.72, 0.2, 0.28, -180, 180, 16))],
  c: [g(0.5, arc(0.28, 0.7, 0.24, 0.3, -40, -320, 14))],
  d: [g(0.5, arc(0.24, 0.72, 0.2, 0.28, 0, 360, 16), [P(0.44, 0), P(0.44, 1)])],
  e: [g(0.5, [P(0.06, 0.72), P(0.48, 0.72), ...arc(0.27, 0.72, 0.22, 0.28, 0, -300, 14)])],
  f: [g(0.55, [...arc(0.4, 0.15, 0.14, 0.13, -10, -180, 8), P(0.26, 1)], [P(0.08, 0.42), P(0.46, 0.42)])],
  g: [g(0.5, arc(0.26, 0.52, 0.2, 0.2, 0, 360, 16), [P(0.46, 0.32), P(0.46, 0.88), ...arc(0.27, 0.88, 0.19, 0.12, 0, 170, 8)])],
  h: [g(0.5, [P(0.08, 0), P(0.08, 1)], [P(0.08, 0.66), ...arc(0.27, 0.66, 0.19, 0.2, -180, 0, 10), P(0.46, 1)])],
  i: [g(0.3, I_STEM, [P(0.15, 0.16), P(0.16, 0.19)]), ...touchingDot(0.3, I_STEM)],
  j: [g(0.4, J_STEM, [P(0.3, 0.16), P(0.31, 0.19)]), ...touchingDot(0.4, J_STEM)],
  k: [g(0.5, [P(0.08, 0), P(0.08, 1)], [P(0.44, 0.42), P(0.08, 0.72), P(0.46, 1)])],
  m: [g(0.6, [P(0.05, 0.4), P(0.05, 1)], [P(0.05, 0.56), ...arc(0.17, 0.56, 0.12, 0.14, -180, 0, 8), P(0.29, 1)], [P(0.29, 0.56), ...arc(0.41, 0.56, 0.12, 0.14, -180, 0, 8), P(0.53, 1)])],
  n: [g(0.5, [P(0.06, 0.4), P(0.06, 1)], [P(0.06, 0.6), ...arc(0.25, 0.6, 0.19, 0.18, -180, 0, 10), P(0.44, 1)])],
  p: [g(0.5, [P(0.08, 0.34), P(0.08, 1)], arc(0.27, 0.52, 0.19, 0.18, -180, 180, 16))],
  q: [g(0.5, arc(0.24, 0.52, 0.19, 0.18, 0, 360, 16), [P(0.43, 0.34), P(0.43, 1)]), g(0.55, arc(0.24, 0.52, 0.19, 0.18, 0, 360, 16), [P(0.43, 0.34), P(0.43, 1), P(0.53, 0.9)])],
  r: [g(0.45, [P(0.08, 0.4), P(0.08, 1)], [P(0.08, 0.64), ...arc(0.26, 0.62, 0.18, 0.18, -180, -30, 8)])],
  s: [g(0.45, [...arc(0.24, 0.55, 0.19, 0.14, -20, -270, 10), ...arc(0.24, 0.84, 0.2, 0.15, -90, 160, 10)])],
  t: [g(0.45, [P(0.2, 0.1), P(0.2, 0.9), P(0.3, 1), P(0.42, 0.95)], [P(0.02, 0.4), P(0.42, 0.4)]), g(0.45, [P(0.2, 0.08), P(0.2, 1)], [P(0.02, 0.38), P(0.42, 0.37)])],
  u: [g(0.5, [P(0.06, 0.4), P(0.06, 0.8), ...arc(0.25, 0.8, 0.19, 0.2, 180, 0, 10), P(0.44, 0.4)], [P(0.44, 0.4), P(0.45, 1)])],
  v: [g(0.5, [P(0.02, 0.4), P(0.24, 1), P(0.46, 0.4)])],
  w: [g(0.6, [P(0, 0.4), P(0.14, 1), P(0.28, 0.56), P(0.42, 1), P(0.56, 0.4)])],
  y: [g(0.5, [P(0.04, 0.34), P(0.26, 0.7)], [P(0.48, 0.34), P(0.12, 1)]), g(0.5, [P(0.06, 0.34), P(0.06, 0.52), ...arc(0.25, 0.52, 0.19, 0.17, 180, 0, 8)], [P(0.44, 0.34), P(0.44, 0.84), ...arc(0.27, 0.84, 0.17, 0.16, 0, 160, 8)])],
  z: [g(0.5, [P(0.04, 0.4), P(0.46, 0.4), P(0.04, 1), P(0.48, 1)]), g(0.5, [P(0.04, 0.4), P(0.46, 0.4), P(0.04, 1), P(0.48, 1)], [P(0.12, 0.7), P(0.4, 0.7)])],
};

/** The variants a writer draws from: all a letter's glyphs but the opt-in touching dots. */
const drawnCount = (ch: string, gs: readonly Glyph[]) => (ch === 'i' || ch === 'j' ? TOUCHING_DOT_FROM : gs.length);

/** One variant per letter for a writer (drawn from `rng`, in letter order). */
export function letterVariants(rng: Rng): Record<string, number> {
  return Object.fromEntries(Object.entries(LETTER_GLYPHS).map(([ch, gs]) => [ch, Math.floor(rng() * drawnCount(ch, gs))]));
}

/** For a test or stress set: the same writer's 'i' and 'j' with a dot touching the stem (one of three, from `rng`). */
export function touchingDotVariants(rng: Rng): Record<'i' | 'j', number> {
  const k = TOUCHING_DOT_FROM + Math.floor(rng() * 3);
  return { i: k, j: k };
}
