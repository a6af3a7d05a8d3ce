/**
 * How much any selection can save in the cohort simulator (docs/mastery.md, section 6, "How much any
 * selection can save"): oracle policies that read the latent students (src/sim/oraclePolicy.ts, run by
 * src/sim/latentRun.ts) against the class sheet (`simulateArm`'s uniform arm), with the sweep's
 * definitions: 30 students, 250-school-day horizon, minutes saved (1 − policy / class sheet, mean of the
 * per-seed figures) had the run stopped after 20, 40, 60 school days (students not there yet at their
 * minutes so far) and at unit mastery, and students at unit mastery by day 20 (policy − class sheet, pp).
 *   node --import tsx tools/burdenBound.ts
 * Knobs: BOUND_SEEDS (default 7001,7002,7003,7004; the evaluation seeds 9001,9002 once, for the table),
 * BOUND_WORLDS ('penalty': central and prerequisitePenalty 0.5/0.7/1, default; 'sweep': every world of
 * src/sim/worlds.ts), BOUND_ARMS=true (also the shipped personalised arm and the same rules fed latent
 * mastery, `oracleMastery`: three times the time), BOUND_SHARD=i/n (every n-th world).
 * Prints one JSON line per world and policy, and checks on the first seed that replaying the class
 * sheet's sheets through the latent runner gives its figures (`replay_gap`): exits 1 when it does not.
 */
import type { CohortConfig } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';
import { recordedSheets, runLatent, type LatentReport } from '../src/sim/latentRun';
import { oraclePolicy, type OracleOptions } from '../src/sim/oraclePolicy';
import { sweepWorlds } from '../src/sim/worlds';
import { loadG7Graph } from '../bench/lib/data';
import { emit } from '../bench/lib/emit';

const bench = 'burden_bound';
const graph = loadG7Graph();
const seeds = (process.env.BOUND_SEEDS ?? '7001,7002,7003,7004').split(',').map(Number);
const [shard, shards] = (process.env.BOUND_SHARD ?? '0/1').split('/').map(Number) as [number, number];
const withArms = process.env.BOUND_ARMS === 'true';
const checkpoints = [20, 40, 60] as const;
const worlds = sweepWorlds().filter((w) => process.env.BOUND_WORLDS === 'sweep' || w.label === 'central' || w.label.startsWith('prerequisitePenalty'));

/** The greedy variants tried; the bound is the best of them. */
const VARIANTS: readonly { readonly label: string; readonly options: Partial<OracleOptions> }[] = [
  { label: 'oracle nearest', options: {} },
  { label: 'oracle topological', options: { order: 'topological' } },
  { label: 'oracle unlocking', options: { order: 'unlocking' } },
  { label: 'oracle margin 0.3', options: { margin: 0.3 } },
  { label: 'oracle core items', options: { items: 'core' } },
  { label: 'oracle 5 items per skill', options: { maxItemsPerSkill: 5 } },
  { label: 'oracle, one class sheet', options: { sheet: 'class' } },
];

type Figures = Pick<LatentReport, 'meanMinutesToMastery' | 'checkpoints' | 'censored' | 'students'>;
const saved = (p: number, u: number) => (u > 0 ? 100 * (1 - p / u) : 0);
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Minutes saved at each checkpoint and at unit mastery, and students at mastery by day 20 (share), against the class sheet. */
function against(policy: Figures, classSheet: Figures): number[] {
  const at = checkpoints.map((_, i) => saved(policy.checkpoints[i]?.meanMinutesToMastery ?? 0, classSheet.checkpoints[i]?.meanMinutesToMastery ?? 0));
  const day20 = (r: Figures) => (r.checkpoints[0]?.reachedMastery ?? 0) / r.students;
  return [...at, saved(policy.meanMinutesToMastery, classSheet.meanMinutesToMastery), day20(policy) - day20(classSheet)];
}

const replayGaps: string[] = [];
for (const [w, world] of worlds.entries()) {
  if (w % shards !== shard) continue;
  const rows = new Map<string, { figures: number[][]; censored: number; overBudget: number }>();
  const add = (label: string, figures: number[], censored: number, overBudget = 0) => {
    const row = rows.get(label) ?? { figures: [], censored: 0, overBudget: 0 };
    row.figures.push(figures);
    row.censored += censored;
    row.overBudget += overBudget;
    rows.set(label, row);
  };
  for (const [s, seed] of seeds.entries()) {
    const config: CohortConfig = { seed, students: 30, days: 20, horizonDays: 250, checkpointDays: checkpoints, skills: graph.skills, unitSkills: graph.unit, ...world.config };
    const classSheet = simulateArm(config, 'uniform');
    add('class sheet', [classSheet.meanMinutesToMastery, classSheet.checkpoints[0]?.reachedMastery ?? 0], classSheet.censored);
    if (s === 0) {
      const replay = runLatent(config, recordedSheets(config, 'uniform'), false);
      const gap = Math.max(...against(replay, classSheet).map(Math.abs));
      emit({ bench, figure: 'replay_gap', value: gap, unit: '% or share', note: `${world.label}, seed ${seed}: the class sheet's sheets replayed through the latent runner against simulateArm (largest difference over the five figures)` });
      if (!(gap === 0)) replayGaps.push(`${world.label} (seed ${seed}): ${gap}`);
    }
    for (const v of VARIANTS) {
      const r = runLatent(config, oraclePolicy(v.options));
      add(v.label, against(r, classSheet), r.censored, r.overBudget);
    }
    if (withArms) {
      const shipped = simulateArm(config, 'personalised');
      add('shipped personalised arm', against(shipped, classSheet), shipped.censored);
      const rules = simulateArm({ ...config, oracleMastery: true }, 'personalised');
      add('same rules, latent mastery', against(rules, classSheet), rules.censored);
    }
  }
  for (const [label, row] of rows) {
    const m = row.figures[0]?.map((_, i) => mean(row.figures.map((f) => f[i] as number))) ?? [];
    const note =
      label === 'class sheet'
        ? `${world.label}: class sheet ${m[0]?.toFixed(0)} minutes to unit mastery, ${m[1]?.toFixed(1)} students at mastery by day 20; censored ${row.censored}`
        : `${world.label}: ${label}: saved at d20 / d40 / d60 / mastery ${m.slice(0, 4).map((x) => x.toFixed(1)).join(' / ')} %; at mastery by day 20 ${(100 * (m[4] ?? 0)).toFixed(1)} pp; per seed to mastery ${row.figures.map((f) => (f[3] as number).toFixed(1)).join(', ')}; censored ${row.censored}; over budget ${row.overBudget}`;
    emit({ bench, figure: label === 'class sheet' ? 'class_sheet' : 'bound_cell', value: label === 'class sheet' ? (m[0] ?? NaN) : (m[3] ?? NaN), unit: label === 'class sheet' ? 'min' : '%', note: `${note} (seeds ${seeds.join(', ')})` });
  }
}
if (replayGaps.length > 0) {
  console.error(`The latent runner does not step the students as simulateArm does (replay gap, must be 0): ${replayGaps.join('; ')}. Fix src/sim/latentRun.ts before trusting the bound.`);
  process.exitCode = 1;
}
