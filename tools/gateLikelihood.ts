/**
 * A gate verdict from likelihoods, measured (docs/mastery.md, section 6, round 16): the day's answers of the
 * personalised arm (the default model driving, so the answers are the shipped station's) read by two factored observers
 * with the same fixed central beliefs but for the prerequisite penalty: 0.3 (the gate holds) and 1 (it does not). Each
 * answer is predicted by both before either sees it; the line prints the log-likelihood ratio (gate − no gate) on days
 * 3, 5, 7, 10, 15 and 20 beside the station's gap verdict on the same run. `WORLDS` (the worlds' penalties, default
 * 0.3,1), `SEEDS` (default 7001–7004, the tuning seeds), `LEARNER` (other learner parameters of the world as JSON, e.g.
 * '{"guess":0.25,"slip":0.15}'), `DAYS` (default 20). `node --import tsx tools/gateLikelihood.ts` (about a minute a run).
 */
import { loadG7Graph } from '../bench/lib/data';
import { daysBetween } from '../src/domain/learning/dates';
import { idealObserverFor, setUpArm, type CohortConfig, type DayTrace } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';
import { DEFAULT_LEARNER } from '../src/sim/learner';

const graph = loadG7Graph();
const days = Number(process.env.DAYS ?? 20);
const list = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').map(Number);
/** Round 15's beliefs (the whole central learner, no order: the start line learned from the class) with `penalty`. */
const beliefs = (penalty: number) =>
  ({ filter: 'factored', difficulty: 'bank', hysteresis: false, skillPrior: 'rank', rateAbilityTie: 0, particles: 200, assume: { ...DEFAULT_LEARNER, startLevel: -0.15, dropPerRank: 0, prerequisitePenalty: penalty } }) as const;

for (const world of list(process.env.WORLDS, '0.3,1'))
  for (const seed of list(process.env.SEEDS, '7001,7002,7003,7004')) {
    const learner = { ...(JSON.parse(process.env.LEARNER ?? '{}') as object), prerequisitePenalty: world };
    const config: CohortConfig = { seed, students: 30, days: 20, horizonDays: days, skills: graph.skills, unitSkills: graph.unit, learner };
    const trace: DayTrace[] = [];
    const report = simulateArm({ ...config, onDay: (d) => trace.push(d) }, 'personalised');
    const observers = [0.3, 1].map((penalty) => idealObserverFor(setUpArm({ ...config, observerMastery: beliefs(penalty) }, 'personalised')));
    const logLikelihood = [0, 0];
    const byDay: string[] = [];
    let previous: string | null = null;
    for (const day of trace) {
      if (previous) for (const o of observers) o.forget(Math.max(1, daysBetween(previous, day.date)));
      previous = day.date;
      for (const r of day.answers)
        observers.forEach((o, i) => {
          const p = o.predict(r.studentId, r.itemId);
          logLikelihood[i] = (logLikelihood[i] as number) + Math.log(r.correct ? p : 1 - p);
          o.observe(r.studentId, r.itemId, r.correct);
        });
      for (const o of observers) o.updateClassPriors();
      if ([3, 5, 7, 10, 15, 20, 30, 40].includes(day.dayIndex + 1)) byDay.push(`d${day.dayIndex + 1} ${((logLikelihood[0] as number) - (logLikelihood[1] as number)).toFixed(1)}`);
    }
    console.log(`world penalty ${world}, seed ${seed}: log-likelihood ratio, gate − no gate: ${byDay.join(', ')}; the station's gap verdict ${report.gate.kind} (gap ${report.gate.gap.toFixed(3)})`);
  }
