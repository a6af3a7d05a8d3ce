/**
 * How often the prerequisite gate check (src/domain/learning/gateCheck.ts) reads the simulated world
 * right, and how many answers it needs. Worlds: the simulator's assumptions (src/sim/worlds.ts) —
 * prerequisite penalty 0.3 (central) / 0.5 / 0.7 / 1.0, and guess/slip, skillSd and learnLogSd moved
 * to each end of their range, each at penalty 0.3 and at 1.0. The gate holds where the penalty is
 * below 1. Seeds 7001–7012 are the tuning seeds (the verdict is never tuned on the sweep's).
 *
 * One run per world, seed and budget: the personalised arm, 30 students, the demo graph, with the
 * verdict made at the budget (`gateCheck.minAnswers` = 100 / 200 / 300 / 500 / 800 answers of each
 * kind). The evidence before a verdict does not depend on the rule (lessons are not gated while it is
 * undecided), so each budget's verdict is exactly what the station would decide with that setting.
 * A run ends on the day of its verdict, or at school day GATE_DAYS (default 20, the simulator's
 * window): a budget not reached by then counts as no verdict.
 * Runs go to GATE_SHARDS child processes (default 2). GATE_READINESS=posterior measures the
 * posterior readiness label (`gateCheck.readiness`, docs/mastery.md 2b round 9) instead of the default.
 *   node --import tsx bench/gatePower.bench.ts            (GATE_SEEDS=6 for a quicker look)
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { GateVerdict } from '../src/domain/learning/gateCheck';
import { DEFAULT_LEARNING_SETTINGS, GateCheckSettings, type LearningSettings } from '../src/domain/learning/settings';
import type { CohortConfig } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';
import type { LearnerParams } from '../src/sim/learner';
import { ASSUMPTIONS } from '../src/sim/worlds';
import { loadG7Graph } from './lib/data';
import { emit } from './lib/emit';

const bench = 'gate_power';
const budgets = [100, 200, 300, 500, 800] as const;
const seeds = Array.from({ length: Number(process.env.GATE_SEEDS ?? 12) }, (_, i) => 7001 + i);
const days = Number(process.env.GATE_DAYS ?? 20);
const shipped = DEFAULT_LEARNING_SETTINGS.gateCheck.minAnswers;
const readiness = GateCheckSettings.shape.readiness.parse(process.env.GATE_READINESS);

type World = { label: string; learner: Partial<LearnerParams>; holds: boolean };
type Run = { world: string; seed: number; budget: number; kind: GateVerdict['kind']; notReadyAnswers: number; day: number | null; gap: number };

/** The worlds: every penalty of the sweep, and every other learner assumption at penalty 0.3 and at 1.0. */
function worlds(): World[] {
  const learnerValues = (name: string) =>
    ASSUMPTIONS.find((a) => a.name === name)?.values.map((v) => ({ label: `${name}=${v.label}`, learner: v.config.learner ?? {} })) ?? [];
  const penalties = [{ label: 'central', learner: {} }, ...learnerValues('prerequisitePenalty')];
  const others = ['guess/slip', 'skillSd', 'learnLogSd'].flatMap(learnerValues);
  const atFull = others.map((o) => ({ label: `${o.label},prerequisitePenalty=1`, learner: { ...o.learner, prerequisitePenalty: 1 } }));
  return [...penalties, ...others, ...atFull].map((w) => ({ ...w, holds: (w.learner.prerequisitePenalty ?? 0.3) < 1 }));
}

/** Thrown from `onDay` to end a run once the verdict is made: the days after it do not change it. */
class VerdictReached extends Error {}

