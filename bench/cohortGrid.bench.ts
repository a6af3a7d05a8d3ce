/**
 * The tuning grid of docs/mastery.md, section 6 (round 9): prerequisite penalty × tuning seeds, 30
 * students, 250 school days, personalised against the class sheet. Never run on the sweep's seeds
 * (9001–9002). Per cell: minutes saved at day 20 / 40 / 60 / to unit mastery, students at unit mastery
 * by day 20 (personalised − class sheet), false passes per arm (skills passed while latently short)
 * and the gate verdict, because a change to early practice moves the verdict and a flipped verdict
 * outweighs most changes. Knobs: GRID_PENALTIES (default 0.3,0.5,0.7,1), GRID_SEEDS (default
 * 7001–7004), GRID_SETTINGS (learning settings as JSON, applied to the personalised arm; the class
 * sheet keeps the defaults), GRID_VERDICT (true: both arms get the right verdict from day 1; does_not_hold: both are told the gate does not hold from day 1), GRID_ORACLE (true: the
 * personalised arm's selection sees latent mastery, `oracleMastery`), GRID_OBSERVER (true, or its options as JSON:
 * its flags from the ideal observer, `observerMastery`: the best estimate the answers allow; idealObserver.ts), GRID_DRIVER (elo or logistic: the personalised
 * arm's mastery flags from that model every day).
 * `node --import tsx bench/cohortGrid.bench.ts`, about 16 × 10 CPU-seconds.
 */
import type { CohortConfig } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';
import { loadG7Graph } from './lib/data';
import { emit } from './lib/emit';
import { gateLabelsFromEnv, observerFromEnv, settingsFromEnv } from './lib/settingsEnv';

const bench = 'cohort_grid';
const graph = loadG7Graph();
const list = (env: string | undefined, fallback: string) => (env ?? fallback).split(',').map(Number);
const penalties = list(process.env.GRID_PENALTIES, '0.3,0.5,0.7,1');
const seeds = list(process.env.GRID_SEEDS, '7001,7002,7003,7004');
const settings = settingsFromEnv('GRID_SETTINGS');
/** GRID_VERDICT=true: both arms get the right gate verdict from day 1 (holds below penalty 1, not at 1), to measure a change apart from the verdicts it flips. */
function forcedVerdict(penalty: number): Pick<CohortConfig, 'forceGateVerdict'> {
  if (process.env.GRID_VERDICT === 'true') return { forceGateVerdict: penalty < 1 ? 'holds' : 'does_not_hold' };
  if (process.env.GRID_VERDICT === 'does_not_hold') return { forceGateVerdict: 'does_not_hold' };
  return {};
}
const oracleMastery = process.env.GRID_ORACLE === 'true';
const observerMastery = observerFromEnv('GRID_OBSERVER');
/** GRID_MODEL_AFTER_VERDICT=true: the personalised arm's own model only once the gate check has decided (`modelAfterVerdict`). */
const modelAfterVerdict = process.env.GRID_MODEL_AFTER_VERDICT === 'true';
/** GRID_GATE_LABELS=elo: the gate check's ready labels from an Elo model no other flag source overrides, as at the station (`gateLabels`). */
const gateLabels = gateLabelsFromEnv('GRID_GATE_LABELS');
/** GRID_DRIVER=elo|logistic: the personalised arm's mastery flags from that model on every day (default: the rule of modelChoice.ts). */
const driverEnv = process.env.GRID_DRIVER;
if (driverEnv !== undefined && driverEnv !== 'elo' && driverEnv !== 'logistic') throw new Error(`GRID_DRIVER=${driverEnv}: use elo or logistic`);
const driver: Pick<CohortConfig, 'masteryDriver'> = driverEnv === 'elo' || driverEnv === 'logistic' ? { masteryDriver: driverEnv } : {};
const checkpoints = [20, 40, 60] as const;
const saved = (p: number, u: number) => (u > 0 ? 100 * (1 - p / u) : 0);
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]) => sum(xs) / xs.length;
const verdictLetter = { holds: 'H', does_not_hold: 'N', undecided: 'U' } as const;

for (const penalty of penalties) {
  const runs = seeds.map((seed) => {
    const config: CohortConfig = { seed, students: 30, days: 20, horizonDays: 250, checkpointDays: checkpoints, skills: graph.skills, unitSkills: graph.unit, learner: { prerequisitePenalty: penalty }, ...forcedVerdict(penalty) };
    const u = simulateArm(config, 'uniform');
    const p = simulateArm({ ...config, settings, oracleMastery, observerMastery, modelAfterVerdict, ...gateLabels, ...driver }, 'personalised');
    const at = checkpoints.map((_, i) => saved(p.checkpoints[i]?.meanMinutesToMastery ?? 0, u.checkpoints[i]?.meanMinutesToMastery ?? 0));
    return {
      saved: [...at, saved(p.meanMinutesToMastery, u.meanMinutesToMastery)],
      day20: (p.checkpoints[0]?.reachedMastery ?? 0) / p.students - (u.checkpoints[0]?.reachedMastery ?? 0) / u.students,
      verdict: verdictLetter[p.gate.kind],
      caps: u.capViolations + p.capViolations,
      censored: [u.censored, p.censored],
      falsePasses: [u.falsePasses, p.falsePasses, p.passes, p.falsePassShortfall],
    };
  });
  const cell = [0, 1, 2, 3].map((i) => mean(runs.map((r) => r.saved[i] as number)).toFixed(1)).join(' / ');
  emit({
    bench,
    figure: 'cohort_grid_cell',
    value: mean(runs.map((r) => r.saved[3] as number)),
    unit: '%',
    note: `penalty ${penalty}: saved at d20 / d40 / d60 / mastery ${cell} %; at mastery by day 20 ${(100 * mean(runs.map((r) => r.day20))).toFixed(1)} pp; verdicts ${runs.map((r) => r.verdict).join('')} (seeds ${seeds.join(', ')}); per seed to mastery ${runs.map((r) => (r.saved[3] as number).toFixed(1)).join(', ')}; cap violations ${runs.reduce((a, r) => a + r.caps, 0)}; censored class sheet / personalised ${sum(runs.map((r) => r.censored[0] as number))} / ${sum(runs.map((r) => r.censored[1] as number))}; false passes class sheet / personalised ${sum(runs.map((r) => r.falsePasses[0] as number))} / ${sum(runs.map((r) => r.falsePasses[1] as number))} of ${sum(runs.map((r) => r.falsePasses[2] as number))} passes (mean shortfall ${(sum(runs.map((r) => r.falsePasses[3] as number)) / Math.max(1, sum(runs.map((r) => r.falsePasses[1] as number)))).toFixed(2)} logits)`,
  });
}
