// The comb network over five simulated school days of a 40-student class (src/synth/combClass.ts),
// through the station's real path: each day's combs are stored as a print job and a scan's graded
// responses and reviews (the store's own writes), the teacher resolves every comb review with the
// `resolve` handler (which keeps the boxes as labelled crops), and the next day is read with what the
// reader pool's workers load per class (src/scan/combClasses.ts: the adaptation layer and the class's
// common wrong answers from its graded responses). Figures: the review share per day, silent comb
// errors, per pen style, and the network's cost per comb.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRng } from '../../src/domain/random';
import type { ItemInput } from '../../src/domain/item';
import type { PrintedPage } from '../../src/layout/printedPage';
import { combClassCache } from '../../src/scan/combClasses';
import { openStation, type StationContext } from '../../src/station/context';
import { invoke } from '../../src/station/invoke';
import { CLASS_ITEMS, itemIdOf, simulateClass, type ClassStation, type DayComb } from '../../src/synth/combClass';
import { mnistSample } from '../../src/synth/combSamples';
import { loadCombNet } from '../../src/vision/decode';
import type { AdaptationSettings } from '../../src/vision/handwriting/adapt';
import type { CombNet } from '../../src/vision/handwriting/combNet';
import { readCombBox } from '../../src/vision/handwriting/combNet';
import { strokeGeometry } from '../../src/vision/handwriting/strokeGeometry';
import { mnistSplit } from '../../src/vision/testing/mnist';
import { loadG7Graph } from './data';

type Out = (figure: string, value: number, unit: string, goal?: string, extra?: Record<string, unknown>) => void;

const CLASS = '7A';
/** BENCH_ADAPT='{"k":5,"minSimilarity":0.9,"weight":0.9,"agreement":0.8}' tries other adaptation settings than the reader's defaults. */
const ADAPT_SETTINGS = process.env.BENCH_ADAPT ? (JSON.parse(process.env.BENCH_ADAPT) as AdaptationSettings) : undefined;
const STUDENTS = 40;

/** A station with one class of `students` and the simulation's comb items in its bank. */
function benchStation(): StationContext & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pl-comb-days-'));
  const opened = openStation(dir, { create: true, clock: () => new Date('2026-12-07T16:00:00Z') });
  if (!opened.ok) throw new Error(opened.error);
  const ctx = Object.assign(opened.value, { dir });
  const g7 = loadG7Graph();
  ctx.store.importSkills(g7.skills);
  const items: ItemInput[] = CLASS_ITEMS.map((it, i) => ({
    id: itemIdOf(i), type: 'short_text', subject: 'math', grade: 7, skills: [g7.unit[0]!], stem: { en: `comb item ${i}` },
    // Room for any answer the simulated students write (a wrong one can be longer than the right one).
    points: 1, minutes: 2, difficulty: 0, tier: 'core', answer: [it.accepted], boxes: 6,
  }));
  ctx.store.importItems(items);
  const ids = Array.from({ length: STUDENTS }, (_, i) => `S${String(i + 1).padStart(2, '0')}`);
  ctx.store.importRoster({
    classes: [{ id: CLASS, name: CLASS, grade: 7 }],
    students: ids.map((id) => ({ id, displayName: id, grade: 7, language: 'en', largePrint: false })),
    enrollments: ids.map((studentId) => ({ classId: CLASS, studentId })),
  });
  return ctx;
}

/** One printed page per student and day, holding that day's combs (geometry is not read here: the combs are read by the simulation). */
function pageOf(day: number, studentId: string, combs: readonly DayComb[], i: number): PrintedPage {
  return {
    pageId: `D${day}-${studentId}`, layoutVersion: 'bench', kind: 'workbook', jobId: `day-${day}`, workbookId: `D${day}-${studentId}`, classId: CLASS, studentId,
    pageNumber: 1, pageCount: 1, paper: { name: 'A4', widthMm: 210, heightMm: 297 },
    marks: [0, 1, 2, 3].map((c) => ({ corner: (['tl', 'tr', 'br', 'bl'] as const)[c]!, x: 0, y: 0, size: 5 })) as PrintedPage['marks'],
    qr: { x: 0, y: 0, size: 20 },
    fields: combs.map((c, q) => ({ kind: 'comb', id: `q${q}`, itemId: c.itemId, charset: 'digits', boxes: [...c.written].map((_, b) => ({ x: b * 7, y: i, w: 7, h: 9 })) })),
  };
}

/**
 * The station's real path for the simulated class: store, review handler, the workers' per-class cache.
 * Without `learn`, the reader ignores the confirmed boxes (the same run without the adaptation layer).
 */
