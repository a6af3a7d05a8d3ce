import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import type { CombField } from '../layout/printedPage';
import { loadDigitNet } from '../vision/decode';
import { readDigit, type DigitNet } from '../vision/digits';
import { rectifyBox } from '../vision/handwriting';
import { solveHomography } from '../vision/homography';
import { readComb, type OcrEngine } from '../vision/ocr';
import { DEFAULT_VISION_SETTINGS } from '../vision/settings';
import { sampleWriter, writeChar, writeInBoxes } from './handwriting';
import { createImage } from '../vision/image';

describe('the digit reader on the generator’s handwriting (trained only on MNIST)', () => {
  it('reads most digits right, and is rarely wrong when it is sure', () => {
    const net = loadDigitNet();
    const dpi = 300;
    const side = Math.round((7 * dpi) / 25.4);
    let right = 0;
    let total = 0;
    let sure = 0;
    let sureWrong = 0;
    for (let w = 0; w < 12; w++) {
      const rng = seededRng(`digit-reader|${w}`);
      const writer = sampleWriter(rng, w % 2 ? 'ballpoint' : 'pencil');
      for (const ch of '0123456789') {
        const img = createImage(side, side, 240);
        writeChar(img, ch, { x: 0, y: 0, w: 7, h: 7 }, writer, { dpi, rng });
        const r = readDigit(net, img);
        total++;
        if (r.digit === ch) right++;
        if (r.digit !== null && r.p >= 0.9) {
          sure++;
          if (r.digit !== ch) sureWrong++;
        }
      }
    }
    expect(right / total).toBeGreaterThan(0.7);
    expect(sure).toBeGreaterThan(total / 3);
    expect(sureWrong / sure).toBeLessThan(0.05);
  });
});

describe('a digit comb confirmed by the digit reader', () => {
  const dpi = 300;
  const k = dpi / 25.4;
  const comb: CombField = { kind: 'comb', id: 'q1', itemId: 'i1', charset: 'digits', boxes: [{ x: 2, y: 2, w: 7, h: 8 }, { x: 10, y: 2, w: 7, h: 8 }] };
  const corners = [{ x: 0, y: 0 }, { x: 20, y: 0 }, { x: 20, y: 12 }, { x: 0, y: 12 }];
  const h = solveHomography(corners.map((c) => ({ from: c, to: { x: c.x * k, y: c.y * k } })))!;
  const cal = { paper: 240, ink: 30 };
  const scripted = (): OcrEngine => {
    const answers = [{ text: '58', confidence: 96 }, { text: '5', confidence: 90 }, { text: '3', confidence: 90 }];
    return { recognize: async () => answers.shift() ?? { text: '', confidence: 0 }, terminate: async () => {} };
  };
  /** '58' in the first of the seeded hands whose digits the reader is sure of. */
  function written(net: DigitNet) {
    for (let seed = 0; seed < 50; seed++) {
      const rng = seededRng(`comb|${seed}`);
      const img = createImage(Math.round(20 * k), Math.round(12 * k), 240);
      writeInBoxes(img, ['5', '8'], comb.boxes, sampleWriter(rng, 'ballpoint'), { dpi, rng });
      const reads = comb.boxes.map((b) => readDigit(net, rectifyBox(img, h, b, DEFAULT_VISION_SETTINGS.handwriting.insetMm)));
      if (reads.every((r, i) => r.digit === '58'[i] && r.p >= 0.95)) return img;
    }
    throw new Error('no seeded hand the reader is sure of');
  }

  it('accepts tesseract’s confident line when the reader reads the same digits, and not when it reads others', async () => {
    // Tesseract's path: without the comb network, which reads digit combs when it is loaded.
    const { comb: _combNet, ...net } = loadDigitNet();
    const img = written(net);
    // Tesseract's two readings disagree (58 against 53): on its own, that is review.
    expect(await readComb(comb, img, h, cal, DEFAULT_VISION_SETTINGS, scripted())).toMatchObject({ status: 'review', reasons: expect.arrayContaining(['unconfirmed_reading']) });
    const confirmed = await readComb(comb, img, h, cal, DEFAULT_VISION_SETTINGS, scripted(), undefined, net);
    expect(confirmed).toMatchObject({ status: 'ok', value: '58', reasons: [] });
    expect(confirmed.evidence.readings?.digits?.text).toBe('58');
    const seesOnes: DigitNet = { ...net, b2: Float32Array.from({ length: 10 }, (_, d) => (d === 1 ? 100 : 0)) };
    const refused = await readComb(comb, img, h, cal, DEFAULT_VISION_SETTINGS, scripted(), undefined, seesOnes);
    expect(refused).toMatchObject({ status: 'review', value: '58' });
    expect(refused.evidence.readings?.digits?.text).toBe('11');
  });
});

describe('a point the reader cannot vouch for', () => {
  it('a small 0 that tesseract’s line reads as a point and its boxes as 0 goes to review', async () => {
    const dpi = 300;
    const k = dpi / 25.4;
    const boxes = [{ x: 2, y: 2, w: 7, h: 8 }, { x: 10, y: 2, w: 7, h: 8 }, { x: 18, y: 2, w: 7, h: 8 }];
    const comb: CombField = { kind: 'comb', id: 'q1', itemId: 'i1', charset: 'digits', boxes };
    const corners = [{ x: 0, y: 0 }, { x: 28, y: 0 }, { x: 28, y: 12 }, { x: 0, y: 12 }];
    const h = solveHomography(corners.map((c) => ({ from: c, to: { x: c.x * k, y: c.y * k } })))!;
    const net = loadDigitNet();
    const { comb: _combNet, ...tesseractPath } = net;
    for (let seed = 0; seed < 60; seed++) {
      const rng = seededRng(`dot|${seed}`);
      const writer = sampleWriter(rng, 'ballpoint');
      const img = createImage(Math.round(28 * k), Math.round(12 * k), 240);
      writeChar(img, '3', boxes[0]!, writer, { dpi, rng });
      writeChar(img, '0', { x: 12, y: 6.5, w: 3, h: 3.2 }, writer, { dpi, rng });
      writeChar(img, '5', boxes[2]!, writer, { dpi, rng });
      const answers = [{ text: '3.5', confidence: 92 }, { text: '3', confidence: 85 }, { text: '0', confidence: 80 }, { text: '5', confidence: 85 }];
      const engine: OcrEngine = { recognize: async () => answers.shift() ?? { text: '', confidence: 0 }, terminate: async () => {} };
      const r = await readComb(comb, img, h, { paper: 240, ink: 30 }, DEFAULT_VISION_SETTINGS, engine, undefined, tesseractPath);
      expect(r.status, `seed ${seed}: ${JSON.stringify(r.evidence.readings)}`).toBe('review');
      // The comb network may read it, as 305 only; anything else goes to review.
      const byNet = await readComb(comb, img, h, { paper: 240, ink: 30 }, DEFAULT_VISION_SETTINGS, engine, undefined, net);
      if (byNet.status !== 'review') expect(byNet.value, `seed ${seed}: ${JSON.stringify(byNet.evidence.candidates)}`).toBe('305');
    }
  });
});
