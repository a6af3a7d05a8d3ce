/**
 * Training and test crops for the comb network: one comb box (7 × 9 mm, inset as the reader crops
 * it) holding one character, either an MNIST digit placed with a random affine warp or a character
 * written by the project's stroke model (src/synth/handwriting.ts) with a random writer. Paper,
 * ink, blur and noise vary. Seeded: the same rng gives the same crop.
 */
import type { Rng } from '../domain/random';
import { sampleWriter, writeChar } from './handwriting';
import { LETTER_GLYPHS, letterVariants, touchingDotVariants } from './letters';
import { createImage, type GreyImage } from '../vision/image';

const BOX = { w: 7, h: 9 };
const INSET_MM = 0.8;
const between = (rng: Rng, a: number, b: number) => a + (b - a) * rng();
const gauss = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());

/** The inset box of an image of the whole box. */
function inset(img: GreyImage, pxPerMm: number): GreyImage {
  const m = Math.round(INSET_MM * pxPerMm);
  const w = img.width - 2 * m;
  const h = img.height - 2 * m;
  const out = createImage(w, h);
  for (let y = 0; y < h; y++) out.data.set(img.data.subarray((y + m) * img.width + m, (y + m) * img.width + m + w), y * w);
  return out;
}

/** Scanner blur (sometimes) and sensor noise. */
export function scanned(img: GreyImage, rng: Rng): GreyImage {
  const { width: w, height: h } = img;
  const src = Float32Array.from(img.data);
  let cur = src;
  if (rng() < 0.5) {
    cur = new Float32Array(src.length);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        let s = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const X = x + dx;
            const Y = y + dy;
            if (X < 0 || Y < 0 || X >= w || Y >= h) continue;
            const k = dx === 0 && dy === 0 ? 4 : dx === 0 || dy === 0 ? 2 : 1;
            s += k * (src[Y * w + X] as number);
            n += k;
          }
        cur[y * w + x] = s / n;
      }
  }
  const sigma = between(rng, 0, 8);
  const out = createImage(w, h);
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.max(0, Math.min(255, Math.round((cur[i] as number) + sigma * gauss(rng))));
  return out;
}

/**
 * A character of the stroke model in a comb box, as the reader crops it. `touchingDot`: an 'i' or 'j' whose dot
 * touches its stem (letters.ts), for a stress set; the default stroke model always lifts the pen for the dot.
 */
export function strokeSample(ch: string, rng: Rng, opts: { touchingDot?: boolean } = {}): GreyImage {
  const dpi = between(rng, 150, 300);
  const k = dpi / 25.4;
  const img = createImage(Math.round(BOX.w * k), Math.round(BOX.h * k), Math.round(between(rng, 215, 250)));
  const writer = sampleWriter(rng);
  // A writer draws no letter variant (letters.ts): draw one for a letter, and only then, so digit and symbol samples stay as they were.
  const hand = ch in LETTER_GLYPHS ? { ...writer, variants: { ...writer.variants, ...letterVariants(rng), ...(opts.touchingDot ? touchingDotVariants(rng) : {}) } } : writer;
  writeChar(img, ch, { x: 0, y: 0, ...BOX }, hand, { dpi, rng });
  return scanned(inset(img, k), rng);
}

/** An MNIST digit (darkness 0..1, 28 × 28) warped into a comb box, as the reader crops it. */
export function mnistSample(darkness: Float32Array, rng: Rng): GreyImage {
  const dpi = between(rng, 150, 300);
  const k = dpi / 25.4;
  const w = Math.round((BOX.w - 2 * INSET_MM) * k);
  const h = Math.round((BOX.h - 2 * INSET_MM) * k);
  const paper = between(rng, 215, 250);
  const ink = between(rng, 15, 110);
  // MNIST's digit fills about 20 of 28 px: scale it to 50–90 % of the crop height.
  const scale = (between(rng, 0.5, 0.9) * h) / 20;
  const angle = between(rng, -0.15, 0.15);
  const shear = between(rng, -0.3, 0.3);
  const sx = scale * between(rng, 0.8, 1.15);
  const sy = scale;
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  const a = [c * sx, (c * shear - s) * sy, s * sx, (s * shear + c) * sy] as const;
  const det = a[0] * a[3] - a[1] * a[2];
  const inv = [a[3] / det, -a[1] / det, -a[2] / det, a[0] / det] as const;
  const cx = w / 2 + between(rng, -0.1, 0.1) * w;
  const cy = h / 2 + between(rng, -0.08, 0.08) * h;
  const weight = between(rng, 0.7, 1.6);
  const at = (x: number, y: number) => (x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : (darkness[y * 28 + x] as number));
  const img = createImage(w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const u = inv[0] * (x - cx) + inv[1] * (y - cy) + 14;
      const v = inv[2] * (x - cx) + inv[3] * (y - cy) + 14;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      const d = at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
      img.data[y * w + x] = Math.round(paper - Math.min(1, d * weight) * (paper - ink));
    }
  return scanned(img, rng);
}