function realStation(ctx: StationContext, net: CombNet, learn: boolean, dump?: unknown[]): ClassStation {
  const cache = combClassCache(ctx.db, net);
  let day = 0;
  return {
    context: () => {
      const known = cache.ofClass(CLASS);
      if (!learn) return { commonWrong: known.commonWrong };
      return ADAPT_SETTINGS && known.adaptation ? { ...known, adaptation: { ...known.adaptation, settings: ADAPT_SETTINGS } } : known;
    },
    async endOfDay(combs) {
      day++;
      dump?.push(...combs.map((c) => ({ day, studentId: c.studentId, itemId: c.itemId, written: c.written, value: c.read.value, status: c.read.status, reasons: c.read.reasons, evidence: c.read.evidence })));
      const date = `2026-12-${String(7 + day).padStart(2, '0')}`;
      const byStudent = new Map<string, DayComb[]>();
      for (const c of combs) byStudent.set(c.studentId, [...(byStudent.get(c.studentId) ?? []), c]);
      const pages = [...byStudent].map(([studentId, cs], i) => pageOf(day, studentId, cs, i));
      ctx.store.insertPrintJob({ id: `day-${day}`, setId: null, kind: 'workbook', optionsJson: '{}', pages });
      for (const page of pages) {
        const cs = byStudent.get(page.studentId)!;
        const { row } = ctx.store.scans.insertImage({ sessionId: null, sha256: `sha-${page.pageId}`, path: `images/${page.pageId}.png`, mediaType: 'image/png', bytes: 1 });
        const responses = cs.map((c, q) => {
          const graded = c.read.value === CLASS_ITEMS[Number(c.itemId.slice(5))]!.accepted;
          return {
            fieldId: `q${q}`, studentId: page.studentId, itemId: c.itemId, itemVersion: 1, answer: c.read.value, score: graded ? 1 : 0, maxScore: 1, correct: graded,
            confidence: c.read.confidence, needsReview: c.read.status === 'review', reasons: c.read.reasons, evidence: c.read.evidence, date,
          };
        });
        ctx.store.scans.recordOutcome(row.id, { kind: 'graded', pageId: page.pageId, replaceEarlier: false, responses, readJson: '{}' }, 'bench', `${date}T10:00:00Z`);
      }
      // The teacher types what each comb sent to review holds (the review handler the app and the CLI use).
      const written = new Map(pages.flatMap((p) => byStudent.get(p.studentId)!.map((c, q) => [`${p.pageId}|q${q}`, c.written] as [string, string])));
      for (const r of ctx.store.scans.openReviews()) {
        const answer = written.get(`${r.pageId}|${r.fieldId}`);
        if (answer === undefined) continue;
        const decided = await invoke(ctx, 'resolve', { responseId: r.responseId, answer });
        if (!decided.ok) throw new Error(decided.error.message);
      }
    },
    confirmed: () => (ctx.db.prepare('SELECT count(*) AS n FROM comb_crops WHERE class_id = ?').get(CLASS) as { n: number }).n,
  };
}

async function runDays(net: CombNet, learn: boolean, dump?: unknown[]) {
  const ctx = benchStation();
  try {
    return await simulateClass(net, { students: STUDENTS, days: 5, itemsPerDay: 3, seed: 'bench-comb-days', adapt: learn, station: realStation(ctx, net, learn, dump) });
  } finally {
    ctx.db.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  }
}

export async function combDays(out: Out): Promise<void> {
  const net = loadCombNet();
  // BENCH_DUMP_DAYS=file.json writes every comb of the adapted run (day, student, what was written, the read).
  const dump: unknown[] = [];
  const run = await runDays(net, true, dump);
  if (process.env.BENCH_DUMP_DAYS) writeFileSync(process.env.BENCH_DUMP_DAYS, JSON.stringify(dump));
  const pct = (a: number, b: number) => (100 * a) / Math.max(1, b);
  // The same class and days with the teacher's decisions stored but the adaptation layer left out.
  const unadapted = await runDays(net, false);
  for (const d of run.days) {
    const byTool = Object.fromEntries(Object.entries(d.byTool).map(([t, f]) => [t, { review_pct: Math.round(pct(f.review, f.combs) * 10) / 10, silent: f.silentWrong }]));
    const goal = d.day === 1 ? '<=15' : d.day === 5 ? '<=5' : undefined;
    const without = unadapted.days[d.day - 1]!;
    out(`comb_review_pct_day${d.day}`, pct(d.review, d.combs), '%', goal, { combs: d.combs, silent_wrong: d.silentWrong, by_pen: byTool, path: 'station', without_adaptation_pct: Math.round(pct(without.review, without.combs) * 10) / 10 });
  }
  out('silent_comb_errors', run.days.reduce((s, d) => s + d.silentWrong, 0), 'combs', '0', { combs: run.days.reduce((s, d) => s + d.combs, 0), confirmed_boxes: run.confirmed });
  // The network's cost: one 3-box comb = three forward passes.
  const rng = seededRng('bench-comb-ms');
  const crops = mnistSplit().test.slice(0, 300).map((s) => mnistSample(s.darkness, rng));
  // CPU time of this thread's process: the machine may be shared.
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const [w0, c0] = [performance.now(), cpu()];
  for (const c of crops) readCombBox(net, c);
  const per = (ms: number) => (3 * ms) / crops.length;
  const netMs = { cpu: per(cpu() - c0), wall: per(performance.now() - w0) };
  // The second opinion beside the network: each box's stroke geometry (strokeGeometry.ts).
  const [w1, c1] = [performance.now(), cpu()];
  for (const c of crops) strokeGeometry(c);
  const geometryMs = { cpu: per(cpu() - c1), wall: per(performance.now() - w1) };
  const r2 = (v: number) => Math.round(v * 100) / 100;
  out('comb_net_ms_per_comb', netMs.cpu, 'ms', '<5', { clock: 'cpu', wall_ms: r2(netMs.wall), boxes_per_comb: 3, stroke_geometry_ms: r2(geometryMs.cpu), stroke_geometry_wall_ms: r2(geometryMs.wall) });
}
