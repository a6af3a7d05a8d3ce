import { z } from 'zod';
import { stackIntegrity } from '../../../domain/integrity';
import type { LocalizedText } from '../../../domain/item';
import type { HelpReason } from '../../../domain/learning/analytics';
import { ok } from '../../../domain/result';
import { capForGrade } from '../../../domain/workload';
import { imagesForJob } from '../../../store';
import type { StationContext } from '../../context';
import { report } from '../learning';
import { defineHandler } from '../types';

/** One teacher decision on a station read: what the station read, and the answer the teacher kept. */
export type Decision = { read: string | null; decided: string | null };
/** share: kept / reviewed, or null before the teacher has decided anything. */
export type Agreement = { reviewed: number; kept: number; share: number | null };

/** Machine-vs-teacher agreement: the share of decided reads where the teacher kept the station's answer (a changed score alone keeps it). */
export function agreementOf(decisions: readonly Decision[]): Agreement {
  const kept = decisions.filter((d) => d.read === d.decided).length;
  return { reviewed: decisions.length, kept, share: decisions.length ? kept / decisions.length : null };
}

/** Every read a teacher decided on (its latest override against the original read), for a class and a date or the whole station. */
export function teacherDecisions(ctx: Pick<StationContext, 'db'>, filter: { classId?: string; date?: string } = {}): Decision[] {
  return ctx.db
    .prepare(
      `SELECT r.answer AS read, (SELECT o.answer FROM overrides o WHERE o.response_id = r.id ORDER BY o.seq DESC LIMIT 1) AS decided
       FROM responses r
       WHERE r.superseded = 0 AND EXISTS (SELECT 1 FROM overrides o WHERE o.response_id = r.id)
         AND (@classId IS NULL OR r.student_id IN (SELECT student_id FROM enrollments WHERE class_id = @classId))
         AND (@date IS NULL OR r.date = @date)`,
    )
    .all({ classId: filter.classId ?? null, date: filter.date ?? null }) as Decision[];
}

/** The dates with workbook sets (newest first), and the one Home opens on: the latest whose pages came back, else the latest set. */
export function homeDates(ctx: Pick<StationContext, 'db' | 'clock'>): { dates: string[]; latestReturned: string | null } {
  const dates = (ctx.db.prepare(`SELECT DISTINCT date FROM workbook_sets WHERE status != 'replaced' ORDER BY date DESC`).all() as { date: string }[]).map((r) => r.date);
  const returned = ctx.db.prepare('SELECT MAX(date) AS date FROM responses WHERE superseded = 0').get() as { date: string | null };
  return { dates, latestReturned: returned.date };
}

type SubjectMinutes = { subject: string; min: number; max: number };
export type ClassDay = {
  classId: string;
  name: string;
  grade: number;
  students: number;
  sets: { setId: string; subject: string; status: string; printed: boolean }[];
  /** Workbook pages (blank backs apart) printed for the day, and how many came back scanned. */
  pages: { printed: number; scanned: number; studentsMissingPages: number; blankBacksPrinted: number; blankBacksScanned: number };
  reviews: number;
  needingHelp: { studentId: string; name: string; reasons: HelpReason[] }[];
  minutes: { capMinutes: number; subjects: SubjectMinutes[]; busiestDay: number; studentsOverCap: number };
  agreement: Agreement;
};

