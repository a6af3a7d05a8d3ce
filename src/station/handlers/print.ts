import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ok } from '../../domain/result';
import type { LaidOutPage } from '../../layout/layoutWorkbook';
import { layoutAnswerKey } from '../../print/answerKey';
import { renderPdf } from '../../print/pdf';
import { layoutStudentWorkbook, youngGradeFlowers } from '../workbookLayout';
import { defineHandler, fail } from './types';
import { itemsOfSet, workbooksOf } from './workbooks';

/** The layout of a job's workbooks lives in ../workbookLayout.ts (approval's self-test lays them out too). */
export { layoutStudentWorkbook, youngGradeFlowers, type PrintJobContext } from '../workbookLayout';

export const PrintInput = z.object({
  setId: z.string(),
  out: z.string(),
  /** Reprint one student's workbook only. */
  studentId: z.string().optional(),
  layoutJson: z.string().optional(),
  answerKey: z.string().optional(),
  style: z.string().regex(/^[a-z0-9-]+$/, 'a page style name such as a4, letter or a4-large-print').optional(),
  /** Red-flower progress per student (young grades), from the learning loop. */
  flowers: z.record(z.string(), z.object({ mastered: z.number(), total: z.number() })).optional(),
});

/** Lays out and stores every PrintedPage of a job in one transaction, then writes the PDF. */
export const print = defineHandler(PrintInput, async (ctx, input) => {
  const set = ctx.store.workbookSet(input.setId);
  if (!set) return fail('unknown_set', `workbook set "${input.setId}" not found.`);
  if (set.status !== 'approved') return fail('not_approved', `set ${input.setId} is ${set.status}. Fix: run "paperloop approve --set ${input.setId}" first; only approved sets print.`);
  const cls = ctx.store.schoolClass(set.classId)!;
  const students = new Map(ctx.store.students(set.classId).map((s) => [s.id, s]));
  const items = itemsOfSet(ctx, set.id);
  const workbooks = workbooksOf(ctx, set.id).filter((w) => !input.studentId || w.studentId === input.studentId);
  if (workbooks.length === 0) return fail('no_workbooks', input.studentId ? `student ${input.studentId} has no workbook in set ${set.id}.` : `set ${set.id} has no workbooks.`);
  const styled = ctx.pageStyle(input.style);
  if (!styled.ok) return fail('unknown_style', styled.error);
  const style = styled.value;
  const flowers = input.flowers ?? youngGradeFlowers(ctx, cls, set.subject, style);
  const font = ctx.font();
  const jobId = `PJ-${ctx.store.nextSeq()}`;
  const pages: LaidOutPage[] = ctx.store.transaction(() => {
    const out: LaidOutPage[] = [];
    const nextPageId = () => ctx.store.allocatePageIds(1)[0]!;
    for (const w of workbooks) {
      const student = students.get(w.studentId);
      if (student) out.push(...layoutStudentWorkbook({ jobId, set, cls, items, flowers, style, measure: font.measure }, w, student, nextPageId));
    }
    ctx.store.insertPrintJob({ id: jobId, setId: set.id, kind: input.studentId ? 'reprint' : 'class', optionsJson: JSON.stringify({ style: style.name, duplex: style.duplex, studentId: input.studentId ?? null }), pages: out.map((p) => p.printed) });
    return out;
  });
  const pdf = await renderPdf(pages, font, `PaperLoop ${cls.name} ${set.subject} ${set.date}`);
  writeOut(input.out, pdf);
  if (input.layoutJson) writeOut(input.layoutJson, JSON.stringify({ format: 'paperloop.printed-pages/1', jobId, pages: pages.map((p) => p.printed) }, null, 1));
  if (input.answerKey) {
    const lang = ctx.settings.defaultLanguage;
    const keyItems = [...items.values()].sort((a, b) => a.id.localeCompare(b.id));
    const keyPages = layoutAnswerKey(`${cls.name} · ${set.subject} · ${set.date} · ${lang === 'zh' ? '答案' : 'Answer key'}`, keyItems, lang, style, font.measure);
    writeOut(input.answerKey, await renderPdf(keyPages, font, 'PaperLoop answer key'));
  }
  return ok({ jobId, pdf: input.out, pages: pages.length, students: workbooks.length, bytes: pdf.length });
});

function writeOut(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}
