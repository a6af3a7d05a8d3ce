/**
 * What the prerequisite gate check's verdict does to the burden comparison, on tuning seeds: the
 * sweep's per-cell figures (bench/cohortSweep.bench.ts: 30 students, 250-school-day horizon, minutes
 * saved at 20/40/60 school days and at unit mastery, students at mastery by day 20) for the central
 * world and prerequisite penalty 1.0, with the personalised arm's verdict and the school days its
 * lessons were gated. Read-only use of the simulator; run it on two checkouts to compare rules.
 *   node --import tsx tools/gateBurden.ts            (GATE_BURDEN_SEEDS=7001-7004, GATE_BURDEN_SHARD=i/n,
 *                                                     GATE_MIN_ANSWERS=n: gateCheck.minAnswers other than the default,
 *                                                     GATE_READINESS=posterior: the posterior readiness label)
 * Prints one JSON line per world and seed.
 */
import type { CohortConfig } from '../src/sim/armSetup';
import { DEFAULT_LEARNING_SETTINGS, GateCheckSettings } from '../src/domain/learning/settings';
import { simulateArm } from '../src/sim/cohortSim';
import { loadG7Graph } from '../bench/lib/data';

const [from, to] = (process.env.GATE_BURDEN_SEEDS ?? '7001-7004').split('-').map(Number) as [number, number];
const [shard, shards] = (process.env.GATE_BURDEN_SHARD ?? '0/1').split('/').map(Number) as [number, number];
const checkpoints = [20, 40, 60] as const;
const worlds = [
  { label: 'central', learner: {} },
  { label: 'prerequisitePenalty=1', learner: { prerequisitePenalty: 1 } },
];
const graph = loadG7Graph();
const base = DEFAULT_LEARNING_SETTINGS;
const settings = {
  ...base,
  gateCheck: {
    ...base.gateCheck,
    minAnswers: Number(process.env.GATE_MIN_ANSWERS ?? base.gateCheck.minAnswers),
    readiness: GateCheckSettings.shape.readiness.parse(process.env.GATE_READINESS),
  },
};
const saved = (p: number, u: number) => (u > 0 ? 100 * (1 - p / u) : 0);

let k = 0;
for (const world of worlds)
  for (let seed = from; seed <= to; seed++) {
    if (k++ % shards !== shard) continue;
    const config: CohortConfig = { seed, students: 30, days: 20, horizonDays: 250, restrictedDays: 60, checkpointDays: checkpoints, skills: graph.skills, unitSkills: graph.unit, learner: world.learner, settings };
    let verdictDay: number | null = null;
    const u = simulateArm(config, 'uniform');
    const p = simulateArm({ ...config, onDay: (t) => void (verdictDay ??= t.gate.kind === 'undecided' ? null : t.dayIndex + 1) }, 'personalised');
    const at = Object.fromEntries(checkpoints.map((d, i) => [`d${d}`, +saved(p.checkpoints[i]?.meanMinutesToMastery ?? 0, u.checkpoints[i]?.meanMinutesToMastery ?? 0).toFixed(1)]));
    console.log(
      JSON.stringify({
        world: world.label,
        seed,
        saved: { ...at, mastery: +saved(p.meanMinutesToMastery, u.meanMinutesToMastery).toFixed(1) },
        masteredDay20DiffPp: +(100 * ((p.checkpoints[0]?.reachedMastery ?? 0) / p.students - (u.checkpoints[0]?.reachedMastery ?? 0) / u.students)).toFixed(1),
        verdict: p.gate.kind,
        verdictDay,
        gatedDays: p.gatedDays,
      }),
    );
  }
