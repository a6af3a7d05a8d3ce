import { describe, expect, it } from 'vitest';
import { loadDigitNet } from './decode';
import { DIGIT_SIDE, DigitModel, darknessOf, digitInput, digitNet, digitProbabilities, floatsToBase64, readDigit, strokeWidth } from './digits';
import { createImage } from './image';
import { digitReaderConfirms } from './ocr';
import { DEFAULT_VISION_SETTINGS as S } from './settings';
import { mnistSplit } from './testing/mnist';

const net = loadDigitNet();
const argmax = (p: Float32Array) => p.indexOf(Math.max(...p));

/** A box crop (paper 240, ink 40) with dark rectangles drawn on it. */
function box(rects: { x: number; y: number; w: number; h: number }[], size = 80) {
  const img = createImage(size, size, 240);
  for (const r of rects) for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) img.data[y * size + x] = 40;
  return img;
}

describe('digit reader: input normalisation', () => {
  it('fits the ink into 20 px, centred by mass, and widens a thin pen toward MNIST strokes', () => {
    const img = box([{ x: 38, y: 10, w: 2, h: 60 }]);
    const x = digitInput(darknessOf(img)!, img.width, img.height)!;
    expect(x.shape).toMatchObject({ width: 2, height: 60 });
    const rows = [...Array(DIGIT_SIDE).keys()].filter((y) => [...Array(DIGIT_SIDE).keys()].some((i) => x.input[y * DIGIT_SIDE + i]! > 0.5));
    expect(rows.length).toBeGreaterThanOrEqual(20);
    expect(rows[0]).toBeGreaterThanOrEqual(3);
    expect(rows.at(-1)).toBeLessThanOrEqual(24);
    expect(strokeWidth(x.input)).toBeGreaterThan(2.5);
  });

  it('drops specks far smaller than the main stroke, and gives nothing for a blank crop', () => {
    const withSpeck = box([{ x: 38, y: 10, w: 3, h: 60 }, { x: 5, y: 5, w: 1, h: 1 }]);
    expect(digitInput(darknessOf(withSpeck)!, 80, 80)!.shape).toMatchObject({ width: 3, height: 60 });
    expect(darknessOf(createImage(80, 80, 240))).toBeNull();
    expect(readDigit(net, createImage(80, 80, 240))).toEqual({ digit: null, shape: null });
  });

  it('reports the shape of a dash: wide and short', () => {
    const r = readDigit(net, box([{ x: 15, y: 38, w: 50, h: 4 }]));
    expect(r.shape!.aspect).toBeGreaterThan(S.ocr.dashMinAspect);
    expect(r.shape!.heightShare).toBeLessThan(S.ocr.markMaxHeightShare);
  });
});

describe('digit reader: the shipped model', () => {
  it('reads held-out MNIST digits (never trained on) at least 90 % right', () => {
    const { test } = mnistSplit();
    let right = 0;
    for (const s of test) {
      const x = digitInput(s.darkness, DIGIT_SIDE, DIGIT_SIDE);
      if (x && argmax(digitProbabilities(net, x.input)) === s.label) right++;
    }
    expect(test.length).toBeGreaterThan(1000);
    expect(right / test.length).toBeGreaterThan(0.9);
  });

  it('round-trips its weights, and refuses weights of the wrong size', () => {
    const model: DigitModel = { format: 'paperloop.digits/1', version: 't', trainedOn: 't', hidden: 2, w1: floatsToBase64(new Float32Array(2 * 784).fill(0.5)), b1: floatsToBase64(new Float32Array([1, -1])), w2: floatsToBase64(new Float32Array(20)), b2: floatsToBase64(new Float32Array(10)) };
    const small = digitNet(model);
    expect([...small.b1]).toEqual([1, -1]);
    expect(small.w1[783]).toBe(0.5);
    expect(() => digitNet({ ...model, hidden: 3 })).toThrow(/weight sizes/);
  });
});

describe('digitReaderConfirms', () => {
  const digit = (d: string, p: number) => ({ digit: d, p, shape: { width: 20, height: 60, heightShare: 0.75, widthShare: 0.25, aspect: 0.33 } });
  // The reader itself reads a dash as a sure '1': only its shape counts, never its digit.
  const dash = { digit: '1', p: 0.99, shape: { width: 50, height: 4, heightShare: 0.05, widthShare: 0.62, aspect: 12 } };
  const point = { digit: '0', p: 0.97, shape: { width: 6, height: 6, heightShare: 0.08, widthShare: 0.08, aspect: 1 } };
  const none = {};
  it('needs every digit box read as the same digit, and sure', () => {
    expect(digitReaderConfirms('47', [digit('4', 0.95), digit('7', 0.93)], none, S)).toBe(true);
    expect(digitReaderConfirms('47', [digit('4', 0.95), digit('1', 0.93)], none, S)).toBe(false);
    expect(digitReaderConfirms('47', [digit('4', 0.95), digit('7', 0.6)], none, S)).toBe(false);
  });
  it('takes a dash or a point only where both tesseract readings have it and the ink has its shape', () => {
    expect(digitReaderConfirms('-5', [dash, digit('5', 0.97)], { line: '-5', boxes: '-5' }, S)).toBe(true);
    expect(digitReaderConfirms('-5', [dash, digit('5', 0.97)], { line: '-5', boxes: '15' }, S)).toBe(false);
    expect(digitReaderConfirms('-5', [dash, digit('5', 0.97)], { line: '-5' }, S)).toBe(false);
    expect(digitReaderConfirms('-5', [digit('1', 0.99), digit('5', 0.97)], { line: '-5', boxes: '-5' }, S)).toBe(false);
    expect(digitReaderConfirms('3.5', [digit('3', 0.99), point, digit('5', 0.99)], { line: '3.5', boxes: '3.5' }, S)).toBe(true);
    // A small '0' read as a point by the line but as '0' box by box stays unconfirmed.
    expect(digitReaderConfirms('3.5', [digit('3', 0.99), point, digit('5', 0.99)], { line: '3.5', boxes: '305' }, S)).toBe(false);
    // A point must be small both ways: a short wide stroke is not one.
    expect(digitReaderConfirms('3.5', [digit('3', 0.99), dash, digit('5', 0.99)], { line: '3.5', boxes: '3.5' }, S)).toBe(false);
  });
  it('cannot confirm characters it does not know, or a reading of another length', () => {
    expect(digitReaderConfirms('3/4', [digit('3', 0.99), digit('1', 0.99), digit('4', 0.99)], { line: '3/4', boxes: '3/4' }, S)).toBe(false);
    expect(digitReaderConfirms('47', [digit('4', 0.99)], none, S)).toBe(false);
    expect(digitReaderConfirms('4', undefined, none, S)).toBe(false);
  });
});