function classDay(ctx: StationContext, cls: { id: string; name: string; grade: number }, date: string, openReviewPages: Map<string, number>): Omit<ClassDay, 'needingHelp'> {
  const students = ctx.store.students(cls.id);
  const sets = ctx.store.workbookSetsOn(cls.id, date);
  const pages = { printed: 0, scanned: 0, studentsMissingPages: 0, blankBacksPrinted: 0, blankBacksScanned: 0 };
  let reviews = 0;
  const setRows = sets.map((set) => {
    const jobs = ctx.store.printJobsForSet(set.id);
    for (const job of jobs) {
      const { pages: printed, images } = imagesForJob(ctx.db, job.id);
      const stack = stackIntegrity(printed, images);
      for (const s of stack.students) {
        pages.printed += s.expected;
        pages.scanned += s.received;
        pages.blankBacksScanned += s.blankBacks;
        if (s.missingPages.length > 0 && s.received > 0) pages.studentsMissingPages++;
      }
      pages.blankBacksPrinted += printed.filter((p) => p.kind === 'blank_back').length;
      for (const p of printed) reviews += openReviewPages.get(p.pageId) ?? 0;
    }
    return { setId: set.id, subject: set.subject, status: set.status, printed: jobs.length > 0 };
  });
  const bySubject = new Map<string, number[]>();
  const totals = students.map((s) => {
    const entries = ctx.store.approvedMinutes(s.id, date);
    for (const e of entries) bySubject.set(e.subject, [...(bySubject.get(e.subject) ?? []), e.minutes]);
    return entries.reduce((sum, e) => sum + e.minutes, 0);
  });
  const capMinutes = capForGrade(cls.grade, ctx.settings.caps);
  return {
    classId: cls.id,
    name: cls.name,
    grade: cls.grade,
    students: students.length,
    sets: setRows,
    pages,
    reviews,
    minutes: {
      capMinutes,
      subjects: [...bySubject].map(([subject, m]) => ({ subject, min: Math.min(...m), max: Math.max(...m) })),
      busiestDay: totals.length ? Math.max(...totals) : 0,
      studentsOverCap: totals.filter((t) => t > capMinutes + 1e-9).length,
    },
    agreement: agreementOf(teacherDecisions(ctx, { classId: cls.id, date })),
  };
}

/** Who needs help after the day's results, as the class report says (none before anything is graded). */
async function needingHelpOn(ctx: StationContext, classId: string, date: string): Promise<ClassDay['needingHelp']> {
  const r = await report.run(ctx, { classId, date });
  if (!r.ok) return [];
  const names = new Map(ctx.store.students(classId).map((s) => [s.id, s.displayName]));
  return r.value.needingHelp.map((h) => ({ studentId: h.studentId, name: names.get(h.studentId) ?? h.studentId, reasons: [...h.reasons] }));
}

/** Home: the day per class — printed, came back, to review, who needs help, minutes against the cap — and the machine-vs-teacher agreement. */
export const homeSummary = defineHandler(z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }), async (ctx, input) => {
  const { dates, latestReturned } = homeDates(ctx);
  const date = input.date ?? latestReturned ?? dates[0] ?? ctx.clock().toISOString().slice(0, 10);
  const openReviewPages = new Map<string, number>();
  for (const r of ctx.store.scans.openReviews()) openReviewPages.set(r.pageId, (openReviewPages.get(r.pageId) ?? 0) + 1);
  const skills = new Map<string, LocalizedText>(ctx.store.skills().map((s) => [s.id, s.name]));
  const classes: ClassDay[] = [];
  for (const cls of ctx.store.classes()) {
    const day = classDay(ctx, cls, date, openReviewPages);
    classes.push({ ...day, needingHelp: day.pages.scanned > 0 ? await needingHelpOn(ctx, cls.id, date) : [] });
  }
  const usedSkills = new Set(classes.flatMap((c) => c.needingHelp.flatMap((h) => h.reasons.flatMap((r) => (r.kind === 'weak_skills' ? r.skills : [])))));
  return ok({
    date,
    dates,
    classes,
    skillNames: Object.fromEntries([...usedSkills].map((id) => [id, skills.get(id) ?? { en: id }])),
    agreement: agreementOf(teacherDecisions(ctx)),
    openReviews: [...openReviewPages.values()].reduce((a, b) => a + b, 0),
  });
});

/** Handlers the teacher's app needs for its home screen (registered in ../index.ts). */
export const homeHandlers = { homeSummary } as const;
