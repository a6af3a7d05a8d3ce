import { describe, expect, it } from 'vitest';
import { ok } from '../domain/result';
import type { Roster } from '../domain/roster';
import { SMALL_ROSTER, tempStation } from '../../tests/support/station';
import type { StationEvent } from './events';
import { invoke } from './invoke';
import { POOL_FROM_LAYOUTS, SELF_TEST_METHOD } from './layoutSelfTest';

/** Two students: a page in Chinese and one in English. */
const ROSTER: Roster = {
  classes: [{ id: '7A', name: '初一(1)班', grade: 7 }],
  students: [
    { id: 'S01', displayName: '王小明', grade: 7, language: 'zh', largePrint: false },
    { id: 'S03', displayName: 'Emma Clarke', grade: 7, language: 'en', largePrint: false },
  ],
  enrollments: ['S01', 'S03'].map((studentId) => ({ classId: '7A', studentId })),
};

function station(roster = ROSTER) {
  const ctx = tempStation(roster);
  const events: StationEvent[] = [];
  ctx.events.subscribe((e) => e.type === 'self_test' && events.push(e));
  return { ctx, events };
}

async function compose(ctx: ReturnType<typeof tempStation>, seed = 'selftest', minutes = 8) {
  const c = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-11-25', minutes, tier: 'core', seed });
  if (!c.ok) throw new Error(c.error.message);
  return c.value.setId;
}

const passedRows = (ctx: ReturnType<typeof tempStation>) =>
  (ctx.db.prepare('SELECT layout_version AS v, method FROM layout_self_tests').all() as { v: string; method: string }[]);

describe('approval self-test: each new layout is read back before it can print', () => {
  it('approves a set whose layouts read back exactly at 150, 200 and 300 dpi, and keeps the passed layout versions', async () => {
    const { ctx, events } = station();
    const setId = await compose(ctx);
    const a = await invoke(ctx, 'approve', { setId });
    expect(a.ok, a.ok ? '' : `${a.error.message}\n${a.error.details?.join('\n')}`).toBe(true);
    if (!a.ok) return;
    const summary = a.value.selfTest;
    expect(summary.layouts).toBeGreaterThan(1);
    expect(summary.tested).toBe(summary.layouts);
    expect(summary.reads).toBe(summary.tested * 3);
    expect(passedRows(ctx)).toHaveLength(summary.layouts);
    expect(passedRows(ctx).every((r) => r.method.startsWith(SELF_TEST_METHOD))).toBe(true);
    // Progress: one event before the first layout and one after each.
    expect(events.map((e) => e.done)).toEqual(Array.from({ length: summary.tested + 1 }, (_, i) => i));
    expect(ctx.store.workbookSet(setId)?.status).toBe('approved');
  }, 240_000);

  it('does not test a layout version again once it passed', async () => {
    const { ctx, events } = station();
    const first = await invoke(ctx, 'approve', { setId: await compose(ctx) });
    expect(first.ok).toBe(true);
    const tested = events.length;
    expect(tested).toBeGreaterThan(1);
    // The same composition again (same items, same students): the same page layouts.
    const second = await invoke(ctx, 'approve', { setId: await compose(ctx) });
    expect(second.ok, second.ok ? '' : second.error.message).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second.value.selfTest.layouts).toBe(first.value.selfTest.layouts);
    expect(second.value.selfTest.tested).toBe(0);
    expect(second.value.selfTest.reads).toBe(0);
    expect(events).toHaveLength(tested);
    // Other mark thresholds read marks differently: the same layouts are tested again.
    ctx.settings = { ...ctx.settings, reading: { bubbles: { definite: 0.5 } } };
    const third = await invoke(ctx, 'approve', { setId: await compose(ctx) });
    expect(third.ok && third.value.selfTest.tested).toBe(first.value.selfTest.layouts);
  }, 240_000);

  it('reads a larger set back in the worker pool', async () => {
    const { ctx, events } = station(SMALL_ROSTER);
    const a = await invoke(ctx, 'approve', { setId: await compose(ctx, 'pool', 20) });
    expect(a.ok, a.ok ? '' : `${a.error.message}\n${a.error.details?.join('\n')}`).toBe(true);
    if (!a.ok) return;
    expect(a.value.selfTest.tested).toBeGreaterThanOrEqual(POOL_FROM_LAYOUTS);
    expect(passedRows(ctx)).toHaveLength(a.value.selfTest.layouts);
    expect(events.at(-1)).toMatchObject({ done: a.value.selfTest.tested, total: a.value.selfTest.tested });
  }, 600_000);

  it('refuses a set whose bubbles are drawn too small to read, naming the field and the resolution', async () => {
    const { ctx } = station();
    // A test-only page style the schema would refuse: bubbles of 0.5 mm radius.
    const style = ctx.pageStyle();
    if (!style.ok) throw new Error(style.error);
    ctx.pageStyle = () => ok({ ...style.value, bubbleRadiusMm: 0.5 });
    const setId = await compose(ctx);
    const a = await invoke(ctx, 'approve', { setId });
    expect(a.ok).toBe(false);
    if (a.ok) return;
    expect(a.error.code).toBe('self_test_failed');
    expect(a.error.message).toMatch(/Fix:/);
    expect(a.error.message).toMatch(/field q\S+ \(item \S+\)/);
    expect(a.error.details!.some((d) => /^S0\d page \d \(layout \w+\): .*at 150 dpi field q\S+ \(item \S+\) filled \S+, read /.test(d))).toBe(true);
    expect(a.error.params).toEqual({ layouts: a.error.details!.length });
    expect(ctx.store.workbookSet(setId)?.status).toBe('draft');
    const failedVersions = new Set(a.error.details!.map((d) => /\(layout (\w+)\)/.exec(d)?.[1]));
    expect(passedRows(ctx).filter((r) => failedVersions.has(r.v))).toEqual([]);
  }, 240_000);
});
