import { beforeAll, describe, expect, it } from 'vitest';
import { readinessOf } from '../src/domain/learning/gateCheck';
import { skillGraph } from '../src/domain/learning/fringe';
import { masteryOf } from '../src/domain/learning/mastery';
import type { Roster } from '../src/domain/roster';
import { gateObservationsOf } from '../src/store/gateObservations';
import { main } from '../src/station/cli';
import { invoke } from '../src/station/invoke';
import { learningState } from '../src/station/learning/state';
import { answerDays, gateRoster, storePage, type StoredPage } from './support/gateWorld';
import { tempStation } from './support/station';

/**
 * The station's next-day selection with the class's lesson plan and its own prerequisite gate check,
 * through the real handler map and SQLite; answers stored through the station's write path.
 */
const HOLDS = gateRoster('7G', 12);
const FREE = gateRoster('7F', 12);
const FRESH: Roster = gateRoster('7L', 4);
const ROSTER: Roster = {
  classes: [...HOLDS.classes, ...FREE.classes, ...FRESH.classes],
  students: [...HOLDS.students, ...FREE.students, ...FRESH.students],
  enrollments: [...HOLDS.enrollments, ...FREE.enrollments, ...FRESH.enrollments],
};
const ANSWERED_FROM = '2026-11-02';
/** The Monday after 20 school days of answers. */
const NEXT_DAY = '2026-11-30';
const DEEP_LESSON = 'g7.eq.fractions';

