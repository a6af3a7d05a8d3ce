import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import type { CombField } from '../layout/printedPage';
import { loadDigitNet } from '../vision/decode';
import { netReadsComb } from '../vision/handwriting/combRead';
import { solveHomography } from '../vision/homography';
import { createImage } from '../vision/image';
import { readComb } from '../vision/ocr';
import { DEFAULT_VISION_SETTINGS } from '../vision/settings';
import { scanned } from './combSamples';
import { sampleWriter, writeInBoxes } from './handwriting';
import type { Tool } from './pen';

const digits = loadDigitNet();
const dpi = 300;
const k = dpi / 25.4;

/** A text comb of `n` boxes with `text` written in it by one seeded writer, scanned. */
function writtenComb(text: string, n: number, seed: string, tool: Tool) {
  const boxes = Array.from({ length: n }, (_, i) => ({ x: 2 + 7 * i, y: 2, w: 7, h: 9 }));
  const field: CombField = { kind: 'comb', id: 'q1', itemId: 'i1', charset: 'text', boxes };
  const w = 4 + 7 * n;
  const corners = [{ x: 0, y: 0 }, { x: w, y: 0 }, { x: w, y: 13 }, { x: 0, y: 13 }];
  const h = solveHomography(corners.map((c) => ({ from: c, to: { x: c.x * k, y: c.y * k } })))!;
  const rng = seededRng(seed);
  const img = createImage(Math.round(w * k), Math.round(13 * k), 240);
  writeInBoxes(img, [...text], boxes, sampleWriter(rng, tool), { dpi, rng });
  return { field, h, img: scanned(img, rng) };
}

const cal = { paper: 240, ink: 30 };
const tools: Tool[] = ['pencil', 'ballpoint', 'red_pen'];

describe('text combs read by the comb network', () => {
  it('are the network’s when it can write every accepted answer, else OCR’s', () => {
    expect(netReadsComb({ charset: 'text' }, ['x=5', '5'])).toBe(true);
    expect(netReadsComb({ charset: 'text' }, ['Y = 2'])).toBe(true);
    expect(netReadsComb({ charset: 'text' }, ['x=5', 'five²'])).toBe(false);
    expect(netReadsComb({ charset: 'text' }, undefined)).toBe(false);
    expect(netReadsComb({ charset: 'digits' }, undefined)).toBe(true);
  });

  // No OCR engine is given: only the network can read these.
  it.each([
    ['x=5', ['x=5', '5']],
    ['-2x-6', ['-2x-6', '-6-2x']],
    ['y=3', ['y=3']],
    ['n+1', ['n+1']],
    ['2ab', ['2ab']],
  ])('a comb holding %s written with the stroke model is read, and never read wrong', async (text, accepted) => {
    let right = 0;
    for (let i = 0; i < 12; i++) {
      const { field, h, img } = writtenComb(text, text.length, `text-comb|${text}|${i}`, tools[i % 3]!);
      const r = await readComb(field, img, h, cal, DEFAULT_VISION_SETTINGS, undefined, accepted, digits);
      expect(r.reasons).not.toContain('no_ocr_engine');
      if (r.status === 'ok') expect(r.value, `writer ${i}`).toBe(text);
      if (r.status === 'ok') right++;
    }
    // Two writers in three at least; the others go to review (a '1' half read as '/', a '+' as 't').
    expect(right).toBeGreaterThanOrEqual(8);
  });

  // The network of digits and symbols alone read a written 's' as a sure '5' (40 writers of 40) and '2b' as '26'.
  it.each([
    ['y=5', 'x=5'],
    ['s', '5'],
    ['2b', '26'],
    ['z', '2'],
  ])('a letter where the accepted answer has a look-alike (%s for %s) is never graded as that answer', async (written, accepted) => {
    for (let i = 0; i < 12; i++) {
      const { field, h, img } = writtenComb(written, written.length, `wrong-letter|${written}|${i}`, tools[i % 3]!);
      const r = await readComb(field, img, h, cal, DEFAULT_VISION_SETTINGS, undefined, [accepted], digits);
      expect(r.status === 'ok' && r.value === accepted, `writer ${i}`).toBe(false);
    }
  });
});
