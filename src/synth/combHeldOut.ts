/** The comb network's accuracy on data it never trained on: held-out MNIST digits, and stroke-model characters from another seed. */
import { seededRng } from '../domain/random';
import { mnistSplit } from '../vision/testing/mnist';
import { COMB_CLASSES, combForward, combInput, type CombNet } from '../vision/handwriting/combNet';
import { mnistSample, strokeSample } from './combSamples';

const argmax = (p: Float32Array) => p.reduce((best, v, i) => (v > (p[best] as number) ? i : best), 0);

export function heldOutAccuracy(net: CombNet, opts: { strokePerClass?: number; seed?: string } = {}): { mnist: number; stroke: number; strokeByClass: Record<string, number> } {
  const rng = seededRng(opts.seed ?? 'comb-net held out');
  const { test } = mnistSplit();
  let right = 0;
  for (const s of test) {
    const x = combInput(mnistSample(s.darkness, rng));
    if (x && argmax(combForward(net, x).p) === s.label) right++;
  }
  const per = opts.strokePerClass ?? 60;
  const strokeByClass: Record<string, number> = {};
  let strokeRight = 0;
  for (const [label, ch] of COMB_CLASSES.entries()) {
    let ok = 0;
    for (let i = 0; i < per; i++) {
      const x = combInput(strokeSample(ch, rng));
      if (x && argmax(combForward(net, x).p) === label) ok++;
    }
    strokeByClass[ch] = ok / per;
    strokeRight += ok;
  }
  const r3 = (v: number) => Math.round(v * 1000) / 1000;
  return { mnist: r3(right / test.length), stroke: r3(strokeRight / (per * COMB_CLASSES.length)), strokeByClass };
}
