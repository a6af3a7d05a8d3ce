import { describe, expect, it } from 'vitest';
import { seededRng } from '../domain/random';
import { createImage, histogram, percentile, type GreyImage } from './image';
import { findStreaks, type Band } from './page';
import { DEFAULT_VISION_SETTINGS as S } from './settings';

/** The column count over every row that findStreaks had: its bands are the reference. */
function streaksCountingEveryRow(reduced: GreyImage, reduceFactor: number): Band[] {
  const { width: W, height: H, data } = reduced;
  const cut = percentile(histogram(reduced, undefined, 2), S.paper.percentile) - S.streak.darkContrast;
  const dark = new Uint32Array(W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (data[y * W + x]! <= cut) dark[x]!++;
  const need = S.streak.minRowShare * H;
  const bands: Band[] = [];
  for (let x = 0; x < W; x++) {
    if (dark[x]! < need) continue;
    const x0 = x;
    while (x + 1 < W && dark[x + 1]! >= need) x++;
    if ((x + 1 - x0) * reduceFactor >= S.streak.minWidthPx) bands.push({ x0: (x0 - 1) * reduceFactor, x1: (x + 2) * reduceFactor });
  }
  return bands;
}

describe('scanner streaks', () => {
  it('finds the bands a count over every row finds, with columns dark on just enough rows and one row short', () => {
    const rng = seededRng('streaks');
    for (let round = 0; round < 12; round++) {
      const W = 200 + Math.floor(rng() * 60);
      const H = 150 + Math.floor(rng() * 80);
      const img = createImage(W, H, 235);
      // Print: dark blobs here and there, so some columns are out late.
      for (let k = 0; k < 40; k++) {
        const x0 = Math.floor(rng() * W);
        const y0 = Math.floor(rng() * H);
        for (let y = y0; y < Math.min(H, y0 + 20); y++) for (let x = x0; x < Math.min(W, x0 + 6); x++) img.data[y * W + x] = 30;
      }
      // Streaks 1–6 columns wide, each column dark on about ⌈need⌉ rows (one more, exactly, one fewer), at random rows.
      const need = Math.ceil(S.streak.minRowShare * H);
      for (let k = 0; k < 6; k++) {
        const x0 = Math.floor(rng() * (W - 8));
        const width = 1 + Math.floor(rng() * 6);
        for (let x = x0; x < x0 + width; x++) {
          const darkRows = need - 1 + Math.floor(rng() * 3);
          const rows = Array.from({ length: H }, (_, y) => y).sort(() => rng() - 0.5).slice(0, darkRows);
          for (const y of rows) img.data[y * W + x] = 120;
          for (let y = 0; y < H; y++) if (!rows.includes(y)) img.data[y * W + x] = 235;
        }
      }
      expect(findStreaks(img, 2, S), `round ${round}`).toEqual(streaksCountingEveryRow(img, 2));
    }
  });

  it('finds a wide streak through a page and nothing on a clean one', () => {
    const img = createImage(300, 200, 240);
    for (let y = 0; y < 200; y++) for (let x = 100; x < 106; x++) img.data[y * 300 + x] = 150;
    expect(findStreaks(img, 2, S)).toEqual([{ x0: 198, x1: 214 }]);
    expect(findStreaks(createImage(300, 200, 240), 2, S)).toEqual([]);
  });
});
