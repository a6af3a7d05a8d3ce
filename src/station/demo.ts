import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliIO } from './cliSupport';
import { initDataDir, openStation, REPO_ROOT, type StationContext } from './context';
import { invoke } from './invoke';
import { synthesizeToFolder } from '../synth/folder';
import { answerKeyFromItems } from '../synth/truth';

const DEMO = join(REPO_ROOT, 'fixtures', 'demo');

export type DemoStep = { name: string; run: (ctx: StationContext, state: DemoState, io: CliIO) => Promise<void> };
export type DemoState = { date: string; outDir: string; setId?: string; jobId?: string; pdf?: string; files: Record<string, string> };

async function must<T>(what: string, p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string; details?: string[] } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${what}: ${r.error.message}${r.error.details ? `\n  ${r.error.details.slice(0, 5).join('\n  ')}` : ''}`);
  return r.value;
}

export const DEMO_STEPS: DemoStep[] = [
  {
    name: 'import the demo school (skills, items, roster)',
    run: async (ctx, _s, io) => {
      for (const f of ['skills-math-g7.json', 'skills-math-g4.json']) await must('import skills', invoke(ctx, 'importSkills', { file: join(DEMO, f) }));
      const items = await must('import items', invoke(ctx, 'importItems', { files: [join(DEMO, 'items-math-g7.json'), join(DEMO, 'items-math-g4.json')] }));
      const roster = await must('import roster', invoke(ctx, 'importRoster', { paths: [join(DEMO, 'roster-classes.csv')] }));
      io.out(`  items: ${items.added} new, ${items.unchanged} unchanged · roster: ${roster.classes} classes, ${roster.students} students`);
    },
  },
  {
    name: 'compose and approve tomorrow’s grade-7 maths workbooks (tiered, within the 90-minute cap)',
    run: async (ctx, s, io) => {
      const existing = ctx.store.workbookSetsOn('7A', s.date).find((w) => w.status === 'approved' && w.subject === 'math');
      if (existing) {
        s.setId = existing.id;
        io.out(`  already approved: ${existing.id}`);
        return;
      }
      const students = ctx.store.students('7A');
      const tiersByStudent = Object.fromEntries(students.map((st, i) => [st.id, i % 5 === 0 ? 'basic' : i % 5 === 4 ? 'stretch' : 'core'] as const));
      const c = await must('compose', invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: s.date, minutes: 20, tier: 'core', tiersByStudent, seed: 'demo' }));
      await must('approve', invoke(ctx, 'approve', { setId: c.setId }));
      s.setId = c.setId;
      io.out(`  set ${c.setId}: ${c.students} students, ${c.minutes.min}–${c.minutes.max} min each`);
    },
  },
  {
    name: 'grade 4 too: tiered workbooks within the 60-minute cap, with the red-flower progress bar',
    run: async (ctx, s, io) => {
      const existing = ctx.store.workbookSetsOn('4B', s.date).find((w) => w.status === 'approved');
      const setId = existing?.id ?? (await must('compose 4B', invoke(ctx, 'compose', { classId: '4B', subject: 'math', date: s.date, minutes: 15, tier: 'auto', seed: 'demo' }))).setId;
      if (!existing) await must('approve 4B', invoke(ctx, 'approve', { setId }));
      const pdf = join(s.outDir, `workbooks-4B-${s.date}.pdf`);
      const p = await must('print 4B', invoke(ctx, 'print', { setId, out: pdf }));
      io.out(`  ${p.pages} pages for ${p.students} students`);
      s.files.workbooks4B = pdf;
    },
  },
  {
    name: 'print the class as one PDF, plus the answer key',
    run: async (ctx, s, io) => {
      const pdf = join(s.outDir, `workbooks-7A-${s.date}.pdf`);
      const key = join(s.outDir, `answer-key-7A-${s.date}.pdf`);
      const p = await must('print', invoke(ctx, 'print', { setId: s.setId!, out: pdf, answerKey: key, layoutJson: join(s.outDir, `layout-7A-${s.date}.json`) }));
      s.jobId = p.jobId;
      s.pdf = pdf;
      s.files.workbooks = pdf;
      s.files.answerKey = key;
      io.out(`  ${p.pages} pages for ${p.students} students`);
    },
  },
  {
    name: 'scan: synthetic filled pages (pen marks, handwriting, skew, blur, noise, JPEG), blank backs and a foreign sheet',
    run: async (ctx, s, io) => {
      const scans = join(s.outDir, `scans-7A-${s.date}`);
      if (!existsSync(join(scans, 'truth.json'))) {
        const r = await synthesizeToFolder({
          pdfPath: s.pdf!, layoutJsonPath: join(s.outDir, `layout-7A-${s.date}.json`), outDir: scans, seed: 'demo', profile: 'typical',
          answers: 'mixed', answerKey: answerKeyFromItems(ctx.store.currentItems()), foreignPages: 1,
        });
        if (!r.ok) throw new Error(r.error);
        io.out(`  ${r.value.images} scanned images in ${scans}`);
      }
      s.files.scans = scans;
    },
  },
  {
    name: 'read and grade the stack (stored durably first; uncertain reads go to review)',
    run: async (ctx, s, io) => {
      const r = await must('ingest', invoke(ctx, 'ingest', { paths: [s.files.scans!] }));
      io.out(`  ${r.stored} new pages stored · ${r.graded} graded · ${r.needsReview} with reads to review · ${r.blankBacks} blank backs · ${r.refused} not ours/unreadable · ${r.duplicates} already read`);
      const integrity = await must('integrity', invoke(ctx, 'integrity', { setId: s.setId! }));
      const job = integrity.jobs[0]!;
      io.out(`  stack: ${job.complete ? 'every page came back' : `${job.students.filter((x) => x.missingPages.length).length} students have missing pages`}; review queue: ${ctx.store.scans.openReviews().length} reads`);
    },
  },
  {
    name: 'learn: class item analysis, wrong-question books, and tomorrow’s personal workbooks within the cap',
    run: async (ctx, s, io) => {
      const report = await must('report', invoke(ctx, 'report', { classId: '7A', date: s.date, pdf: join(s.outDir, `report-7A-${s.date}.pdf`), xlsx: join(s.outDir, `report-7A-${s.date}.xlsx`) }));
      const hardest = [...report.items].sort((a, b) => a.correctRate - b.correctRate)[0];
      io.out(`  report: ${report.items.length} items${hardest ? `, hardest ${hardest.itemId} (${Math.round(hardest.correctRate * 100)}% correct)` : ''}, ${report.needingHelp.length} students need help`);
      s.files.report = report.files.pdf!;
      s.files.reportXlsx = report.files.xlsx!;
      const books = await must('wrong-book', invoke(ctx, 'wrongBook', { classId: '7A', outDir: join(s.outDir, 'wrong-books') }));
      io.out(`  wrong-question books: ${books.files.length} students`);
      s.files.wrongBooks = join(s.outDir, 'wrong-books');
      const tomorrow = '2026-11-26';
      const existing = ctx.store.workbookSetsOn('7A', tomorrow).find((w) => w.status === 'approved');
      if (existing) {
        io.out(`  tomorrow's set already approved: ${existing.id}`);
        s.files.nextWorkbooks = join(s.outDir, `next-7A-${tomorrow}.pdf`);
        return;
      }
      const next = await must('next', invoke(ctx, 'next', { classId: '7A', date: tomorrow, out: join(s.outDir, `next-7A-${tomorrow}.pdf`) }));
      io.out(`  next workbooks: ${next.students} students, ${next.minutes.min}–${next.minutes.max} min; reasons ${Object.entries(next.reasons).map(([k, n]) => `${k}×${n}`).join(', ')}`);
      s.files.nextWorkbooks = next.pdf!;
    },
  },
];

/** `npm start` without a display: runs the whole loop on the embedded demo class, as far as it is built. */
export async function runDemo(dataDir: string, io: CliIO, steps: DemoStep[] = DEMO_STEPS): Promise<DemoState> {
  const fresh = !existsSync(join(dataDir, 'settings.json'));
  if (fresh) {
    const made = initDataDir(dataDir, 'DEMO');
    if (!made.ok) throw new Error(made.error);
  }
  const opened = openStation(dataDir);
  if (!opened.ok) throw new Error(opened.error);
  const ctx = opened.value;
  const state: DemoState = { date: '2026-11-25', outDir: join(dataDir, 'out'), files: {} };
  io.out(`PaperLoop demo — station data in ${dataDir}${fresh ? ' (new)' : ''}`);
  for (const [i, step] of steps.entries()) {
    io.out(`[${i + 1}/${steps.length}] ${step.name}`);
    const t0 = performance.now();
    await step.run(ctx, state, io);
    io.out(`  done in ${Math.round(performance.now() - t0)} ms`);
  }
  io.out('\nWhere things are:');
  for (const [what, path] of Object.entries(state.files)) io.out(`  ${what.padEnd(18)} ${path}`);
  ctx.db.close();
  return state;
}
