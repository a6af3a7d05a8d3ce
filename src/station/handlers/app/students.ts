import { basename, join } from 'node:path';
import { z } from 'zod';
import { textIn, type Item } from '../../../domain/item';
import { masteryOf } from '../../../domain/learning/mastery';
import { ok, type Result } from '../../../domain/result';
import type { SchoolClass, Student } from '../../../domain/roster';
import { answerText } from '../../../print/answerKey';
import type { StationContext } from '../../context';
import { learningState } from '../../learning/state';
import { wrongBook } from '../learning';
import { defineHandler, fail, type HandlerError } from '../types';

/** The language the teacher reads the app in; item texts and skill names come back in it. */
const Language = z.enum(['en', 'zh']);
type Language = z.infer<typeof Language>;
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-26');

/** Where the app's wrong-question book PDFs go, inside the data folder's out/ (served by GET /wrong-book/<file>). */
export const WRONG_BOOK_DIR = 'wrong-books-app';
export const WRONG_BOOK_FILE = /^wrong-book-[\p{L}\p{N}_-]+\.pdf$/u;

type SkillRow = { skillId: string; name: string; p: number; n: number; mastered: boolean };

const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

function skillNamer(ctx: StationContext, lang: Language): (id: string) => string {
  const names = new Map(ctx.store.skills().map((s) => [s.id, s.name]));
  return (id) => {
    const name = names.get(id);
    return name ? textIn(name, lang) : id;
  };
}

function itemLabel(item: Item | null, lang: Language): string {
  return item ? textIn(item.stem, lang) : '';
}

/** Mastery of one student over the class grade's skills and any other skill with evidence, by skill id. */
function masteryRows(ctx: StationContext, state: ReturnType<typeof learningState>, studentId: string, grade: number, lang: Language): SkillRow[] {
  const settings = ctx.settings.learning;
  const name = skillNamer(ctx, lang);
  const withEvidence = new Set(state.responses.filter((r) => r.studentId === studentId).flatMap((r) => r.skills));
  const ids = new Set([...ctx.store.skills({ grade }).map((s) => s.id), ...withEvidence]);
  return [...ids].sort().map((skillId) => {
    const m = masteryOf(state.mastery, studentId, skillId, settings);
    return { skillId, name: name(skillId), p: m.p, n: m.n, mastered: m.mastered };
  });
}

/** Every class with its students and a one-line state each: mastered skills and open wrong questions. */
export const studentsOverview = defineHandler(z.object({}), async (ctx) => {
  const classes = [];
  for (const cls of ctx.store.classes()) {
    const state = learningState(ctx, { classId: cls.id });
    const books = await wrongBook.run(ctx, { classId: cls.id, includeCorrected: false });
    if (!books.ok) return books;
    const openOf = new Map(books.value.books.map((b) => [b.studentId, b.open]));
    const gradeSkills = ctx.store.skills({ grade: cls.grade }).map((s) => s.id);
    const students = ctx.store.students(cls.id).map((s) => {
      const graded = state.responses.filter((r) => r.studentId === s.id).length;
      const mastery = gradeSkills.map((id) => masteryOf(state.mastery, s.id, id, ctx.settings.learning));
      const meanP = mastery.length ? mastery.reduce((sum, m) => sum + m.p, 0) / mastery.length : null;
      return { id: s.id, displayName: s.displayName, graded, mastered: mastery.filter((m) => m.mastered).length, skills: gradeSkills.length, meanP, openWrong: openOf.get(s.id) ?? 0 };
    });
    classes.push({ id: cls.id, name: cls.name, grade: cls.grade, students });
  }
  return ok({ classes });
});

/** The student and the class the page is about (the student's first class unless one is named). */
function studentInClass(ctx: StationContext, studentId: string, classId?: string): Result<{ student: Student & { classIds: string[] }; cls: SchoolClass }, HandlerError> {
  const student = ctx.store.students().find((s) => s.id === studentId);
  if (!student) return fail('unknown_student', `student "${studentId}" is not on this station. Fix: pick a student from the Students list, or import the roster.`);
  const id = classId ?? student.classIds[0];
  const cls = id !== undefined && student.classIds.includes(id) ? ctx.store.schoolClass(id) : null;
  if (!cls) return fail('unknown_class', `student "${studentId}" is in no class${classId ? ` named "${classId}"` : ''} on this station. Fix: import the roster with the student's class.`);
  return ok({ student, cls });
}

const StudentInput = z.object({ studentId: z.string().min(1), classId: z.string().optional(), language: Language.default('en') });

