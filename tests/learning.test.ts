import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Roster } from '../src/domain/roster';
import { invoke } from '../src/station/invoke';
import { printSet, writeStack } from './support/stack';
import { SMALL_ROSTER, tempStation } from './support/station';

const ROSTER: Roster = {
  ...SMALL_ROSTER,
  classes: [...SMALL_ROSTER.classes, { id: '2C', name: 'Grade 2 C', grade: 2 }],
  students: [...SMALL_ROSTER.students, { id: 'Y01', displayName: '小宝', grade: 2, language: 'zh', largePrint: false }],
  enrollments: [...SMALL_ROSTER.enrollments, { classId: '2C', studentId: 'Y01' }],
};

describe('the learning loop after a scan', () => {
  let ctx: ReturnType<typeof tempStation>;
  const out = () => join(ctx.dir, 'out');

  beforeAll(async () => {
    ctx = tempStation(ROSTER);
    const { pdf, pages } = await printSet(ctx, '7A', 25, 'learn');
    const stack = join(ctx.dir, 'stack');
    await writeStack(ctx, stack, { pdf, pages, seed: 'learn', profile: 'clean', answers: 'mixed', correctRate: 0.6 });
    const r = await invoke(ctx, 'ingest', { paths: [stack] });
    if (!r.ok) throw new Error(r.error.message);
  }, 300_000);

  it('reports item analysis that agrees with the stored grades, and writes PDF, CSV and XLSX', async () => {
    const r = await invoke(ctx, 'report', { classId: '7A', date: '2026-11-25', pdf: join(out(), 'r.pdf'), csv: join(out(), 'r.csv'), xlsx: join(out(), 'r.xlsx') });
    if (!r.ok) throw new Error(r.error.message);
    const graded = ctx.store.scans.responses({ classId: '7A' }).filter((x) => x.status !== 'needs_review');
    for (const item of r.value.items.slice(0, 10)) {
      const latest = new Map<string, boolean>();
      for (const g of graded.filter((x) => x.itemId === item.itemId)) latest.set(g.studentId, g.correct);
      const rate = [...latest.values()].filter(Boolean).length / latest.size;
      expect(item.correctRate).toBeCloseTo(rate, 5);
      expect(item.n).toBe(latest.size);
    }
    for (const f of ['r.pdf', 'r.csv', 'r.xlsx']) expect(existsSync(join(out(), f))).toBe(true);
    expect(execFileSync('pdftotext', [join(out(), 'r.pdf'), '-'], { encoding: 'utf8' })).toContain('Class item analysis');
  });

  it('makes a scannable wrong-question book per student, by knowledge point', async () => {
    const r = await invoke(ctx, 'wrongBook', { classId: '7A', outDir: join(out(), 'wb') });
    if (!r.ok) throw new Error(r.error.message);
    const withMistakes = r.value.books.filter((b) => b.open > 0);
    expect(withMistakes.length).toBeGreaterThan(0);
    expect(r.value.files.length).toBe(withMistakes.length);
    const book = withMistakes[0]!;
    const text = execFileSync('pdftotext', [join(out(), 'wb', `wrong-book-${book.studentId}.pdf`), '-'], { encoding: 'utf8' });
    expect(text).toMatch(/正确答案|Correct/);
    const firstSkill = Object.keys(book.bySkill)[0]!;
    const skillName = ctx.store.skills().find((s) => s.id === firstSkill)!.name;
    expect(text).toContain(ctx.store.students('7A').find((s) => s.id === book.studentId)!.language === 'zh' ? skillName.zh : skillName.en);
  });

  it("composes tomorrow's personal workbooks within the cap, each item with its reason printed", async () => {
    // Another subject already booked 30 minutes for tomorrow: the ledger covers every subject.
    const other = await invoke(ctx, 'compose', { classId: '7A', subject: 'math', date: '2026-11-26', minutes: 30, tier: 'basic', seed: 'other' });
    if (!other.ok) throw new Error(other.error.message);
    await invoke(ctx, 'approve', { setId: other.value.setId });
    const pinned = ctx.store.currentItems({ grade: 7 })[0]!.id;
    const ov = await invoke(ctx, 'override', { classId: '7A', studentId: 'S03', pin: pinned });
    expect(ov.ok).toBe(true);
    const r = await invoke(ctx, 'next', { classId: '7A', date: '2026-11-26', out: join(out(), 'next.pdf') });
    if (!r.ok) throw new Error(r.error.message);
    for (const plan of r.value.plans) {
      const booked = ctx.store.approvedMinutes(plan.studentId, '2026-11-26').reduce((s, e) => s + e.minutes, 0);
      expect(booked).toBeLessThanOrEqual(90 + 1e-9);
      for (const item of plan.items) expect(item.reason.en.length).toBeGreaterThan(3);
    }
    expect(r.value.plans.find((p) => p.studentId === 'S03')!.items.map((i) => i.itemId)).toContain(pinned);
    const text = execFileSync('pdftotext', [join(out(), 'next.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toMatch(/为什么: (练习|复习|学完|回到基础|老师指定)/);
    expect(text).toMatch(/why: (practice|review|next step|back to basics|chosen by your teacher)/);
  }, 300_000); // two approvals, each reading back its new page layouts (the self-test)

  it('gives grades 1–2 no written homework', async () => {
    const r = await invoke(ctx, 'next', { classId: '2C', date: '2026-11-26' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('no_written_homework');
  });
});
