/**
 * Approval's self-test: every new page layout of a set is rendered, filled with known answers and
 * read back at each test resolution (src/synth/readBack.ts) before the set may go to paper. A layout
 * version that passed is kept in the station database and not tested again.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { ComposedWorkbook } from '../domain/compose';
import type { Item } from '../domain/item';
import { err, ok, type Result } from '../domain/result';
import type { LaidOutPage } from '../layout/layoutWorkbook';
import { renderPdf } from '../print/pdf';
import type { WorkbookSetRow } from '../store';
import { passedLayoutVersions, recordPassedLayouts } from '../store/layoutSelfTests';
import { PATTERNS_PER_DPI, READ_BACK_DPIS, readBackPage, type LayoutReadBack } from '../synth/readBack';
import { zxingReaderWasm } from '../vision/decode';
import { createZxingQrReader } from '../vision/qr';
import { VisionSettings } from '../vision/settings';
import type { StationContext } from './context';
import type { ReadBackJob } from './selfTestWorker';
import { layoutStudentWorkbook, youngGradeFlowers } from './workbookLayout';

/** How layouts are tested; a pass counts only for this method (store/layoutSelfTests.ts). */
export const SELF_TEST_METHOD = `read-back/1 dpi ${READ_BACK_DPIS.join(',')} × ${PATTERNS_PER_DPI}`;
/** The method with the station's own mark thresholds: other thresholds read marks differently, so they test again. */
const methodOf = (ctx: StationContext) => `${SELF_TEST_METHOD} bubbles ${JSON.stringify(ctx.settings.reading.bubbles)}`;

export type SelfTestSummary = {
  /** Distinct layouts of the set. */
  layouts: number;
  /** Of those, the ones tested now (the others passed before). */
  tested: number;
  reads: number;
  ms: number;
};

/** A layout that did not read back, with the page that showed it (a student's page). */
export type FailedLayout = LayoutReadBack & { studentId: string; pageNumber: number };

export type SetToTest = { set: WorkbookSetRow; workbooks: readonly ComposedWorkbook[]; items: Map<string, Item> };

/** The pages of a set as they will print with the station's page style; preview page ids, nothing stored. */
function layOutSet(ctx: StationContext, { set, workbooks, items }: SetToTest): Result<LaidOutPage[], string> {
  const styled = ctx.pageStyle();
  if (!styled.ok) return styled;
  const style = styled.value;
  const cls = ctx.store.schoolClass(set.classId)!;
  const students = new Map(ctx.store.students(set.classId).map((s) => [s.id, s]));
  const job = { jobId: 'SELFTEST', set, cls, items, flowers: youngGradeFlowers(ctx, cls, set.subject, style), style, measure: ctx.font().measure };
  let n = 0;
  return ok(workbooks.flatMap((w) => {
    const student = students.get(w.studentId);
    return student ? layoutStudentWorkbook(job, w, student, () => `SELFTEST-${++n}`) : [];
  }));
}

/**
 * Tests the set's layouts that have not passed before. Progress goes out as `self_test` events
 * (done of total layouts). Failed: the layouts that did not read back exactly.
 */
export async function selfTestSet(ctx: StationContext, toTest: SetToTest): Promise<Result<SelfTestSummary, { failed: FailedLayout[]; summary: SelfTestSummary } | string>> {
  const t0 = performance.now();
  const laidOut = layOutSet(ctx, toTest);
  if (!laidOut.ok) return err(laidOut.error);
  const distinct = new Map<string, LaidOutPage>();
  for (const p of laidOut.value) if (!distinct.has(p.printed.layoutVersion)) distinct.set(p.printed.layoutVersion, p);
  const passed = passedLayoutVersions(ctx.db, [...distinct.keys()], methodOf(ctx));
  const pages = [...distinct.values()].filter((p) => !passed.has(p.printed.layoutVersion));
  const setId = toTest.set.id;
  const progress = (done: number) => ctx.events.emit({ type: 'self_test', setId, done, total: pages.length });
  const results = pages.length ? await readBackAll(ctx, pages, progress) : [];
  const passes = results.filter((r) => r.failures.length === 0);
  recordPassedLayouts(ctx.db, passes, methodOf(ctx), ctx.clock().toISOString());
  const summary = { layouts: distinct.size, tested: pages.length, reads: results.reduce((a, r) => a + r.reads, 0), ms: Math.round(performance.now() - t0) };
  const failed = results.flatMap((r, i): FailedLayout[] => (r.failures.length ? [{ ...r, studentId: pages[i]!.printed.studentId, pageNumber: pages[i]!.printed.pageNumber }] : []));
  return failed.length ? err({ failed, summary }) : ok(summary);
}

/** From this many layouts to test, they are read back in a worker pool (one worker per core). */
export const POOL_FROM_LAYOUTS = 6;

/** Reads back every page, in order; `progress` after each. */
async function readBackAll(ctx: StationContext, pages: readonly LaidOutPage[], progress: (done: number) => void): Promise<LayoutReadBack[]> {
  progress(0);
  const bytes = await renderPdf(pages, ctx.font(), 'PaperLoop self-test');
  const bubbles = ctx.settings.reading.bubbles;
  let done = 0;
  const counted = (r: LayoutReadBack) => (progress(++done), r);
  if (pages.length >= POOL_FROM_LAYOUTS && availableParallelism() > 1) {
    // Shared with the workers, not copied to each task.
    const pdf = new Uint8Array(new SharedArrayBuffer(bytes.length));
    pdf.set(bytes);
    const pool = new Piscina({ filename: fileURLToPath(new URL('./selfTestWorker.mjs', import.meta.url)), maxThreads: Math.min(availableParallelism(), pages.length) });
    try {
      const pdfKey = randomUUID();
      return await Promise.all(pages.map((p, index) => (pool.run({ pdf, pdfKey, index, page: p.printed, bubbles } satisfies ReadBackJob) as Promise<LayoutReadBack>).then(counted)));
    } finally {
      await pool.close();
    }
  }
  const { openPdf } = await import('../synth/render'); // mupdf loads when a set is approved, not with the handler map
  const pdf = openPdf(bytes);
  try {
    const qr = await createZxingQrReader(zxingReaderWasm());
    const settings = VisionSettings.parse({ bubbles });
    const results: LayoutReadBack[] = [];
    for (const [i, page] of pages.entries()) results.push(counted(await readBackPage(page.printed, { render: (dpi) => pdf.render(i, dpi), qr, settings })));
    return results;
  } finally {
    pdf.close();
  }
}

/** One line per failed layout: the student's page, then each field and item that failed, at which resolution, filled and read. */
export function describeSelfTestFailures(failed: readonly FailedLayout[], perLayout = 6): string[] {
  return failed.map((l) => {
    const shown = l.failures.slice(0, perLayout).map((f) => `at ${f.dpi} dpi ${f.fieldId ? `field ${f.fieldId} (item ${f.itemId}) ` : ''}${f.problem}`);
    const more = l.failures.length - shown.length;
    return `${l.studentId} page ${l.pageNumber} (layout ${l.layoutVersion}): ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  });
}
