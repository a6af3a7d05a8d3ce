import { describe, expect, it } from 'vitest';
import type { Skill } from '../domain/skills';
import type { CohortConfig } from './armSetup';
import { simulateArm } from './cohortSim';
import { recordedSheets, runLatent, type SheetPolicy } from './latentRun';
import { practise } from './learner';
import { oraclePolicy } from './oraclePolicy';

const skill = (id: string, prerequisites: string[] = []): Skill => ({ id, subject: 'math', grade: 7, name: { zh: id, en: id }, prerequisites });

// A tiny world: two skills, the second needing the first, three students who start below the line on both.
const tiny: CohortConfig = {
  seed: 11,
  students: 3,
  days: 5,
  horizonDays: 80,
  checkpointDays: [5, 10],
  skills: [skill('t.a'), skill('t.b', ['t.a'])],
  bankSize: 60,
  learner: { startLevel: 0, dropPerRank: 0.5 },
};

/** Wraps a policy and adds up, on a copy of each student, the minutes it gives to a skill already at the line or not yet ready. */
function audited(policy: SheetPolicy) {
  const waste = { known: 0, notReady: 0, afterMastery: 0 };
  const wrapped: SheetPolicy = (day) => {
    const sheets = policy(day);
    for (const st of day.students) {
      const copy = { ...st, level: new Map(st.level), practice: new Map(st.practice) };
      for (const p of sheets.get(st.id) ?? []) {
        if (day.mastered.has(st.id)) waste.afterMastery += p.minutes;
        if (p.skills.some((k) => day.setup.known(copy, k))) waste.known += p.minutes;
        if (p.skills.some((k) => !day.setup.prerequisitesKnown(copy, k))) waste.notReady += p.minutes;
        practise(copy, p.skills, p.minutes, day.setup.lp, day.setup.prerequisitesKnown);
      }
    }
    return sheets;
  };
  return { wrapped, waste };
}

describe('oracle policy (a bound, src/sim/oraclePolicy.ts)', () => {
  it('replaying the class sheet through the latent runner gives simulateArm’s figures exactly, with the budgets the selection had', () => {
    // The built-in 15-skill unit, long enough for forgetting and the checkpoints to matter.
    const config: CohortConfig = { seed: 3, students: 12, days: 5, horizonDays: 60, checkpointDays: [10, 20, 40] };
    const selectionBudgets: Map<string, number>[] = [];
    const classSheet = simulateArm({ ...config, onDay: (d) => (selectionBudgets[d.dayIndex] = new Map(d.students.map((s) => [s.id, s.budgetMinutes]))) }, 'uniform');
    const sheets = recordedSheets(config, 'uniform');
    const latentBudgets: Map<string, number>[] = [];
    const replay = runLatent(config, (day) => ((latentBudgets[day.dayIndex] = new Map(day.budgets)), sheets(day)), false);
    expect(latentBudgets).toEqual(selectionBudgets);
    expect(new Set(selectionBudgets.flatMap((b) => [...b.values()])).size).toBeGreaterThan(1);
    expect(classSheet.meanMinutesToMastery).toBeGreaterThan(0);
    expect(replay.meanMinutesToMastery).toBe(classSheet.meanMinutesToMastery);
    expect(replay.censored).toBe(classSheet.censored);
    expect(replay.checkpoints).toEqual(classSheet.checkpoints);
  });

  it('reaches unit mastery in no more minutes than the class sheet, within the budget, with no minute on a known or unready skill', () => {
    const classSheet = simulateArm(tiny, 'uniform');
    const { wrapped, waste } = audited(oraclePolicy());
    const oracle = runLatent(tiny, wrapped);
    expect(oracle.censored).toBe(0);
    expect(oracle.overBudget).toBe(0);
    expect(waste).toEqual({ known: 0, notReady: 0, afterMastery: 0 });
    expect(oracle.meanMinutesToMastery).toBeGreaterThan(0);
    expect(oracle.meanMinutesToMastery).toBeLessThanOrEqual(classSheet.meanMinutesToMastery);
  });

  it('under the class sheet’s constraint gives every student the same items, in order, as far as their minutes go', () => {
    const sheets: string[][] = [];
    const policy = oraclePolicy({ sheet: 'class' });
    const report = runLatent(tiny, (day) => {
      const out = policy(day);
      for (const st of day.students) sheets.push((out.get(st.id) ?? []).map((p) => `${p.skills.join('+')}:${p.minutes}`));
      return out;
    });
    expect(report.overBudget).toBe(0);
    expect(report.censored).toBe(0);
    for (let day = 0; day < sheets.length; day += 3) {
      const longest = [...sheets.slice(day, day + 3)].sort((a, b) => b.length - a.length)[0] ?? [];
      for (const s of sheets.slice(day, day + 3)) expect(s).toEqual(longest.slice(0, s.length));
    }
  });
});
