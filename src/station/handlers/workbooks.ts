import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { checkReplacement, composeClassSet, type ComposedWorkbook, type TierChoice } from '../../domain/compose';
import { Tier, type Item } from '../../domain/item';
import { ok } from '../../domain/result';
import { capForGrade, checkCap, describeRefusal, type DayLedger } from '../../domain/workload';
import type { StationContext } from '../context';
import { masteryOf } from '../../domain/learning/mastery';
import { tierForP } from '../../domain/learning/nextDay';
import { learningState } from '../learning/state';
import { describeSelfTestFailures, selfTestSet } from '../layoutSelfTest';
import { defineHandler, fail } from './types';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-11-25');

export const ComposeInput = z.object({
  classId: z.string().min(1),
  subject: z.string().min(1),
  date: IsoDate,
  /** Skill ids; empty means every skill of the class's grade and subject. */
  skills: z.array(z.string()).default([]),
  minutes: z.number().positive().max(240),
  tier: z.union([Tier, z.literal('auto')]).default('core'),
  tiersByStudent: z.record(z.string(), Tier).default({}),
  seed: z.string().default('paperloop'),
  replaces: z.string().optional(),
});

export function approvedLedger(ctx: StationContext, studentId: string, date: string, excludeSetId?: string): DayLedger {
  const entries = ctx.store.approvedMinutes(studentId, date).filter((e) => e.workbookSetId !== excludeSetId);
  return { date, studentId, entries };
}

export function skillNames(ctx: StationContext): Map<string, Record<string, string>> {
  return new Map(ctx.store.skills().map((s) => [s.id, s.name]));
}

/** "auto" tiers: each student's tier follows from their mean mastery over the skills being practised (docs/mastery.md). */
function tiersFromMastery(ctx: StationContext, classId: string, skills: readonly string[], studentIds: readonly string[]): Record<string, z.infer<typeof Tier>> {
  const { mastery } = learningState(ctx, { classId });
  const settings = ctx.settings.learning;
  return Object.fromEntries(
    studentIds.map((id) => {
      const ps = skills.map((s) => masteryOf(mastery, id, s, settings).p);
      const mean = ps.length ? ps.reduce((a, b) => a + b, 0) / ps.length : 0.5;
      return [id, tierForP(mean, settings)];
    }),
  );
}

export const compose = defineHandler(ComposeInput, async (ctx, input) => {
  const cls = ctx.store.schoolClass(input.classId);
  if (!cls) return fail('unknown_class', `class "${input.classId}" is not on this station. Fix: import the roster, or check "paperloop list classes".`);
  const students = ctx.store.students(input.classId);
  if (students.length === 0) return fail('empty_class', `class "${input.classId}" has no students. Fix: import its roster.`);
  const bank = ctx.store.currentItems({ subject: input.subject, grade: cls.grade });
  const skills = input.skills.length ? input.skills : ctx.store.skills({ subject: input.subject, grade: cls.grade }).map((s) => s.id);
  const known = new Set(ctx.store.skills().map((s) => s.id));
  const unknown = skills.filter((s) => !known.has(s));
  if (unknown.length) return fail('unknown_skill', `unknown skill(s): ${unknown.join(', ')}. Fix: see "paperloop list skills".`);
  if (input.replaces) {
    const old = ctx.store.workbookSet(input.replaces);
    if (!old || old.status !== 'approved') return fail('not_replaceable', `set ${input.replaces} is not an approved set, so there is nothing to replace.`);
  }
  const tiers: TierChoice =
    input.tier === 'auto'
      ? { mode: 'per_student', tiers: { ...tiersFromMastery(ctx, input.classId, skills, students.map((s) => s.id)), ...input.tiersByStudent }, fallback: 'core' }
      : { mode: 'per_student', tiers: input.tiersByStudent, fallback: input.tier };
  const ledgers = new Map(students.map((s) => [s.id, approvedLedger(ctx, s.id, input.date, input.replaces)]));
  const request = { classId: input.classId, subject: input.subject, date: input.date, skills, minutes: input.minutes, tiers, seed: input.seed };
  const composed = composeClassSet(request, students, bank, ledgers, ctx.settings.caps, skillNames(ctx));
  if (!composed.ok) {
    const e = composed.error;
    if (e.kind === 'no_items')
      return fail('no_items', `no ${input.subject} items for skills ${e.skills.join(', ')} in grade ${cls.grade}. Fix: import items for those skills.`);
    const details = e.refusals.map(describeRefusal);
    return fail('over_cap', `refused: ${e.refusals.length} student(s) would go over the daily homework cap on ${input.date}.`, details);
  }
  const setId = `WS-${input.date}-${input.classId}-${input.subject}-${randomUUID().slice(0, 6)}`;
  ctx.store.insertWorkbookSet({
    id: setId,
    classId: input.classId,
    subject: input.subject,
    date: input.date,
    requestJson: JSON.stringify(request),
    replaces: input.replaces ?? null,
    workbooks: composed.value.map((w) => ({ id: `${setId}/${w.studentId}`, studentId: w.studentId, tier: w.tier, minutes: w.minutes, itemsJson: JSON.stringify(w.entries) })),
  });
  return ok({ setId, students: composed.value.length, minutes: summarizeMinutes(composed.value), status: 'draft' as const });
});

