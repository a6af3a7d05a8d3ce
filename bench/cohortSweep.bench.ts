/**
 * The cohort comparison across plausible worlds (src/sim/worlds.ts): the central assumptions and each
 * assumption moved to each end of its range, one at a time. Seeds 9001–9002 were never used to tune
 * anything (bench/cohort.bench.ts and development used 1–5); 30 students and a 250-school-day horizon
 * per cell keep the sweep to a few minutes, so it uses fewer seeds than the central bench.
 * Per cell: minutes saved (1 − personalised / class sheet) had the run stopped at 20, 40 and 60
 * school days (students not there yet count their minutes so far) and at unit mastery, and the share
 * of students at unit mastery by day 20 (personalised − class sheet). The cells run in two child
 * processes (SWEEP_SHARD=i/n runs every n-th cell and prints them as JSON). SWEEP_SETTINGS: a
 * candidate's learning settings for the personalised arm; SWEEP_OBSERVER: its flags from the ideal observer. Each cell prints the gate verdict per seed (H holds,
 * N does not hold, U undecided): a flipped verdict moves a seed by 5–15 points.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { simulateArm } from '../src/sim/cohortSim';
import type { CohortConfig } from '../src/sim/armSetup';
import { sweepWorlds } from '../src/sim/worlds';
import { loadG7Graph } from './lib/data';
import { emit } from './lib/emit';
import { gateLabelsFromEnv, observerFromEnv, settingsFromEnv } from './lib/settingsEnv';

/** SWEEP_OBSERVER (true, or the observer's options as JSON): a diagnostic, the personalised arm's flags from the ideal observer; the figures then go out under cohort_sweep_observer. */
const observerMastery = observerFromEnv('SWEEP_OBSERVER');
const bench = observerMastery ? 'cohort_sweep_observer' : 'cohort_sweep';
/** SWEEP_MODEL_AFTER_VERDICT=true: the personalised arm's own model only once the gate check has decided (`modelAfterVerdict`). */
const modelAfterVerdict = process.env.SWEEP_MODEL_AFTER_VERDICT === 'true';
/** SWEEP_GATE_LABELS=elo: the gate check's ready labels from an Elo model no other flag source overrides, as at the station (`gateLabels`). */
const gateLabels = gateLabelsFromEnv('SWEEP_GATE_LABELS');
const graph = loadG7Graph();
const seeds = [9001, 9002];
/** SWEEP_SETTINGS: a candidate's learning settings (JSON) for the personalised arm; the class sheet keeps the defaults. */
const settings = settingsFromEnv('SWEEP_SETTINGS');
const checkpoints = [20, 40, 60] as const;
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const saved = (p: number, u: number) => (u > 0 ? 100 * (1 - p / u) : 0);

type Cell = { label: string; saved: Record<string, number>; masteredDay20Diff: number; capViolations: number; censored: number[]; falsePasses: number[]; verdicts: string };
const verdictLetter = { holds: 'H', does_not_hold: 'N', undecided: 'U' } as const;
function runCell(world: ReturnType<typeof sweepWorlds>[number]): Cell {
  const per = seeds.map((seed) => {
    const config: CohortConfig = { seed, students: 30, days: 20, horizonDays: 250, restrictedDays: 60, checkpointDays: checkpoints, skills: graph.skills, unitSkills: graph.unit, ...world.config };
    const u = simulateArm(config, 'uniform');
    const p = simulateArm({ ...config, settings, observerMastery, modelAfterVerdict, ...gateLabels }, 'personalised');
    const at: Record<string, number> = Object.fromEntries(checkpoints.map((d, i) => [`d${d}`, saved(p.checkpoints[i]?.meanMinutesToMastery ?? 0, u.checkpoints[i]?.meanMinutesToMastery ?? 0)]));
    const savedAt: Record<string, number> = { ...at, mastery: saved(p.meanMinutesToMastery, u.meanMinutesToMastery) };
    return {
      saved: savedAt,
      masteredDay20Diff: (p.checkpoints[0]?.reachedMastery ?? 0) / p.students - (u.checkpoints[0]?.reachedMastery ?? 0) / u.students,
      capViolations: u.capViolations + p.capViolations,
      censored: [u.censored, p.censored],
      falsePasses: [u.falsePasses, p.falsePasses],
      verdict: verdictLetter[p.gate.kind],
    };
  });
  const keys = Object.keys(per[0]?.saved ?? {});
  const cell: Cell = {
    label: world.label,
    saved: Object.fromEntries(keys.map((k) => [k, mean(per.map((x) => x.saved[k] as number))])),
    masteredDay20Diff: mean(per.map((x) => x.masteredDay20Diff)),
    capViolations: per.reduce((a, x) => a + x.capViolations, 0),
    censored: [0, 1].map((arm) => per.reduce((a, x) => a + (x.censored[arm] as number), 0)),
    falsePasses: [0, 1].map((arm) => per.reduce((a, x) => a + (x.falsePasses[arm] as number), 0)),
    verdicts: per.map((x) => x.verdict).join(''),
  };
  return cell;
}

