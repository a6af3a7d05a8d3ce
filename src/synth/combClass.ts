/**
 * A simulated class writing digit combs day after day, read by the comb network, with the teacher
 * resolving every review: the confirmed boxes become the next day's adaptation layer. Each student
 * keeps one hand (writer) for the whole run; answers are mostly right, some common wrong ones.
 * Seeded. Used by the read benchmark (comb_review_pct_day1..5) and the adaptation test.
 */
import { seededRng, type Rng } from '../domain/random';
import { DEFAULT_STATION_SETTINGS } from '../domain/settings';
import type { CombField } from '../layout/printedPage';
import type { ConfirmedBox } from '../vision/handwriting/adapt';
import type { CombChar, CombNet } from '../vision/handwriting/combNet';
import { readCombByNet, readWrittenBoxes } from '../vision/handwriting/combRead';
import { solveHomography } from '../vision/homography';
import { createImage } from '../vision/image';
import { DEFAULT_VISION_SETTINGS } from '../vision/settings';
import { scanned } from './combSamples';
import { sampleWriter, writeInBoxes, type Writer } from './handwriting';
import type { Tool } from './pen';

const ITEMS: { accepted: string; commonWrong: string[] }[] = [
  { accepted: '3/5', commonWrong: ['5/3', '3/8'] },
  { accepted: '12', commonWrong: ['21', '13'] },
  { accepted: '-4', commonWrong: ['4', '-2'] },
  { accepted: '0.5', commonWrong: ['0.2', '5'] },
  { accepted: '108', commonWrong: ['18', '180'] },
  { accepted: '2/3', commonWrong: ['3/2', '1/3'] },
  { accepted: '45', commonWrong: ['54', '40'] },
  { accepted: '-12', commonWrong: ['12', '-21'] },
  { accepted: '7', commonWrong: ['1', '9'] },
  { accepted: '6.25', commonWrong: ['6.5', '62.5'] },
];

export type DayFigures = { day: number; combs: number; review: number; silentWrong: number; byTool: Record<string, { combs: number; review: number; silentWrong: number }> };

export type ClassRun = { days: DayFigures[]; confirmed: number };

/** Combs are written at the resolution the station scans at. */
const dpi = DEFAULT_STATION_SETTINGS.scanDpi;
const k = dpi / 25.4;

function combOf(n: number): { field: CombField; h: NonNullable<ReturnType<typeof solveHomography>>; w: number } {
  const boxes = Array.from({ length: n }, (_, i) => ({ x: 2 + 7 * i, y: 2, w: 7, h: 9 }));
  const w = 4 + 7 * n;
  const corners = [{ x: 0, y: 0 }, { x: w, y: 0 }, { x: w, y: 13 }, { x: 0, y: 13 }];
  return { field: { kind: 'comb', id: 'q', itemId: 'i', charset: 'digits', boxes }, h: solveHomography(corners.map((c) => ({ from: c, to: { x: c.x * k, y: c.y * k } })))!, w };
}

function answerOf(item: (typeof ITEMS)[number], rng: Rng): string {
  const r = rng();
  if (r < 0.7) return item.accepted;
  if (r < 0.9) return item.commonWrong[Math.floor(rng() * item.commonWrong.length)]!;
  return String(Math.floor(rng() * 100));
}

/**
 * `days` school days of `students` students answering `itemsPerDay` comb items each. With
 * `adapt`, every resolved review's boxes join the class's adaptation layer for the following days.
 */
export function simulateClass(net: CombNet, opts: { students: number; days: number; itemsPerDay: number; seed: string; adapt: boolean }): ClassRun {
  const rng = seededRng(opts.seed);
  const tools: Tool[] = ['pencil', 'ballpoint', 'red_pen'];
  const writers: Writer[] = Array.from({ length: opts.students }, (_, i) => sampleWriter(rng, tools[i % tools.length]));
  const confirmed: ConfirmedBox[] = [];
  const days: DayFigures[] = [];
  for (let day = 1; day <= opts.days; day++) {
    const fig: DayFigures = { day, combs: 0, review: 0, silentWrong: 0, byTool: {} };
    const learned: ConfirmedBox[] = [];
    for (const writer of writers)
      for (let q = 0; q < opts.itemsPerDay; q++) {
        const item = ITEMS[Math.floor(rng() * ITEMS.length)]!;
        const text = answerOf(item, rng);
        const { field, h, w } = combOf(text.length);
        const img = createImage(Math.round(w * k), Math.round(13 * k), 240);
        writeInBoxes(img, [...text], field.boxes, writer, { dpi, rng });
        const page = scanned(img, rng);
        const prior = { accepted: [item.accepted], commonWrong: item.commonWrong };
        const r = readCombByNet(field, page, h, { paper: 240, ink: 30 }, DEFAULT_VISION_SETTINGS, { net, prior, ...(opts.adapt ? { adaptation: { boxes: confirmed } } : {}) });
        const t = (fig.byTool[writer.tool] ??= { combs: 0, review: 0, silentWrong: 0 });
        fig.combs++;
        t.combs++;
        if (r.status === 'review') {
          fig.review++;
          t.review++;
          // The teacher types what the student wrote: each written box is a labelled crop.
          const { readings } = readWrittenBoxes(field, page, h, { paper: 240, ink: 30 }, DEFAULT_VISION_SETTINGS, net);
          if (readings.length === text.length) readings.forEach((b, i) => b && learned.push({ embedding: b.embedding.slice(), char: text[i] as CombChar }));
        } else if (r.value !== text) {
          fig.silentWrong++;
          t.silentWrong++;
        }
      }
    if (opts.adapt) confirmed.push(...learned);
    days.push(fig);
  }
  return { days, confirmed: confirmed.length };
}
