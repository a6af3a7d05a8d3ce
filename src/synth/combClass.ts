/**
 * A simulated class writing digit combs day after day, read by the comb network, with the teacher
 * resolving every review at the end of the day. What the reader knows of the class (confirmed boxes,
 * common wrong answers) comes from a `ClassStation`: the station's own store and reader cache in the
 * read benchmark, or an in-memory one. Each student keeps one hand (writer) for the whole run;
 * answers are mostly right, some common wrong ones. Seeded. Used by the read benchmark
 * (comb_review_pct_day1..5) and the adaptation test.
 */
import { seededRng, type Rng } from '../domain/random';
import { DEFAULT_STATION_SETTINGS } from '../domain/settings';
import type { CombField } from '../layout/printedPage';
import { confirmedBoxOf, labelledBoxes, type ConfirmedBox } from '../vision/handwriting/adapt';
import type { CombNet } from '../vision/handwriting/combNet';
import { readCombByNet, type CombClassContext } from '../vision/handwriting/combRead';
import { solveHomography } from '../vision/homography';
import type { FieldRead } from '../vision/interpret';
import { createImage } from '../vision/image';
import { DEFAULT_VISION_SETTINGS } from '../vision/settings';
import { scanned } from './combSamples';
import { sampleWriter, writeInBoxes, type Writer } from './handwriting';
import type { Tool } from './pen';

export const CLASS_ITEMS: { accepted: string; commonWrong: string[] }[] = [
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

/** Combs are written at the resolution the station scans at. */
const dpi = DEFAULT_STATION_SETTINGS.scanDpi;
const k = dpi / 25.4;

function combOf(n: number): { field: CombField; h: NonNullable<ReturnType<typeof solveHomography>>; w: number } {
  const boxes = Array.from({ length: n }, (_, i) => ({ x: 2 + 7 * i, y: 2, w: 7, h: 9 }));
  const w = 4 + 7 * n;
  const corners = [{ x: 0, y: 0 }, { x: w, y: 0 }, { x: w, y: 13 }, { x: 0, y: 13 }];
  return { field: { kind: 'comb', id: 'q', itemId: 'i', charset: 'digits', boxes }, h: solveHomography(corners.map((c) => ({ from: c, to: { x: c.x * k, y: c.y * k } })))!, w };
}

function answerOf(item: (typeof CLASS_ITEMS)[number], rng: Rng): string {
  const r = rng();
  if (r < 0.7) return item.accepted;
  if (r < 0.9) return item.commonWrong[Math.floor(rng() * item.commonWrong.length)]!;
  return String(Math.floor(rng() * 100));
}

export type DayFigures = { day: number; combs: number; review: number; silentWrong: number; byTool: Record<string, { combs: number; review: number; silentWrong: number }> };

export type ClassRun = { days: DayFigures[]; confirmed: number };

/** One comb of the day: who answered which item (`item-<index in CLASS_ITEMS>`), what was written, and the read. */
export type DayComb = { studentId: string; itemId: string; written: string; read: FieldRead };

/** Where the simulated class's station keeps what it learns. */
export type ClassStation = {
  /** What the reader knows of the class now. */
  context(): CombClassContext;
  /** The end of a day: every comb read; the teacher has resolved those read to review with what was written. */
  endOfDay(combs: readonly DayComb[]): void | Promise<void>;
  /** Boxes confirmed so far. */
  confirmed(): number;
};

export const itemIdOf = (index: number) => `item-${index}`;
const itemIndex = (itemId: string) => Number(itemId.slice('item-'.length));

/**
 * A station in memory: with `adapt`, every resolved review's boxes join the class's adaptation layer
 * for the following days; the items' common wrong answers are known from the start.
 */
export function memoryStation(net: CombNet, adapt: boolean): ClassStation {
  const boxes: ConfirmedBox[] = [];
  return {
    context: () => ({ ...(boxes.length ? { adaptation: { boxes: [...boxes] } } : {}), commonWrong: (itemId) => CLASS_ITEMS[itemIndex(itemId)]?.commonWrong ?? [] }),
    endOfDay(combs) {
      if (!adapt) return;
      for (const c of combs)
        if (c.read.status === 'review') for (const b of labelledBoxes(c.read.evidence, c.written)) boxes.push(confirmedBoxOf(net, b)!);
    },
    confirmed: () => boxes.length,
  };
}

/** `days` school days of `students` students answering `itemsPerDay` comb items each. */
export async function simulateClass(net: CombNet, opts: { students: number; days: number; itemsPerDay: number; seed: string; adapt: boolean; station?: ClassStation }): Promise<ClassRun> {
  const rng = seededRng(opts.seed);
  const station = opts.station ?? memoryStation(net, opts.adapt);
  const tools: Tool[] = ['pencil', 'ballpoint', 'red_pen'];
  const writers: Writer[] = Array.from({ length: opts.students }, (_, i) => sampleWriter(rng, tools[i % tools.length]));
  const days: DayFigures[] = [];
  for (let day = 1; day <= opts.days; day++) {
    const fig: DayFigures = { day, combs: 0, review: 0, silentWrong: 0, byTool: {} };
    const known = station.context();
    const combs: DayComb[] = [];
    writers.forEach((writer, student) => {
      for (let q = 0; q < opts.itemsPerDay; q++) {
        const index = Math.floor(rng() * CLASS_ITEMS.length);
        const item = CLASS_ITEMS[index]!;
        const text = answerOf(item, rng);
        const { field, h, w } = combOf(text.length);
        const img = createImage(Math.round(w * k), Math.round(13 * k), 240);
        writeInBoxes(img, [...text], field.boxes, writer, { dpi, rng });
        const page = scanned(img, rng);
        const prior = { accepted: [item.accepted], commonWrong: known.commonWrong(itemIdOf(index)) };
        const r = readCombByNet(field, page, h, { paper: 240, ink: 30 }, DEFAULT_VISION_SETTINGS, { net, prior, ...(known.adaptation ? { adaptation: known.adaptation } : {}) });
        combs.push({ studentId: `S${String(student + 1).padStart(2, '0')}`, itemId: itemIdOf(index), written: text, read: r });
        const t = (fig.byTool[writer.tool] ??= { combs: 0, review: 0, silentWrong: 0 });
        fig.combs++;
        t.combs++;
        if (r.status === 'review') {
          fig.review++;
          t.review++;
        } else if (r.value !== text) {
          fig.silentWrong++;
          t.silentWrong++;
        }
      }
    });
    await station.endOfDay(combs);
    days.push(fig);
  }
  return { days, confirmed: station.confirmed() };
}