const shard = process.env.SWEEP_SHARD?.match(/^(\d+)\/(\d+)$/);
if (shard) {
  const [i, n] = [Number(shard[1]), Number(shard[2])];
  const mine = sweepWorlds().filter((_, k) => k % n === i);
  console.log(JSON.stringify(mine.map(runCell)));
} else await report();

async function report(): Promise<void> {
  const t = performance.now();
  const shards = 2;
  const outputs = await Promise.all(
    Array.from({ length: shards }, (_, i) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env: { ...process.env, SWEEP_SHARD: `${i}/${shards}` }, maxBuffer: 1 << 24 }),
    ),
  );
  const byLabel = new Map(outputs.flatMap((o) => JSON.parse(o.stdout) as Cell[]).map((c) => [c.label, c]));
  const cells = sweepWorlds().map((w) => byLabel.get(w.label) as Cell);
  for (const c of cells)
    emit({ bench, figure: `cohort_sweep_cell`, value: c.saved.mastery ?? NaN, unit: '%', note: `${c.label}: saved at d20 ${c.saved.d20?.toFixed(1)}, d40 ${c.saved.d40?.toFixed(1)}, d60 ${c.saved.d60?.toFixed(1)}, mastery ${c.saved.mastery?.toFixed(1)}; mastered by day 20 ${(100 * c.masteredDay20Diff).toFixed(1)} pp; censored class sheet / personalised ${c.censored.join(' / ')}; false passes class sheet / personalised ${c.falsePasses.join(' / ')}; gate verdicts ${c.verdicts}` });
  const worst = cells.flatMap((c) => Object.entries(c.saved).map(([k, v]) => ({ cell: c.label, at: k, v }))).sort((a, b) => a.v - b.v)[0];
  emit({ bench, figure: 'cohort_sweep_min_saved_pct', value: worst?.v ?? NaN, goal: '>=0', unit: '%', note: `worst cell: ${worst?.cell} at ${worst?.at}; seeds ${seeds.join(', ')}, 30 students` });
  const worstDay20 = [...cells].sort((a, b) => a.masteredDay20Diff - b.masteredDay20Diff)[0];
  emit({ bench, figure: 'cohort_sweep_min_mastered_day20_diff', value: worstDay20?.masteredDay20Diff ?? NaN, goal: '>=0', unit: 'share', note: `personalised − class sheet, students at unit mastery by day 20; worst cell: ${worstDay20?.label}` });
  const central = cells[0];
  emit({ bench, figure: 'cohort_sweep_central_saved_pct', value: central?.saved.mastery ?? NaN, goal: '>=30', unit: '%', note: `central world on unseen seeds; at d60 ${central?.saved.d60?.toFixed(1)}` });
  emit({ bench, figure: 'cohort_sweep_cap_violations', value: cells.reduce((a, c) => a + c.capViolations, 0), goal: '0', unit: 'student-days', note: 'both arms, every cell and seed' });
  emit({ bench, figure: 'cohort_sweep_s', value: (performance.now() - t) / 1000, unit: 's', note: `${cells.length} cells × ${seeds.length} seeds × 2 arms` });
}