/** One student's page: mastery per skill, the wrong-question book by knowledge point, and the teacher's overrides with who and when. */
export const studentDetail = defineHandler(StudentInput, async (ctx, input) => {
  const found = studentInClass(ctx, input.studentId, input.classId);
  if (!found.ok) return found;
  const { student, cls } = found.value;
  const lang = input.language;
  const state = learningState(ctx, { classId: cls.id });
  const graded = state.responses.filter((r) => r.studentId === student.id);
  const books = await wrongBook.run(ctx, { classId: cls.id, studentId: student.id, includeCorrected: false });
  if (!books.ok) return books;
  const book = books.value.books[0];
  const skillName = skillNamer(ctx, lang);
  const wrongBySkill = Object.entries(book?.bySkill ?? {}).map(([skillId, entries]) => ({
    skillId,
    name: skillName(skillId),
    entries: entries.map((e) => {
      const item = ctx.store.item(e.itemId, e.itemVersion);
      return { itemId: e.itemId, date: e.date, answer: e.answer, correctAnswer: item ? answerText(item, lang) : '', stem: itemLabel(item, lang) };
    }),
  }));
  const bank = ctx.store.currentItems({ grade: cls.grade });
  const overrides = ctx.store
    .selectionOverrides(cls.id)
    .filter((o) => o.studentId === null || o.studentId === student.id)
    .map((o) => ({ ...o, forWholeClass: o.studentId === null, label: o.kind === 'tier' ? o.value : `${o.value} ${itemLabel(ctx.store.item(o.value), lang)}` }));
  return ok({
    student: { id: student.id, displayName: student.displayName },
    class: { id: cls.id, name: cls.name, grade: cls.grade },
    /** Every class the student is in: the page is about one of them (their overrides and workbooks are per class). */
    classes: student.classIds.map((id) => ({ id, name: ctx.store.schoolClass(id)?.name ?? id })),
    graded: graded.length,
    lastGradedOn: graded.reduce<string | null>((last, r) => (last === null || r.date > last ? r.date : last), null),
    mastery: masteryRows(ctx, state, student.id, cls.grade, lang),
    wrongBook: { open: book?.open ?? 0, cumulativeWrong: book?.cumulativeWrong ?? 0, bySkill: wrongBySkill },
    overrides,
    items: bank.map((i) => ({ id: i.id, label: `${i.id} ${itemLabel(i, lang)}` })),
  });
});

/**
 * The student's workbook items for a day, with the reason each was chosen. Without a date: the day after the
 * student's last graded work (what `next` composes from it), or tomorrow by the station's clock before any scan.
 */
export const studentNextItems = defineHandler(StudentInput.extend({ date: IsoDate.optional() }), async (ctx, input) => {
  const found = studentInClass(ctx, input.studentId, input.classId);
  if (!found.ok) return found;
  const { student } = found.value;
  const lastGraded = ctx.store.scans.responses({ studentId: student.id }).reduce<string | null>((last, r) => (last === null || r.date > last ? r.date : last), null);
  const date = input.date ?? dayAfter(lastGraded ?? ctx.clock().toISOString().slice(0, 10));
  const workbooks = ctx.store.approvedMinutes(student.id, date).flatMap(({ workbookSetId, subject }) => {
    const w = ctx.store.workbook(`${workbookSetId}/${student.id}`);
    if (!w) return [];
    const entries = JSON.parse(w.itemsJson) as { itemId: string; itemVersion: number; minutes: number; reason?: { key: string; text: Record<string, string> } }[];
    return [{
      setId: workbookSetId, subject, tier: w.tier, minutes: w.minutes,
      items: entries.map((e) => ({
        itemId: e.itemId, minutes: e.minutes, stem: itemLabel(ctx.store.item(e.itemId, e.itemVersion), input.language),
        reasonKey: e.reason?.key ?? '', reason: e.reason ? textIn(e.reason.text, input.language) : '',
      })),
    }];
  });
  return ok({ date, workbooks });
});

/** Prints the student's wrong-question book to a PDF under <data>/out/ and says where the app downloads it. */
export const studentWrongBookPdf = defineHandler(StudentInput.omit({ language: true }), async (ctx, input) => {
  const found = studentInClass(ctx, input.studentId, input.classId);
  if (!found.ok) return found;
  const made = await wrongBook.run(ctx, { classId: found.value.cls.id, studentId: found.value.student.id, outDir: join(ctx.dataDir, 'out', WRONG_BOOK_DIR), includeCorrected: false });
  if (!made.ok) return made;
  const file = made.value.files[0];
  if (!file) return fail('nothing_wrong', `${found.value.student.displayName} has no open wrong questions, so there is no book to print.`);
  return ok({ file: basename(file), href: `/wrong-book/${encodeURIComponent(basename(file))}` });
});

/** Handlers the teacher's app needs for its students screen (registered in ../index.ts). */
export const studentsHandlers = { studentsOverview, studentDetail, studentNextItems, studentWrongBookPdf } as const;
