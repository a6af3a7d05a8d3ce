/**
 * The comb reader's network: one character per box, from a small convolutional network in plain
 * TypeScript over Float32Arrays. Pure; the weights come in as a parsed model (loadCombNet.ts reads
 * the file, tools/trainCombNet.ts makes it).
 *
 *   28 × 28 darkness ─ conv 5×5 ×C1 ─ relu ─ max 2 ─ conv 3×3 ×C2 ─ relu ─ max 2 ─┐
 *   ink shape (height, width share, log aspect) ──────────────────────────────────┴─ dense H ─ relu ─ dense K ─ softmax
 *
 * The ink shape is an input because the 28 × 28 normalisation scales every glyph to the same size:
 * a '.' and an 'o', or a '-' and a flat '1', differ only in how much of the box they take.
 */
import { z } from 'zod';
import type { GreyImage } from '../image';
import { base64ToFloats, darknessOf, digitInput, DIGIT_SIDE, floatsToBase64, type InkShape } from './boxInput';

/**
 * What a comb box can hold, in the network's output order: digits and the symbols of numbers and
 * equations, then the lowercase letters of text answers ('l' and 'o' are written as '1' and '0';
 * 'x' is with the symbols). A letter is a class of its own so that a 's' is not read as a sure '5'.
 */
export const COMB_CLASSES = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '-', '.', '/', '=', 'x', '+',
  'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'm', 'n', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'y', 'z',
] as const;
export type CombChar = (typeof COMB_CLASSES)[number];
export const SHAPE_FEATURES = 3;

export const CombNetModel = z.object({
  format: z.literal('paperloop.comb-net/1'),
  version: z.string(),
  provenance: z.object({ data: z.string(), seed: z.string(), command: z.string(), heldOutMnistAccuracy: z.number(), heldOutStrokeAccuracy: z.number() }),
  c1: z.number().int().positive(),
  c2: z.number().int().positive(),
  hidden: z.number().int().positive(),
  weights: z.object({ k1: z.string(), b1: z.string(), k2: z.string(), b2: z.string(), w3: z.string(), b3: z.string(), w4: z.string(), b4: z.string() }),
});
export type CombNetModel = z.infer<typeof CombNetModel>;

export type CombNetWeights = { k1: Float32Array; b1: Float32Array; k2: Float32Array; b2: Float32Array; w3: Float32Array; b3: Float32Array; w4: Float32Array; b4: Float32Array };
export type CombNet = { version: string; provenance?: CombNetModel['provenance']; c1: number; c2: number; hidden: number } & CombNetWeights;

const K1 = 5;
const K2 = 3;
const S1 = DIGIT_SIDE - K1 + 1; // 24
const P1 = S1 / 2; // 12
const S2 = P1 - K2 + 1; // 10
const P2 = S2 / 2; // 5
export const CLASSES = COMB_CLASSES.length;

/** Sizes of every weight array for a net with these widths. */
export function weightSizes(c1: number, c2: number, hidden: number): Record<keyof CombNetWeights, number> {
  const flat = c2 * P2 * P2 + SHAPE_FEATURES;
  return { k1: c1 * K1 * K1, b1: c1, k2: c2 * c1 * K2 * K2, b2: c2, w3: hidden * flat, b3: hidden, w4: CLASSES * hidden, b4: CLASSES };
}

const floats = base64ToFloats;

export function combNet(m: CombNetModel): CombNet {
  const sizes = weightSizes(m.c1, m.c2, m.hidden);
  const w = Object.fromEntries(Object.entries(m.weights).map(([k, v]) => [k, floats(v)])) as CombNetWeights;
  for (const [k, n] of Object.entries(sizes))
    if (w[k as keyof CombNetWeights].length !== n) throw new Error(`comb net ${m.version}: ${k} has ${w[k as keyof CombNetWeights].length} weights, expected ${n}`);
  return { version: m.version, provenance: m.provenance, c1: m.c1, c2: m.c2, hidden: m.hidden, ...w };
}

export function combNetModel(net: CombNet, provenance: CombNetModel['provenance']): CombNetModel {
  const { k1, b1, k2, b2, w3, b3, w4, b4 } = net;
  const weights = Object.fromEntries(Object.entries({ k1, b1, k2, b2, w3, b3, w4, b4 }).map(([k, v]) => [k, floatsToBase64(v)])) as CombNetModel['weights'];
  return { format: 'paperloop.comb-net/1', version: net.version, provenance, c1: net.c1, c2: net.c2, hidden: net.hidden, weights };
}

/** One box as the network sees it: the MNIST-style 28 × 28 darkness and the ink's shape. */
export type CombInput = { pixels: Float32Array; shape: Float32Array };

