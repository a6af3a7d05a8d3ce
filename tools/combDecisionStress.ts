/**
 * Silent errors of the comb decision beyond the read corpora: seeded sets never used for tuning, each comb decided as
 * shipped and as before round 3 of 2026-12-07 (each box judged alone, no stroke geometry). Prints JSON lines.
 *   A  combs of the comb days' items written by the stroke model on a page image;
 *   B  held-out MNIST digits (60 % 1s and 7s) with '/', '-' from the stroke model; the prior the truth, its 1↔7 look-alike or another number;
 *   C  fractions whose '/' is one straight stroke leaning 0–0.4 (the issue's 3/5 read as 315); the answer the same or the reversed fraction;
 *   D  text combs of stroke-model i, j, 1, 7, letters and signs; the prior the truth or its 1↔i swap;
 *   E  D with every i and j's dot touching its stem (letters.ts, opt-in): no separate dot to see.
 *
 *   node --import tsx tools/combDecisionStress.ts [--scale 1] [--sets ABCDE]
 */
import { parseArgs } from 'node:util';
import { seededRng, type Rng } from '../src/domain/random';
import { DEFAULT_STATION_SETTINGS } from '../src/domain/settings';
import type { CombField } from '../src/layout/printedPage';
import { CLASS_ITEMS } from '../src/synth/combClass';
import { mnistSample, scanned, strokeSample } from '../src/synth/combSamples';
import { sampleWriter, writeInBoxes } from '../src/synth/handwriting';
import { drawPolylines } from '../src/synth/raster';
import { loadCombNet } from '../src/vision/decode';
import { decodeComb, DEFAULT_COMB_DECODE, type CombCharset, type CombPrior } from '../src/vision/handwriting/combDecode';
import { readCombBox, type BoxReading } from '../src/vision/handwriting/combNet';
import { readWrittenBoxes } from '../src/vision/handwriting/combRead';
import { strokeGeometry, type StrokeGeometry } from '../src/vision/handwriting/strokeGeometry';
import { solveHomography } from '../src/vision/homography';
import { createImage, type GreyImage } from '../src/vision/image';
import { DEFAULT_VISION_SETTINGS } from '../src/vision/settings';
import { mnistSplit } from '../src/vision/testing/mnist';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '1' }, sets: { type: 'string', default: 'ABCDE' } } });
const scale = Number(values.scale);
const sets = [...values.sets];
const net = loadCombNet();
type Case = { set: string; truth: string; readings: (BoxReading | null)[]; geometry: (StrokeGeometry | null)[]; prior: CombPrior; charset: CombCharset };
const cases: Case[] = [];
const cal = { paper: 240, ink: 30 };

/** `chars` written in a comb of their length by `writer` at `dpi`, read as the station reads it. */
function onPage(chars: readonly string[], writer: ReturnType<typeof sampleWriter>, dpi: number, rng: Rng, extra?: (img: GreyImage, k: number) => void) {
  const k = dpi / 25.4;
  const boxes = chars.map((_, b) => ({ x: 2 + 7 * b, y: 2, w: 7, h: 9 }));
  const w = 4 + 7 * chars.length;
  const field: CombField = { kind: 'comb', id: 'q', itemId: 'i', charset: 'digits', boxes };
  const h = solveHomography([{ x: 0, y: 0 }, { x: w, y: 0 }, { x: w, y: 13 }, { x: 0, y: 13 }].map((c) => ({ from: c, to: { x: c.x * k, y: c.y * k } })))!;
  const img = createImage(Math.round(w * k), Math.round(13 * k), 240);
  writeInBoxes(img, chars, boxes, writer, { dpi, rng });
  extra?.(img, k);
  return readWrittenBoxes(field, scanned(img, rng), h, cal, DEFAULT_VISION_SETTINGS, net);
}
const ofCrops = (imgs: readonly GreyImage[]) => ({
  readings: imgs.map((i) => readCombBox(net, i)),
  geometry: imgs.map(strokeGeometry),
});

