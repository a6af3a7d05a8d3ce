/**
 * How far the comb network's top probability can be trusted: held-out MNIST digits and stroke-model
 * characters (digit-comb classes), binned by the probability of the network's reading over the digit
 * comb's classes, with the share right in each bin, the commonest confusions and the boxes read wrong
 * at p ≥ 0.98. Seeded; prints JSON lines.
 *
 *   node --import tsx tools/combNetCalibration.ts [--net file.json] [--per-class 150] [--seed comb-net calibration]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { seededRng } from '../src/domain/random';
import { mnistSample, strokeSample } from '../src/synth/combSamples';
import { loadCombNet } from '../src/vision/decode';
import { COMB_CLASSES, combForward, combInput, combNet, CombNetModel } from '../src/vision/handwriting/combNet';
import { mnistSplit } from '../src/vision/testing/mnist';

const { values } = parseArgs({ options: { net: { type: 'string' }, 'per-class': { type: 'string', default: '150' }, seed: { type: 'string', default: 'comb-net calibration' } } });
const net = values.net ? combNet(CombNetModel.parse(JSON.parse(readFileSync(values.net, 'utf8')))) : loadCombNet();
const rng = seededRng(values.seed);
const digitComb = COMB_CLASSES.flatMap((c, k) => (/[a-wyz]/.test(c) ? [] : [k]));
const crops = mnistSplit().test.map((s) => ({ label: s.label, img: mnistSample(s.darkness, rng) }));
for (const k of digitComb) for (let i = 0; i < Number(values['per-class']); i++) crops.push({ label: k, img: strokeSample(COMB_CLASSES[k] as string, rng) });

const bins = [0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999].map((from) => ({ from, n: 0, right: 0 }));
const confusions = new Map<string, number>();
const sureWrong: string[] = [];
for (const c of crops) {
  const x = combInput(c.img);
  if (!x) continue;
  const p = combForward(net, x).p;
  const sum = digitComb.reduce((a, k) => a + (p[k] as number), 0);
  const read = digitComb.reduce((best, k) => ((p[k] as number) > (p[best] as number) ? k : best), digitComb[0] as number);
  const top = (p[read] as number) / sum;
  const bin = bins.findLast((b) => top >= b.from) as (typeof bins)[number];
  bin.n++;
  if (read === c.label) bin.right++;
  else {
    const pair = `${COMB_CLASSES[c.label]}->${COMB_CLASSES[read]}`;
    confusions.set(pair, (confusions.get(pair) ?? 0) + 1);
    if (top >= 0.98) sureWrong.push(`${pair} ${top.toFixed(4)}`);
  }
}
const line = (o: Record<string, unknown>) => console.log(JSON.stringify({ tool: 'combNetCalibration', net: net.version, ...o }));
line({ boxes: bins.reduce((a, b) => a + b.n, 0), bins: bins.filter((b) => b.n).map((b) => ({ from: b.from, boxes: b.n, right: Math.round((1000 * b.right) / b.n) / 1000 })) });
line({ confusions: [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 12) });
line({ wrong_at_p_098: sureWrong.length, examples: sureWrong.slice(0, 20) });
