/**
 * How the personalised arm's figures move when the estimator's beliefs move (docs/mastery.md, section 6, round 15).
 * The personalised arm's flags come from the ideal observer with fixed beliefs (the simulator's central learner; the
 * start levels not given but learned from the class as a line along the topological order, `skillPrior` 'rank'), and
 * each row moves one belief while the world stays central. Tuning seeds 7001–7004 (`SEEDS`), 30 students, 250 school days.
 * `node --import tsx tools/observerBeliefs.ts` (about 1 minute a row).
 */
import { loadG7Graph } from '../bench/lib/data';
import type { CohortConfig } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';
import { DEFAULT_LEARNER, type LearnerParams } from '../src/sim/learner';

const graph = loadG7Graph();
const seeds = (process.env.SEEDS ?? '7001,7002,7003,7004').split(',').map(Number);
const checkpoints = [20, 40, 60] as const;
const flat: Partial<LearnerParams> = { ...DEFAULT_LEARNER, startLevel: -0.15, dropPerRank: 0 };
const rows: { label: string; assume: Partial<LearnerParams> }[] = [
  { label: 'central beliefs', assume: flat },
  { label: 'learnPerMinute 0.05 (the Elo model\'s credit)', assume: { ...flat, learnPerMinute: 0.05 } },
  { label: 'learnPerMinute 0.10', assume: { ...flat, learnPerMinute: 0.1 } },
  { label: 'forgetPerDay 0 (no forgetting)', assume: { ...flat, forgetPerDay: 0 } },
  { label: 'forgetPerDay 0.05', assume: { ...flat, forgetPerDay: 0.05 } },
  { label: 'abilitySd 0.5', assume: { ...flat, abilitySd: 0.5 } },
  { label: 'abilitySd 1.3', assume: { ...flat, abilitySd: 1.3 } },
  { label: 'prerequisitePenalty 1 (no gate)', assume: { ...flat, prerequisitePenalty: 1 } },
];
const saved = (p: number, u: number) => (u > 0 ? 100 * (1 - p / u) : 0);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number) => x.toFixed(1);

console.log('| beliefs | minutes saved d20 / d40 / d60 / to mastery | at unit mastery by day 20 (points) | false passes (class sheet / personalised) | verdicts |');
console.log('|---|---|---|---|---|');
for (const row of rows) {
  const per = seeds.map((seed) => {
    const config: CohortConfig = { seed, students: 30, days: 20, horizonDays: 250, restrictedDays: 60, checkpointDays: checkpoints, skills: graph.skills, unitSkills: graph.unit };
    const u = simulateArm(config, 'uniform');
    const p = simulateArm({ ...config, observerMastery: { difficulty: 'bank', hysteresis: false, skillPrior: 'rank', assume: row.assume } }, 'personalised');
    return {
      saved: [...checkpoints.map((_, i) => saved(p.checkpoints[i]?.meanMinutesToMastery ?? 0, u.checkpoints[i]?.meanMinutesToMastery ?? 0)), saved(p.meanMinutesToMastery, u.meanMinutesToMastery)],
      head: 100 * ((p.checkpoints[0]?.reachedMastery ?? 0) / p.students - (u.checkpoints[0]?.reachedMastery ?? 0) / u.students),
      falsePasses: [u.falsePasses, p.falsePasses],
      verdict: { holds: 'H', does_not_hold: 'N', undecided: 'U' }[p.gate.kind],
    };
  });
  const savedAt = [0, 1, 2, 3].map((i) => fmt(mean(per.map((x) => x.saved[i] as number))));
  const falsePasses = [0, 1].map((a) => per.reduce((s, x) => s + (x.falsePasses[a] as number), 0));
  console.log(`| ${row.label} | ${savedAt.join(' / ')} % | ${fmt(mean(per.map((x) => x.head)))} | ${falsePasses.join(' / ')} | ${per.map((x) => x.verdict).join('')} |`);
}
