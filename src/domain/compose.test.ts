import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkReplacement, composeClassSet, composeWorkbook, type ComposeRequest } from './compose';
import type { Item, Tier } from './item';
import { DEFAULT_WORKLOAD_CAPS, describeRefusal, type DayLedger } from './workload';

const item = (id: string, skill: string, tier: Tier, minutes: number, difficulty = 0): Item => ({
  id, subject: 'math', grade: 7, skills: [skill], stem: { en: id }, points: 1, minutes, difficulty, tier, type: 'true_false', answer: true, version: 1, contentHash: id,
});
const bank: Item[] = ['a', 'b', 'c'].flatMap((s) => (['basic', 'core', 'stretch'] as const).flatMap((t) => [1, 2, 3, 4].map((n) => item(`${s}-${t}-${n}`, s, t, 1 + (n % 3)))));
const request = (minutes: number, seed = 's'): ComposeRequest => ({ classId: 'C', subject: 'math', date: '2026-11-25', skills: ['a', 'b', 'c'], minutes, tiers: { mode: 'fixed', tier: 'core' }, seed });
const student = (id: string, grade = 7) => ({ id, displayName: id, grade, language: 'en', largePrint: false });

describe('composition', () => {
  it('is deterministic per seed, prefers the chosen tier and covers every skill', () => {
    const a = composeWorkbook(request(12), student('S1'), bank);
    expect(composeWorkbook(request(12), student('S1'), bank)).toEqual(a);
    expect(a.minutes).toBeLessThanOrEqual(12);
    const skills = new Set(a.entries.map((e) => e.itemId.split('-')[0]));
    expect(skills).toEqual(new Set(['a', 'b', 'c']));
    expect(a.entries.every((e) => e.itemId.includes('-core-'))).toBe(true);
  });

  it('never lets a student over the daily cap, whatever is already booked (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 9 }), fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 3 }), fc.integer({ min: 1, max: 40 }), (grade, booked, minutes) => {
        const ledger: DayLedger = { date: '2026-11-25', studentId: 'S1', entries: booked.map((m, i) => ({ subject: `other${i}`, minutes: m, workbookSetId: `X${i}` })) };
        const r = composeClassSet(request(minutes), [student('S1', grade)], bank, new Map([['S1', ledger]]), DEFAULT_WORKLOAD_CAPS);
        const already = booked.reduce((s, m) => s + m, 0);
        // The caps by hand (the school's rule, not the code's table): grades 3–6 one hour, 7–9 ninety minutes.
        const cap = grade <= 6 ? 60 : 90;
        if (r.ok) return already + r.value[0]!.minutes <= cap + 1e-9;
        // A set is never longer than asked, so a refusal needs the asked minutes to go over; fitting asks are never refused.
        return r.error.kind === 'cap' && already + minutes > cap;
      }),
    );
  });

  it('refuses grades 1–2 written homework and shows the ledger for an over-cap day', () => {
    const young = composeClassSet(request(5), [student('Y', 2)], bank, new Map(), DEFAULT_WORKLOAD_CAPS);
    if (young.ok || young.error.kind !== 'cap') throw new Error(`expected a cap refusal, got ${JSON.stringify(young)}`);
    expect(describeRefusal(young.error.refusals[0]!)).toMatch(/no written homework/);
    const ledger: DayLedger = { date: '2026-11-25', studentId: 'S1', entries: [{ subject: 'chinese', minutes: 85, workbookSetId: 'W1' }] };
    const over = composeClassSet(request(10), [student('S1')], bank, new Map([['S1', ledger]]), DEFAULT_WORKLOAD_CAPS);
    if (over.ok || over.error.kind !== 'cap') throw new Error(`expected a cap refusal, got ${JSON.stringify(over)}`);
    expect(describeRefusal(over.error.refusals[0]!)).toMatch(/chinese: 85 min \(set W1\)/);
  });

  it('lets a replacement swap content but not add minutes or raise difficulty', () => {
    const approved = [composeWorkbook(request(10), student('S1'), bank)];
    const same = [composeWorkbook(request(10, 'other'), student('S1'), bank)];
    const difficulty = (id: string) => bank.find((i) => i.id === id)!.difficulty;
    expect(checkReplacement(approved, same, difficulty).filter((v) => v.kind !== 'more_minutes' || same[0]!.minutes > approved[0]!.minutes)).toEqual(
      checkReplacement(approved, same, difficulty),
    );
    const longer = [composeWorkbook(request(20), student('S1'), bank)];
    expect(checkReplacement(approved, longer, difficulty).map((v) => v.kind)).toContain('more_minutes');
    const harder = [{ ...approved[0]!, tier: 'stretch' as const }];
    expect(checkReplacement(approved, harder, difficulty).map((v) => v.kind)).toContain('harder_tier');
  });
});