async function ok<T>(p: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('the lesson plan and the gate check at the station', () => {
  let ctx: ReturnType<typeof tempStation>;
  let freePages: StoredPage[];
  const readyFor = (classId: string, studentId: string, skillId: string) => {
    const graph = skillGraph(ctx.store.skills({ subject: 'math' }));
    const unit = graph.order.filter((id) => graph.byId.get(id)?.grade === 7);
    const { mastery } = learningState(ctx, { classId });
    const { ready } = readinessOf(mastery, studentId, unit, graph, ctx.settings.learning)(skillId);
    return { ready, mastered: masteryOf(mastery, studentId, skillId, ctx.settings.learning).mastered };
  };

  beforeAll(() => {
    ctx = tempStation(ROSTER);
    answerDays(ctx, '7G', { gateHolds: true, seed: 'a', days: 20, startDate: ANSWERED_FROM });
    freePages = answerDays(ctx, '7F', { gateHolds: false, seed: 'a', days: 20, startDate: ANSWERED_FROM });
  }, 300_000);

  it("gives every student who has not mastered the class's lesson that lesson first, while the gate is undecided", async () => {
    const plan = await ok(invoke(ctx, 'lessonPlan', { classId: '7L', startDate: '2026-11-27', date: NEXT_DAY }));
    // The grade's skills, prerequisites first; Friday the 27th is school day 0, Monday the 30th day 1.
    expect(plan.plan?.skills.slice(0, 3)).toEqual(['g7.int.numberline', 'g7.int.add', 'g7.int.mul']);
    expect(plan.lesson).toEqual({ skills: ['g7.int.add', 'g7.int.numberline'], schoolDay: 1 });
    const r = await ok(invoke(ctx, 'next', { classId: '7L', date: NEXT_DAY }));
    expect(r.gate.kind).toBe('undecided');
    for (const p of r.plans) {
      // Adding integers needs the number line, which nobody has mastered: the lesson comes first all the same.
      expect(p.items[0]).toMatchObject({ skillId: 'g7.int.add', reasonKey: 'class' });
      expect(p.items[0]!.reason.en).toContain('too few answers yet to tell');
      expect(p.items[0]!.reason.zh).toContain('作答还不够多');
    }
    const stored = ctx.store.workbookSet(r.setId);
    expect(JSON.parse(stored!.requestJson)).toMatchObject({ lesson: { skills: ['g7.int.add', 'g7.int.numberline'] }, gate: { kind: 'undecided' } });
  }, 300_000);

  it('holds lessons back until their prerequisites are mastered where the class answers show the gate holds, and not where they show it does not', async () => {
    // The unit started ten school days before: the lesson is its eleventh skill (and the tenth).
    for (const classId of ['7G', '7F']) await ok(invoke(ctx, 'lessonPlan', { classId, startDate: '2026-11-16' }));
    const gated = await ok(invoke(ctx, 'next', { classId: '7G', date: NEXT_DAY }));
    const free = await ok(invoke(ctx, 'next', { classId: '7F', date: NEXT_DAY }));
    expect(gated.lesson?.skills).toEqual([DEEP_LESSON, 'g7.frac.add']);
    expect(gated.gate).toMatchObject({ kind: 'holds' });
    expect(free.gate).toMatchObject({ kind: 'does_not_hold' });
    expect(gated.gate.gap).toBeLessThan(free.gate.gap);

    const lessonItems = (plans: typeof gated.plans, studentId: string) => plans.find((p) => p.studentId === studentId)!.items.filter((i) => i.skillId === DEEP_LESSON);
    const unready = (classId: string) => ctx.store.students(classId).map((s) => s.id).filter((id) => !readyFor(classId, id, DEEP_LESSON).ready);
    expect(unready('7G').length).toBeGreaterThan(0);
    expect(unready('7F').length).toBeGreaterThan(0);
    for (const id of unready('7G')) expect(lessonItems(gated.plans, id)).toEqual([]);
    // A lesson skill a student is ready for still comes first where the gate holds.
    const readyForFractions = ctx.store.students('7G').map((s) => s.id).filter((id) => readyFor('7G', id, 'g7.frac.add').ready && !readyFor('7G', id, 'g7.frac.add').mastered);
    expect(readyForFractions.length).toBeGreaterThan(0);
    for (const id of readyForFractions) expect(gated.plans.find((p) => p.studentId === id)!.items[0]).toMatchObject({ skillId: 'g7.frac.add', reasonKey: 'class' });
    // Where the gate does not hold, nothing waits for its prerequisites: new skills beyond the lesson are practised unready too.
    const unreadyPractised = (classId: string, plans: typeof gated.plans) =>
      plans.flatMap((p) => p.items.filter((i) => (i.reasonKey === 'practice' || i.reasonKey === 'next_step') && !readyFor(classId, p.studentId, i.skillId).ready));
    expect(unreadyPractised('7G', gated.plans)).toEqual([]);
    expect(unreadyPractised('7F', free.plans).length).toBeGreaterThan(0);
    for (const id of unready('7F')) {
      const plan = free.plans.find((p) => p.studentId === id)!;
      expect(plan.items[0]).toMatchObject({ skillId: DEEP_LESSON, reasonKey: 'class' });
      expect(plan.items[0]!.reason.en).toContain("this class's answers show practice before the prerequisites pays off");
      expect(plan.items[0]!.reason.zh).toContain('本班作答表明');
    }
    // …and the day is the class sheet of the lessons (selection.whenGateDoesNotHold 'class_sheet'): the same class items,
    // in the same order, for every student who has mastered neither lesson; the rest of a sheet is the student's own gaps.
    const classItems = (plan: (typeof free.plans)[number]) => plan.items.filter((i) => i.reasonKey === 'class').map((i) => i.itemId);
    const learningBoth = ctx.store.students('7F').map((s) => s.id).filter((id) => free.lesson!.skills.every((k) => !readyFor('7F', id, k).mastered));
    expect(learningBoth.length).toBeGreaterThan(1);
    const sheets = learningBoth.map((id) => classItems(free.plans.find((p) => p.studentId === id)!));
    expect(sheets[0]!.length).toBeGreaterThan(0);
    for (const sheet of sheets) expect(sheet).toEqual(sheets[0]);
    expect(free.plans.flatMap((p) => p.items).filter((i) => i.reasonKey === 'class').every((i) => free.lesson!.skills.includes(i.skillId))).toBe(true);
  }, 600_000);

  it('counts each answer once: storing the same pages again, re-scanning one and checking twice leave the evidence as it was; an override changes only its outcome', async () => {
    const check = async () => (await ok(invoke(ctx, 'lessonPlan', { classId: '7F', date: NEXT_DAY }))).gate;
    const before = await check();
    const rows = gateObservationsOf(ctx.db, '7F', 'math');
    expect(rows.length).toBeGreaterThan(before.readyAnswers + before.notReadyAnswers);

    for (const page of freePages.slice(0, 20)) ctx.store.scans.recordOutcome(page.imageId, { kind: 'graded', pageId: page.pageId, replaceEarlier: false, responses: page.responses, readJson: '{}' }, 'station', '2026-12-07T11:00:00Z');
    const page = freePages[40]!;
    storePage(ctx, page.pageId, `${page.pageId}-rescan`, page.responses, true);
    expect(await check()).toEqual(before);
    expect(await check()).toEqual(before);
    expect(gateObservationsOf(ctx.db, '7F', 'math')).toEqual(rows);

    // The teacher overrides one counted answer on that page: its slot's outcome changes, nothing is added.
    const slot = rows.find((r) => r.pageId === page.pageId && r.practisedBefore)!;
    const response = ctx.store.scans.responses({ classId: '7F' }).find((r) => r.pageId === page.pageId && r.itemId === slot.itemId)!;
    const flipped = response.correct ? 0 : 1;
    ctx.store.scans.override(response.id, 'Ms Li', '2026-12-07T11:05:00Z', flipped ? 'right' : 'wrong', flipped, flipped === 1);
    const after = await check();
    expect(after.readyAnswers + after.notReadyAnswers).toBe(before.readyAnswers + before.notReadyAnswers);
    expect(gateObservationsOf(ctx.db, '7F', 'math')).toEqual(rows.map((r) => (r === slot ? { ...r, outcome: flipped } : r)));
  }, 300_000);

  it('paperloop lesson-plan sets the pace and shows the lesson and the verdict with its numbers', async () => {
    const lines: string[] = [];
    const run = (...args: string[]) => main(['node', 'paperloop', '--data', ctx.dir, 'lesson-plan', '--class', '7F', ...args], { out: (s) => lines.push(s), err: (s) => lines.push(s) });
    expect(await run('--days-per-skill', '2', '--date', NEXT_DAY)).toBe(0);
    const said = lines.join('\n');
    // Ten school days at two a skill: the sixth skill and the fifth.
    expect(said).toContain('lesson on 2026-11-30: g7.eq.onestep, g7.eq.expr');
    expect(said).toMatch(/prerequisite gate: does not hold \(not-ready minus ready residual -?0\.\d{3}, holds below -0\.035; \d+ ready and \d+ not-ready answers\)/);
    expect(await run('--skills', 'g7.int.add,nope')).toBe(1);
    expect(lines.join('\n')).toContain('no math skill nope');
  });
});