if (sets.includes('A')) {
  const rng = seededRng('stress-A');
  for (let i = 0; i < 1500 * scale; i++) {
    const writer = sampleWriter(rng, (['pencil', 'ballpoint', 'red_pen'] as const)[i % 3]);
    const item = CLASS_ITEMS[Math.floor(rng() * CLASS_ITEMS.length)]!;
    const r = rng();
    const text = r < 0.6 ? item.accepted : r < 0.85 ? item.commonWrong[Math.floor(rng() * item.commonWrong.length)]! : String(Math.floor(rng() * 200));
    const read = onPage([...text], writer, DEFAULT_STATION_SETTINGS.scanDpi, rng);
    if (read.gap || read.faint || read.readings.length !== text.length) continue;
    cases.push({ set: 'A', truth: text, readings: read.readings, geometry: read.geometry, prior: { accepted: [item.accepted], commonWrong: item.commonWrong }, charset: 'digits' });
  }
}
if (sets.includes('B')) {
  const rng = seededRng('stress-B');
  const test = mnistSplit().test;
  const byLabel = Array.from({ length: 10 }, (_, d) => test.filter((s) => s.label === d));
  const digit = () => {
    const d = rng() < 0.6 ? (rng() < 0.5 ? 1 : 7) : Math.floor(rng() * 10);
    const pool = byLabel[d]!;
    return { ch: String(d), img: mnistSample(pool[Math.floor(rng() * pool.length)]!.darkness, rng) };
  };
  const symbol = (ch: string) => ({ ch, img: strokeSample(ch, rng) });
  for (let i = 0; i < 2500 * scale; i++) {
    const shape = rng();
    const parts = shape < 0.3 ? [digit()] : shape < 0.6 ? [digit(), digit()] : shape < 0.85 ? [digit(), symbol('/'), digit()] : [symbol('-'), digit(), digit()];
    const truth = parts.map((p) => p.ch).join('');
    const swap = truth.replace(/[17]/g, (c) => (c === '1' ? '7' : '1'));
    const pr = rng();
    const accepted = pr < 0.4 ? [truth] : pr < 0.8 && swap !== truth ? [swap] : [String(Math.floor(rng() * 100))];
    cases.push({ set: 'B', truth, ...ofCrops(parts.map((p) => p.img)), prior: { accepted, commonWrong: [] }, charset: 'digits' });
  }
}
if (sets.includes('C')) {
  const rng = seededRng('stress-C');
  for (let i = 0; i < 600 * scale; i++) {
    const writer = sampleWriter(rng, 'ballpoint');
    const [a, b] = [String(1 + Math.floor(rng() * 9)), String(1 + Math.floor(rng() * 9))];
    const lean = rng() * 0.4;
    const read = onPage([a, ' ', b], writer, 300, rng, (img, k) => {
      const x = 2 + 7 + 3.5;
      drawPolylines(img, [[{ x: (x + 2.6 * lean) * k, y: 4 * k }, { x: (x - 2.6 * lean) * k, y: 9 * k }]], 0.4 * k, { level: 30, grain: 0, seed: i });
    });
    if (read.readings.length !== 3) continue;
    cases.push({ set: 'C', truth: `${a}/${b}`, readings: read.readings, geometry: read.geometry, prior: { accepted: [rng() < 0.5 ? `${a}/${b}` : `${b}/${a}`], commonWrong: [] }, charset: 'digits' });
  }
}
/** Text combs of stroke-model i, j, 1, 7, letters and signs; the prior the truth or its 1↔i swap. */
function textCombs(set: string, touchingDot: boolean) {
  const rng = seededRng(`stress-${set}`);
  const pool = ['i', 'j', '1', '7', '1', 'i', 'x', '=', '-', '2', 'y', 't', 'a', '/'];
  for (let n = 0; n < 1500 * scale; n++) {
    const chars = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => pool[Math.floor(rng() * pool.length)]!);
    const truth = chars.join('');
    const swap = truth.replace(/[1i]/g, (c) => (c === '1' ? 'i' : '1'));
    const accepted = rng() < 0.5 ? [truth] : [swap === truth ? 'x=1' : swap];
    cases.push({ set, truth, ...ofCrops(chars.map((ch) => strokeSample(ch, rng, { touchingDot }))), prior: { accepted, commonWrong: [] }, charset: 'text' });
  }
}
if (sets.includes('D')) textCombs('D', false);
if (sets.includes('E')) textCombs('E', true);

const decisions = {
  shipped: (c: Case) => decodeComb(c.readings.map((r) => r!.p), c.prior, DEFAULT_COMB_DECODE, c.charset, c.geometry),
  box_alone_no_geometry: (c: Case) => decodeComb(c.readings.map((r) => r!.p), c.prior, { ...DEFAULT_COMB_DECODE, boxPGivenFormat: false }, c.charset),
};
for (const [decision, decide] of Object.entries(decisions))
  for (const set of sets) {
    const of = cases.filter((c) => c.set === set);
    let review = 0;
    const wrong: string[] = [];
    for (const c of of) {
      const d = c.readings.some((r) => r === null) ? null : decide(c);
      if (!d?.accepted) review++;
      else if (d.text !== c.truth) wrong.push(`${c.truth}->${d.text}`);
    }
    console.log(JSON.stringify({ tool: 'combDecisionStress', decision, set, combs: of.length, review, wrong: wrong.length, examples: wrong.slice(0, 5) }));
  }
