import type { ComposedWorkbook } from '../domain/compose';
import type { Item } from '../domain/item';
import type { SchoolClass, Student } from '../domain/roster';
import { layoutWorkbook, type LaidOutPage } from '../layout/layoutWorkbook';
import type { PageStyle } from '../layout/pageStyle';
import type { MeasureText } from '../layout/text';
import type { WorkbookSetRow } from '../store';
import type { StationContext } from './context';
import { learningState, masteredSkills } from './learning/state';

/** What every workbook of one print job shares. */
export type PrintJobContext = {
  jobId: string;
  set: WorkbookSetRow;
  cls: SchoolClass;
  items: Map<string, Item>;
  flowers: Record<string, { mastered: number; total: number }>;
  style: PageStyle;
  measure: MeasureText;
};

/** One student's workbook laid out into pages; page ids come from the caller (the store's, or a preview's). */
export function layoutStudentWorkbook(job: PrintJobContext, w: ComposedWorkbook, student: Student, nextPageId: () => string): LaidOutPage[] {
  const { set, cls } = job;
  const lang = student.language;
  return layoutWorkbook(
    {
      jobId: job.jobId, workbookId: `${set.id}/${w.studentId}`, classId: cls.id, className: cls.name, studentId: student.id, studentName: student.displayName,
      grade: student.grade, language: lang, largePrint: student.largePrint, date: set.date, subject: set.subject, tier: w.tier, minutes: w.minutes,
      items: w.entries.map((e) => ({ item: job.items.get(`${e.itemId}@${e.itemVersion}`)!, reason: e.reason.text[lang] ?? e.reason.text.en ?? e.reason.key })),
      ...(job.flowers[student.id] ? { flowers: job.flowers[student.id] } : {}),
    },
    job.style,
    job.measure,
    nextPageId,
  );
}

/** The red-flower progress bar, for classes young enough to get it (the page style says up to which grade). */
export const youngGradeFlowers = (ctx: StationContext, cls: SchoolClass, subject: string, style: PageStyle) =>
  cls.grade <= style.youngGradeMax ? flowersFromMastery(ctx, cls.id, subject, cls.grade) : {};

/** The red-flower progress bar of young grades: skills of the grade mastered so far, per student. */
function flowersFromMastery(ctx: StationContext, classId: string, subject: string, grade: number): Record<string, { mastered: number; total: number }> {
  const skills = ctx.store.skills({ subject, grade }).map((s) => s.id);
  const { mastery } = learningState(ctx, { classId });
  return Object.fromEntries(ctx.store.students(classId).map((s) => [s.id, { mastered: masteredSkills(ctx, mastery, s.id, skills).length, total: skills.length }]));
}
