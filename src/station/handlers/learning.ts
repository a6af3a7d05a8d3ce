import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { formatCsv } from '../../domain/import/csv';
import { textIn, Tier, type Item } from '../../domain/item';
import { classAnalytics } from '../../domain/learning/analytics';
import { selectNextDay, type TeacherOverrides } from '../../domain/learning/nextDay';
import { ok } from '../../domain/result';
import { capForGrade } from '../../domain/workload';
import { layoutWorkbook, type LaidOutPage } from '../../layout/layoutWorkbook';
import { answerText } from '../../print/answerKey';
import { renderPdf } from '../../print/pdf';
import { layoutClassReport } from '../../print/report';
import type { StationContext } from '../context';
import { readinessOf } from '../../domain/learning/gateCheck';
import { skillGraph } from '../../domain/learning/fringe';
import { clearLessonPlan, lessonPlanOf, saveLessonPlan } from '../../store/lessonPlans';
import { checkGate } from '../learning/gate';
import { DEFAULT_DAYS_PER_SKILL, lessonOn } from '../learning/lessonPlan';
import { withLessonReasons } from '../learning/lessonReasons';
import { gradedResponses } from '../learning/responses';
import { learningState } from '../learning/state';
import { print } from './print';
import { defineHandler, fail } from './types';
import { approve, approvedLedger } from './workbooks';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