function runOne(world: World, seed: number, budget: number): Run {
  const graph = loadG7Graph();
  const base = DEFAULT_LEARNING_SETTINGS;
  const settings: LearningSettings = { ...base, gateCheck: { ...base.gateCheck, minAnswers: budget, readiness } };
  let verdict: GateVerdict | null = null;
  let day: number | null = null;
  const config: CohortConfig = {
    seed,
    students: 30,
    days,
    horizonDays: days,
    restrictedDays: days,
    skills: graph.skills,
    unitSkills: graph.unit,
    learner: world.learner,
    settings,
    onDay: (trace) => {
      verdict = trace.gate;
      if (trace.gate.kind === 'undecided') return;
      day = trace.dayIndex + 1;
      throw new VerdictReached();
    },
  };
  try {
    simulateArm(config, 'personalised');
  } catch (e) {
    if (!(e instanceof VerdictReached)) throw e;
  }
  const v = verdict as GateVerdict | null;
  return { world: world.label, seed, budget, kind: v?.kind ?? 'undecided', notReadyAnswers: v?.notReadyAnswers ?? 0, day, gap: v?.gap ?? NaN };
}

const jobs = () => worlds().flatMap((w) => seeds.flatMap((seed) => budgets.map((budget) => ({ w, seed, budget }))));
const shard = process.env.GATE_SHARD?.match(/^(\d+)\/(\d+)$/);
if (shard) {
  const [i, n] = [Number(shard[1]), Number(shard[2])];
  console.log(JSON.stringify(jobs().filter((_, k) => k % n === i).map((j) => runOne(j.w, j.seed, j.budget))));
} else await report();

async function report(): Promise<void> {
  const t = performance.now();
  const shards = Number(process.env.GATE_SHARDS ?? 2);
  const outputs = await Promise.all(
    Array.from({ length: shards }, (_, i) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env: { ...process.env, GATE_SHARD: `${i}/${shards}` }, maxBuffer: 1 << 24 }),
    ),
  );
  const runs = outputs.flatMap((o) => JSON.parse(o.stdout) as Run[]);
  const all = worlds();
  const holds = new Map(all.map((w) => [w.label, w.holds]));
  const right = (r: Run) => r.kind === (holds.get(r.world) ? 'holds' : 'does_not_hold');
  const pct = (rs: readonly Run[]) => (100 * rs.filter(right).length) / Math.max(1, rs.length);
  const note = `${all.length} worlds × seeds ${seeds[0]}–${seeds[seeds.length - 1]}, 30 students, ${days} school days, readiness label ${readiness}; right = "holds" where the penalty is below 1, "does not hold" at 1`;
  for (const budget of budgets) {
    const at = runs.filter((r) => r.budget === budget);
    const wrong = at.filter((r) => r.kind !== 'undecided' && !right(r)).length;
    const none = at.filter((r) => r.kind === 'undecided').length;
    emit({ bench, figure: `gate_verdict_right_pct_at_${budget}`, value: pct(at), unit: '%', ...(budget === 300 ? { goal: '>=95' } : {}), note: `${note}; wrong ${wrong}, no verdict by day ${days}: ${none}` });
  }
  const at300 = runs.filter((r) => r.budget === 300);
  for (const w of all) {
    const mine = at300.filter((r) => r.world === w.label);
    const gaps = mine.map((r) => r.gap).filter(Number.isFinite);
    emit({ bench, figure: 'gate_world_right_pct_at_300', value: pct(mine), unit: '%', note: `${w.label} (${w.holds ? 'holds' : 'does not hold'}): gap mean ${(gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length)).toFixed(3)}, per seed ${gaps.map((g) => g.toFixed(3)).join(' ')}` });
  }
  const decided = runs.filter((r) => r.budget === shipped && r.kind !== 'undecided');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  emit({ bench, figure: 'gate_answers_to_verdict_median', value: median(decided.map((r) => r.notReadyAnswers)), unit: 'not-ready answers', note: `the shipped settings (minAnswers ${shipped}); ${decided.length} of ${runs.filter((r) => r.budget === shipped).length} runs decided` });
  emit({ bench, figure: 'gate_verdict_day_median', value: median(decided.map((r) => r.day ?? NaN)), unit: 'school day', note: `the school day whose answers gave the verdict, shipped settings` });
  emit({ bench, figure: 'gate_power_s', value: (performance.now() - t) / 1000, unit: 's', note: `${runs.length} runs in ${shards} processes (loaded machine: see uptime)` });
}