function summarizeMinutes(w: readonly ComposedWorkbook[]) {
  const m = w.map((x) => x.minutes);
  return { min: Math.min(...m), max: Math.max(...m) };
}

export function workbooksOf(ctx: StationContext, setId: string): ComposedWorkbook[] {
  return ctx.store.workbooks(setId).map((w) => ({ studentId: w.studentId, tier: w.tier as z.infer<typeof Tier>, minutes: w.minutes, entries: JSON.parse(w.itemsJson) }));
}

export const approve = defineHandler(z.object({ setId: z.string() }), async (ctx, { setId }) => {
  const set = ctx.store.workbookSet(setId);
  if (!set) return fail('unknown_set', `workbook set "${setId}" not found. Fix: see "paperloop publish --class C --date D".`);
  if (set.status !== 'draft') return fail('locked', `set ${setId} is ${set.status}; approved sets are locked. Fix: compose a replacement with --replace ${setId}.`);
  const cls = ctx.store.schoolClass(set.classId)!;
  const workbooks = workbooksOf(ctx, setId);
  const refusals = workbooks.flatMap((w) => {
    const r = checkCap(approvedLedger(ctx, w.studentId, set.date, set.replaces ?? undefined), cls.grade, set.subject, w.minutes, ctx.settings.caps);
    return r.ok ? [] : [describeRefusal(r.error)];
  });
  if (refusals.length) return fail('over_cap', `cannot approve: ${refusals.length} student(s) would go over the cap on ${set.date}.`, refusals);
  if (set.replaces) {
    const difficulty = (id: string) => ctx.store.item(id)?.difficulty ?? 0;
    const violations = checkReplacement(workbooksOf(ctx, set.replaces), workbooks, difficulty);
    if (violations.length)
      return fail('replacement_not_allowed', `a replacement may swap content but not add minutes or raise difficulty: ${violations.length} problem(s).`, violations.map((v) => `${v.studentId}: ${v.kind} (${v.detail})`));
  }
  const selfTest = await selfTestSet(ctx, { set, workbooks, items: itemsOfSet(ctx, setId) });
  if (!selfTest.ok) {
    if (typeof selfTest.error === 'string') return fail('unknown_style', selfTest.error);
    const lines = describeSelfTestFailures(selfTest.error.failed);
    return fail(
      'self_test_failed',
      `cannot approve: ${lines.length} page layout(s) of this set did not read back exactly in the self-test; first ${lines[0]}. Fix: do not print this set; compose it again with another page style or without the item named, and report the layout version.`,
      lines,
      { layouts: lines.length },
    );
  }
  ctx.store.transaction(() => {
    if (set.replaces) ctx.store.setWorkbookSetStatus(set.replaces, 'replaced');
    ctx.store.setWorkbookSetStatus(setId, 'approved');
    ctx.store.audit(ctx.actor, 'approve_set', { setId, replaces: set.replaces }, ctx.clock().toISOString());
  });
  return ok({ setId, status: 'approved' as const, selfTest: selfTest.value });
});

export const publish = defineHandler(z.object({ classId: z.string(), date: IsoDate }), async (ctx, { classId, date }) => {
  const cls = ctx.store.schoolClass(classId);
  if (!cls) return fail('unknown_class', `class "${classId}" is not on this station.`);
  const sets = ctx.store.workbookSetsOn(classId, date).filter((s) => s.status === 'approved');
  const rows = sets.map((s) => {
    const w = workbooksOf(ctx, s.id);
    const tiers: Record<string, number> = {};
    for (const x of w) tiers[x.tier] = (tiers[x.tier] ?? 0) + 1;
    return { setId: s.id, subject: s.subject, minutesMin: Math.min(...w.map((x) => x.minutes)), minutesMax: Math.max(...w.map((x) => x.minutes)), tiers };
  });
  const students = ctx.store.students(classId);
  const totals = students.map((s) => approvedLedger(ctx, s.id, date).entries.reduce((a, e) => a + e.minutes, 0));
  return ok({ classId, className: cls.name, date, capMinutes: capForGrade(cls.grade, ctx.settings.caps), maxStudentMinutes: totals.length ? Math.max(...totals) : 0, subjects: rows });
});

export function itemsOfSet(ctx: StationContext, setId: string): Map<string, Item> {
  const out = new Map<string, Item>();
  for (const w of workbooksOf(ctx, setId))
    for (const e of w.entries) {
      const key = `${e.itemId}@${e.itemVersion}`;
      if (!out.has(key)) {
        const item = ctx.store.item(e.itemId, e.itemVersion);
        if (item) out.set(key, item);
      }
    }
  return out;
}
