/**
 * A small handwritten-digit classifier for comb boxes: a second reader beside tesseract, so that a
 * digit answer can be accepted when two independent readers agree. The weights are trained on
 * MNIST (tools/trainDigits.ts) and ship in src/vision/models; nothing is fetched.
 *
 * Pure: a box crop becomes an MNIST-style 28 × 28 input (darkness 0..1, the ink fitted into 20 × 20
 * and centred by its centre of mass), and a two-layer perceptron gives a probability per digit.
 */
import { z } from 'zod';
import type { GreyImage } from './image';
import type { CombNet } from './handwriting/combNet';
import { base64ToFloats, darknessOf, DIGIT_SIDE, digitInput, type InkShape } from './handwriting/boxInput';

export { darknessOf, DIGIT_SIDE, digitInput, floatsToBase64, strokeWidth, type InkShape } from './handwriting/boxInput';

/** Two-layer perceptron weights: hidden = relu(W1 x + b1), logits = W2 hidden + b2 (row-major, float32 little-endian, base64). */
export const DigitModel = z.object({
  format: z.literal('paperloop.digits/1'),
  version: z.string(),
  trainedOn: z.string(),
  hidden: z.number().int().positive(),
  w1: z.string(),
  b1: z.string(),
  w2: z.string(),
  b2: z.string(),
});
export type DigitModel = z.infer<typeof DigitModel>;

export type DigitNet = {
  version: string;
  hidden: number;
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: Float32Array;
  /** The comb network (handwriting/combNet.ts), loaded with the digit reader: when present it reads digit combs. */
  comb?: CombNet;
};

const floats = base64ToFloats;

export function digitNet(m: DigitModel): DigitNet {
  const n = DIGIT_SIDE * DIGIT_SIDE;
  const net = { version: m.version, hidden: m.hidden, w1: floats(m.w1), b1: floats(m.b1), w2: floats(m.w2), b2: floats(m.b2) };
  if (net.w1.length !== m.hidden * n || net.b1.length !== m.hidden || net.w2.length !== 10 * m.hidden || net.b2.length !== 10)
    throw new Error(`digit model ${m.version}: weight sizes do not match ${m.hidden} hidden units`);
  return net;
}

/** Forward pass; fills `hiddenOut` when given (training uses it). Returns the 10 probabilities. */
export function digitProbabilities(net: DigitNet, x: Float32Array, hiddenOut?: Float32Array): Float32Array {
  const n = x.length;
  const hid = hiddenOut ?? new Float32Array(net.hidden);
  for (let j = 0; j < net.hidden; j++) {
    let s = net.b1[j] as number;
    const row = j * n;
    for (let i = 0; i < n; i++) s += (net.w1[row + i] as number) * (x[i] as number);
    hid[j] = s > 0 ? s : 0;
  }
  const p = new Float32Array(10);
  let max = -Infinity;
  for (let k = 0; k < 10; k++) {
    let s = net.b2[k] as number;
    for (let j = 0; j < net.hidden; j++) s += (net.w2[k * net.hidden + j] as number) * (hid[j] as number);
    p[k] = s;
    if (s > max) max = s;
  }
  let z = 0;
  for (let k = 0; k < 10; k++) z += p[k] = Math.exp((p[k] as number) - max);
  for (let k = 0; k < 10; k++) p[k] = (p[k] as number) / z;
  return p;
}

export type DigitReading = { digit: string; p: number; shape: InkShape } | { digit: null; shape: InkShape | null };

/** Read one box crop as a digit, with its probability; null digit when the crop holds no ink. */
export function readDigit(net: DigitNet, img: GreyImage): DigitReading {
  const d = darknessOf(img);
  if (!d) return { digit: null, shape: null };
  const x = digitInput(d, img.width, img.height);
  if (!x) return { digit: null, shape: null };
  const p = digitProbabilities(net, x.input);
  let best = 0;
  for (let k = 1; k < 10; k++) if ((p[k] as number) > (p[best] as number)) best = k;
  return { digit: String(best), p: p[best] as number, shape: x.shape };
}