function writeOut(path: string, data: Uint8Array | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

/** Class item analysis within seconds of the last page: JSON, and optionally a printable PDF with charts, CSV and XLSX. */
export const report = defineHandler(
  z.object({ classId: z.string(), date: IsoDate.optional(), pdf: z.string().optional(), csv: z.string().optional(), xlsx: z.string().optional() }),
  async (ctx, input) => {
    const cls = ctx.store.schoolClass(input.classId);
    if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
    const { responses, items } = gradedResponses(ctx, { classId: input.classId, ...(input.date ? { date: input.date } : {}) });
    if (responses.length === 0) return fail('no_results', `no graded results for ${input.classId}${input.date ? ` on ${input.date}` : ''} yet. Fix: scan the stack first (paperloop ingest / scan).`);
    const { mastery } = learningState(ctx, { classId: input.classId });
    const students = ctx.store.students(input.classId);
    const a = classAnalytics({ responses, items, students: students.map((s) => s.id), mastery, settings: ctx.settings.learning });
    const names = new Map(students.map((s) => [s.id, s.displayName]));
    const skills = new Map(ctx.store.skills().map((s) => [s.id, s.name]));
    const lang = ctx.settings.defaultLanguage;
    const skillName = (id: string) => textIn((skills.get(id) ?? { en: id }) as Record<string, string>, lang);
    const itemById = new Map(items.map((i) => [i.id, i]));
    const itemLabel = (id: string) => `${id} ${textIn(itemById.get(id)?.stem ?? { en: '' }, lang)}`;
    const files: Record<string, string> = {};
    if (input.pdf) {
      const style = ctx.pageStyle();
      if (!style.ok) return fail('unknown_style', style.error);
      const pages = layoutClassReport(a, { className: cls.name, date: input.date ?? 'all dates', studentName: (id) => names.get(id) ?? id, skillName, itemLabel }, style.value);
      writeOut(input.pdf, await renderPdf(pages, ctx.font(), `PaperLoop report ${cls.name}`));
      files.pdf = input.pdf;
    }
    const itemRows = a.items.map((i) => [i.itemId, i.n, i.correctRate.toFixed(3), i.meanScore.toFixed(3), i.blanks, i.discrimination?.toFixed(3) ?? '', i.pointBiserial?.toFixed(3) ?? '', i.misconception?.answer ?? '', JSON.stringify(i.optionCounts)]);
    const itemHeader = ['item', 'answered', 'correct_rate', 'mean_score', 'blanks', 'discrimination', 'point_biserial', 'common_wrong_answer', 'option_counts'];
    if (input.csv) {
      writeOut(input.csv, formatCsv([itemHeader, ...itemRows].map((r) => r.map(String))));
      files.csv = input.csv;
    }
    if (input.xlsx) {
      // exceljs is large; it loads only when a spreadsheet is asked for.
      const { default: ExcelJS } = await import('exceljs');
      const book = new ExcelJS.Workbook();
      book.creator = 'PaperLoop';
      book.addWorksheet('Items').addRows([itemHeader, ...itemRows]);
      book.addWorksheet('Students').addRows([['student', 'name', 'answered', 'correct_rate', 'mean_score'], ...a.students.map((s) => [s.studentId, names.get(s.studentId) ?? '', s.answered, s.correctRate, s.meanScore])]);
      book.addWorksheet('Mastery').addRows([['student', ...a.heatmap.skills.map(skillName)], ...a.heatmap.students.map((s, i) => [names.get(s) ?? s, ...(a.heatmap.p[i] ?? []).map((p) => (p === null ? '' : Math.round(p * 100) / 100))])]);
      book.addWorksheet('Needs help').addRows([['student', 'reasons'], ...a.needingHelp.map((h) => [names.get(h.studentId) ?? h.studentId, JSON.stringify(h.reasons)])]);
      mkdirSync(dirname(input.xlsx), { recursive: true });
      await book.xlsx.writeFile(input.xlsx);
      files.xlsx = input.xlsx;
    }
    return ok({ classId: input.classId, date: input.date ?? null, responses: responses.length, ...a, files });
  },
);

function overridesOf(ctx: StationContext, classId: string): TeacherOverrides {
  const rows = ctx.store.selectionOverrides(classId);
  const pick = (kind: 'pin' | 'exclude') => rows.filter((r) => r.kind === kind).map((r) => ({ itemId: r.value, ...(r.studentId ? { studentId: r.studentId } : {}) }));
  return { pins: pick('pin'), excludes: pick('exclude'), tiers: Object.fromEntries(rows.filter((r) => r.kind === 'tier' && r.studentId).map((r) => [r.studentId!, r.value as z.infer<typeof Tier>])) };
}

/** A teacher's say over tomorrow's selection: pin or exclude an item, or set a student's tier. Kept with who and when. */
export const override = defineHandler(
  z.object({ classId: z.string(), studentId: z.string().optional(), pin: z.string().optional(), exclude: z.string().optional(), tier: Tier.optional(), clear: z.boolean().default(false) }),
  async (ctx, input) => {
    if (!ctx.store.schoolClass(input.classId)) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
    const at = ctx.clock().toISOString();
    const student = input.studentId ?? null;
    const cleared = input.clear ? ctx.store.clearSelectionOverrides(input.classId, student) : 0;
    for (const [kind, value] of input.clear ? [] : ([['pin', input.pin], ['exclude', input.exclude], ['tier', input.tier]] as const)) {
      if (!value) continue;
      if (kind !== 'tier' && !ctx.store.item(value)) return fail('unknown_item', `item ${value} is not in the bank.`);
      if (kind === 'tier' && !student) return fail('bad_input', 'a tier is set per student: add --student.');
      ctx.store.addSelectionOverride({ classId: input.classId, studentId: student, kind, value, teacher: ctx.actor, at });
    }
    return ok({ cleared, overrides: ctx.store.selectionOverrides(input.classId) });
  },
);

/**
 * Tomorrow's personal workbooks from the results so far: the class's lesson of the day (from its lesson
 * plan) for every student who has not mastered it — held back until its prerequisites are mastered
 * only where the class's answers show the prerequisite gate holds — then due reviews, then fringe
 * skills at the right tier, within the cap. Where they show it does not hold, the class sheet minus what
 * each student has mastered instead (`selection.whenGateDoesNotHold`).
 */
export const next = defineHandler(
  z.object({ classId: z.string(), date: IsoDate, subject: z.string().default('math'), unitSkills: z.array(z.string()).default([]), out: z.string().optional(), seed: z.string().default('next') }),
  async (ctx, input) => {
    const cls = ctx.store.schoolClass(input.classId);
    if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
    if (capForGrade(cls.grade, ctx.settings.caps) === 0)
      return fail('no_written_homework', `grade ${cls.grade} gets no written homework (cap 0 min); print an in-class sheet instead.`);
    const students = ctx.store.students(input.classId);
    const skills = ctx.store.skills({ subject: input.subject });
    const plan = lessonPlanOf(ctx.db, input.classId, input.subject);
    const unit = input.unitSkills.length ? input.unitSkills : plan ? plan.skills : skills.filter((s) => s.grade === cls.grade).map((s) => s.id);
    const lesson = plan ? lessonOn(plan, input.date) : null;
    const state = learningState(ctx, { classId: input.classId });
    const gate = checkGate(ctx, input.classId, input.subject, unit, skills, state);
    const bank = ctx.store.currentItems({ subject: input.subject, grade: cls.grade });
    const selected = selectNextDay({
      date: input.date, subject: input.subject, grade: cls.grade, students: students.map((s) => ({ id: s.id, grade: s.grade })),
      unitSkills: unit, skills, bank, mastery: state.mastery, reviews: state.reviews,
      ledgers: students.map((s) => approvedLedger(ctx, s.id, input.date)), overrides: overridesOf(ctx, input.classId),
      seed: input.seed, settings: ctx.settings.learning, caps: ctx.settings.caps,
      ...(lesson ? { lessonSkills: lesson.skills, lessonsGated: gate.kind === 'holds' } : {}),
      ...(gate.kind === 'does_not_hold' ? { gateDoesNotHold: true } : {}),
    });
    if (!selected.ok) return fail('selection', `cannot select: ${JSON.stringify(selected.error)}`);
    const graph = skillGraph(skills);
    const plans = withLessonReasons(selected.value, gate.kind, lesson?.skills ?? [], (studentId) => {
      const of = readinessOf(state.mastery, studentId, unit, graph, ctx.settings.learning);
      return (skillId) => of(skillId).ready;
    });
    if (plans.every((p) => p.items.length === 0))
      return fail('no_written_homework', cls.grade <= 2 ? `grade ${cls.grade} gets no written homework; print an in-class sheet instead.` : `nothing fits: every student's day is already at the cap on ${input.date}.`);
    const setId = `WS-${input.date}-${input.classId}-${input.subject}-next-${ctx.store.nextSeq()}`;
    ctx.store.insertWorkbookSet({
      id: setId, classId: input.classId, subject: input.subject, date: input.date, requestJson: JSON.stringify({ kind: 'next', unit, seed: input.seed, lesson, gate }),
      workbooks: plans.filter((p) => p.items.length > 0).map((p) => ({
        id: `${setId}/${p.studentId}`, studentId: p.studentId, tier: p.tier, minutes: p.totalMinutes,
        itemsJson: JSON.stringify(p.items.map((i) => ({ itemId: i.itemId, itemVersion: i.itemVersion ?? ctx.store.item(i.itemId)?.version ?? 1, minutes: i.minutes, reason: { key: i.reasonKey, text: i.reason } }))),
      })),
    });
    const approved = await approve.run(ctx, { setId });
    if (!approved.ok) return approved;
    const flowers = Object.fromEntries(plans.filter((p) => p.flowers).map((p) => [p.studentId, p.flowers!]));
    const printed = input.out ? await print.run(ctx, { setId, out: input.out, flowers }) : null;
    if (printed && !printed.ok) return printed;
    const reasons: Record<string, number> = {};
    for (const p of plans) for (const i of p.items) reasons[i.reasonKey] = (reasons[i.reasonKey] ?? 0) + 1;
    return ok({
      setId, students: plans.length, minutes: { min: Math.min(...plans.map((p) => p.totalMinutes)), max: Math.max(...plans.map((p) => p.totalMinutes)) },
      reasons, lesson, gate, pdf: printed?.value.pdf ?? null, plans,
    });
  },
);

/**
 * A class's lesson plan for a subject: the unit's skills in teaching order, the school day it starts
 * and the school days per skill. With no change asked for, shows the plan, the lesson of `date` and
 * the prerequisite gate check's verdict.
 */
export const lessonPlan = defineHandler(
  z.object({
    classId: z.string(), subject: z.string().default('math'), skills: z.array(z.string()).min(1).optional(), startDate: IsoDate.optional(),
    daysPerSkill: z.number().min(0.2).max(60).optional(), clear: z.boolean().default(false), date: IsoDate.optional(),
  }),
  async (ctx, input) => {
    const cls = ctx.store.schoolClass(input.classId);
    if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
    const known = ctx.store.skills({ subject: input.subject });
    const graph = skillGraph(known);
    const current = lessonPlanOf(ctx.db, input.classId, input.subject);
    if (input.clear) clearLessonPlan(ctx.db, input.classId, input.subject);
    else if (input.skills || input.startDate || input.daysPerSkill !== undefined) {
      const unknown = (input.skills ?? []).filter((id) => !graph.byId.has(id));
      if (unknown.length) return fail('unknown_skill', `no ${input.subject} skill ${unknown.join(', ')} on this station. Fix: paperloop list skills --subject ${input.subject}.`);
      const startDate = input.startDate ?? current?.startDate;
      if (!startDate) return fail('bad_input', `class ${input.classId} has no lesson plan yet. Fix: give the school day the unit starts (--start YYYY-MM-DD).`);
      saveLessonPlan(ctx.db, {
        classId: input.classId, subject: input.subject, startDate,
        skills: input.skills ?? current?.skills ?? graph.order.filter((id) => graph.byId.get(id)?.grade === cls.grade),
        daysPerSkill: input.daysPerSkill ?? current?.daysPerSkill ?? DEFAULT_DAYS_PER_SKILL, teacher: ctx.actor, at: ctx.clock().toISOString(),
      });
    }
    const plan = lessonPlanOf(ctx.db, input.classId, input.subject);
    const date = input.date ?? ctx.clock().toISOString().slice(0, 10);
    const gate = checkGate(ctx, input.classId, input.subject, plan?.skills ?? known.filter((s) => s.grade === cls.grade).map((s) => s.id), known);
    return ok({ plan, date, lesson: plan ? lessonOn(plan, date) : null, gate });
  },
);

type WrongEntry = { itemId: string; itemVersion: number; date: string; answer: string | null; skills: string[]; correctedLater: boolean };

/** Every wrong answer of a student, by knowledge point, and whether a later answer to the same item was right. */
export function wrongAnswers(ctx: StationContext, studentId: string): WrongEntry[] {
  const { responses } = gradedResponses(ctx, { studentId });
  const out: WrongEntry[] = [];
  for (const r of responses) {
    if (r.correct) continue;
    const later = responses.some((x) => x.itemId === r.itemId && x.seq > r.seq && x.correct);
    out.push({ itemId: r.itemId, itemVersion: r.itemVersion, date: r.date, answer: r.answer, skills: r.skills, correctedLater: later });
  }
  return out;
}

/** Wrong-question books (错题本): per student, by knowledge point, with the answer given, the right one, a hint and space to redo; scannable. */
export const wrongBook = defineHandler(
  z.object({ classId: z.string(), studentId: z.string().optional(), outDir: z.string().optional(), includeCorrected: z.boolean().default(false) }),
  async (ctx, input) => {
    const cls = ctx.store.schoolClass(input.classId);
    if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
    const students = ctx.store.students(input.classId).filter((s) => !input.studentId || s.id === input.studentId);
    const skillNames = new Map(ctx.store.skills().map((s) => [s.id, s.name]));
    const books = [];
    const files: string[] = [];
    const styled = ctx.pageStyle();
    if (!styled.ok) return fail('unknown_style', styled.error);
    const style = styled.value;
    const font = ctx.font();
    for (const student of students) {
      const wrong = wrongAnswers(ctx, student.id);
      const open = wrong.filter((w) => input.includeCorrected || !w.correctedLater);
      // The latest wrong answer per item, grouped by its first knowledge point.
      const latest = new Map<string, WrongEntry>();
      for (const w of open) latest.set(w.itemId, w);
      const entries = [...latest.values()].sort((a, b) => (a.skills[0] ?? '').localeCompare(b.skills[0] ?? '') || a.date.localeCompare(b.date));
      books.push({ studentId: student.id, cumulativeWrong: wrong.length, open: entries.length, bySkill: groupBy(entries, (e) => e.skills[0] ?? '') });
      if (!input.outDir || entries.length === 0) continue;
      const lang = student.language;
      const items = entries.map((e) => ({ e, item: ctx.store.item(e.itemId, e.itemVersion) })).filter((x): x is { e: WrongEntry; item: Item } => x.item !== null);
      const jobId = `WB-${ctx.store.nextSeq()}`;
      const pages: LaidOutPage[] = ctx.store.transaction(() => {
        const laid = layoutWorkbook(
          {
            jobId, workbookId: `WRONG/${student.id}/${jobId}`, classId: cls.id, className: cls.name, studentId: student.id, studentName: student.displayName,
            grade: student.grade, language: lang, largePrint: student.largePrint, date: ctx.clock().toISOString().slice(0, 10), subject: 'math', tier: 'core',
            minutes: items.reduce((s, x) => s + x.item.minutes, 0), kind: 'wrong_book',
            items: items.map(({ e, item }) => ({
              item,
              section: textIn(skillNames.get(e.skills[0] ?? '') ?? { en: e.skills[0] ?? '' }, lang),
              reason: lang === 'zh' ? `错题：${e.date.slice(5)}` : `wrong on ${e.date.slice(5)}`,
              note: [
                lang === 'zh' ? `你的答案：${e.answer ?? '（空）'}　正确答案：${answerText(item, lang)}` : `Your answer: ${e.answer ?? '(blank)'} · Correct: ${answerText(item, lang)}`,
                ...(item.hint ? [`${lang === 'zh' ? '提示' : 'Hint'}: ${textIn(item.hint, lang)}`] : []),
              ],
            })),
          },
          style, font.measure, () => ctx.store.allocatePageIds(1)[0]!,
        );
        ctx.store.insertPrintJob({ id: jobId, setId: null, kind: 'wrong_book', optionsJson: JSON.stringify({ studentId: student.id }), pages: laid.map((p) => p.printed) });
        return laid;
      });
      // A student id may hold any character ("/", ".."): the file name keeps only safe ones, so it stays in outDir.
      const file = join(input.outDir, `wrong-book-${student.id.replace(/[^\p{L}\p{N}_-]/gu, '_')}.pdf`);
      writeOut(file, await renderPdf(pages, font, `错题本 ${student.displayName}`));
      files.push(file);
    }
    return ok({ classId: input.classId, books, files });
  },
);

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const x of xs) (out[key(x)] ??= []).push(x);
  return out;
}