export function shapeFeatures(s: InkShape): Float32Array {
  return Float32Array.of(s.heightShare, s.widthShare, Math.max(-2, Math.min(2, Math.log(s.aspect))));
}

/** A rectified box crop as network input; null when the crop holds no ink. */
export function combInput(img: GreyImage): CombInput | null {
  const d = darknessOf(img);
  if (!d) return null;
  const x = digitInput(d, img.width, img.height);
  return x ? { pixels: x.input, shape: shapeFeatures(x.shape) } : null;
}

/** Every activation of one forward pass (training reads them back). */
export type CombTrace = {
  a1: Float32Array; // c1 × 24 × 24 after relu
  m1: Float32Array; // c1 × 12 × 12 after max-pool
  a2: Float32Array; // c2 × 10 × 10 after relu
  flat: Float32Array; // c2 × 5 × 5 after max-pool, then the shape features
  hidden: Float32Array; // after relu
  p: Float32Array; // class probabilities
};

export function newTrace(net: CombNet): CombTrace {
  return {
    a1: new Float32Array(net.c1 * S1 * S1),
    m1: new Float32Array(net.c1 * P1 * P1),
    a2: new Float32Array(net.c2 * S2 * S2),
    flat: new Float32Array(net.c2 * P2 * P2 + SHAPE_FEATURES),
    hidden: new Float32Array(net.hidden),
    p: new Float32Array(CLASSES),
  };
}

function conv(src: Float32Array, cin: number, side: number, k: Float32Array, b: Float32Array, cout: number, ks: number, out: Float32Array): void {
  const os = side - ks + 1;
  for (let o = 0; o < cout; o++)
    for (let y = 0; y < os; y++)
      for (let x = 0; x < os; x++) {
        let s = b[o] as number;
        for (let c = 0; c < cin; c++) {
          const kb = ((o * cin + c) * ks) * ks;
          const sb = c * side * side;
          for (let i = 0; i < ks; i++) {
            const row = sb + (y + i) * side + x;
            const kr = kb + i * ks;
            for (let j = 0; j < ks; j++) s += (k[kr + j] as number) * (src[row + j] as number);
          }
        }
        out[(o * os + y) * os + x] = s > 0 ? s : 0;
      }
}

function maxPool(src: Float32Array, channels: number, side: number, out: Float32Array): void {
  const h = side / 2;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < h; x++) {
        const i = c * side * side + 2 * y * side + 2 * x;
        out[(c * h + y) * h + x] = Math.max(src[i] as number, src[i + 1] as number, src[i + side] as number, src[i + side + 1] as number);
      }
}

/** Forward pass: the class probabilities (in `trace.p`). */
export function combForward(net: CombNet, input: CombInput, trace: CombTrace = newTrace(net)): CombTrace {
  conv(input.pixels, 1, DIGIT_SIDE, net.k1, net.b1, net.c1, K1, trace.a1);
  maxPool(trace.a1, net.c1, S1, trace.m1);
  conv(trace.m1, net.c1, P1, net.k2, net.b2, net.c2, K2, trace.a2);
  maxPool(trace.a2, net.c2, S2, trace.flat);
  trace.flat.set(input.shape, net.c2 * P2 * P2);
  const nf = trace.flat.length;
  for (let j = 0; j < net.hidden; j++) {
    let s = net.b3[j] as number;
    for (let i = 0; i < nf; i++) s += (net.w3[j * nf + i] as number) * (trace.flat[i] as number);
    trace.hidden[j] = s > 0 ? s : 0;
  }
  let max = -Infinity;
  for (let k = 0; k < CLASSES; k++) {
    let s = net.b4[k] as number;
    for (let j = 0; j < net.hidden; j++) s += (net.w4[k * net.hidden + j] as number) * (trace.hidden[j] as number);
    trace.p[k] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let k = 0; k < CLASSES; k++) z += trace.p[k] = Math.exp((trace.p[k] as number) - max);
  for (let k = 0; k < CLASSES; k++) trace.p[k] = (trace.p[k] as number) / z;
  return trace;
}

/** The probabilities of one box, with the hidden layer (the adaptation layer's embedding). */
export type BoxReading = { p: Float32Array; embedding: Float32Array; input: CombInput };

export function readCombBox(net: CombNet, img: GreyImage): BoxReading | null {
  const input = combInput(img);
  if (!input) return null;
  const t = combForward(net, input);
  return { p: t.p, embedding: t.hidden, input };
}

export const POOL_GEOMETRY = { K1, K2, S1, P1, S2, P2 } as const;
