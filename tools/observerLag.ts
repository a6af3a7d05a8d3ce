/**
 * Where the station's model falls short of the ideal observer (docs/mastery.md, section 6, round 14): runs the
 * personalised arm on the model's flags, feeds the same answers to an ideal observer beside it, and reports, per
 * student × unit skill, the school day each first passes it, and the model's state on the day the observer passes a
 * skill the model has not. The observer's pass here is its first day with P(level ≥ the line) ≥ the confidence (no
 * hysteresis, no minimum of answers). `SEED` (default 7001), `SETTINGS` (learning settings as JSON for the arm).
 * `node --import tsx tools/observerLag.ts`
 */
import { loadG7Graph } from '../bench/lib/data';
import { daysBetween } from '../src/domain/learning/dates';
import { masteryOf } from '../src/domain/learning/mastery';
import { LearningSettings } from '../src/domain/learning/settings';
import { idealObserverFor, setUpArm } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';

const graph = loadG7Graph();
const settings = LearningSettings.parse(JSON.parse(process.env.SETTINGS ?? '{}'));
const config = { seed: Number(process.env.SEED ?? 7001), students: 30, days: 20, horizonDays: 20, skills: graph.skills, unitSkills: graph.unit, settings };
const observer = idealObserverFor(setUpArm(config, 'personalised'));
const firstObserver = new Map<string, number>();
const firstModel = new Map<string, number>();
const modelAtObserverPass: { n: number; theta: number; sd: number; confidence: number; observerMean: number; latent: number }[] = [];
let previous: string | null = null;

simulateArm(
  {
    ...config,
    onDay: (day) => {
      if (previous) observer.forget(Math.max(1, daysBetween(previous, day.date)));
      previous = day.date;
      for (const r of day.answers) observer.observe(r.studentId, r.itemId, r.correct);
      for (const st of day.students)
        for (const skill of graph.unit) {
          const key = `${st.id}|${skill}`;
          const record = day.mastery.students.get(st.id)?.get(skill);
          if (!firstModel.has(key) && record?.mastered) firstModel.set(key, day.dayIndex);
          if (firstObserver.has(key) || observer.pKnown(st.id, skill) < settings.mastery.masteredConfidence) continue;
          firstObserver.set(key, day.dayIndex);
          if (!record || record.mastered) continue;
          const m = masteryOf(day.mastery, st.id, skill, settings);
          modelAtObserverPass.push({ n: m.n, theta: record.theta, sd: Math.sqrt(record.variance), confidence: m.confidence, observerMean: observer.meanLevel(st.id, skill), latent: st.level.get(skill) ?? NaN });
        }
    },
  },
  'personalised',
);

const lags = [...firstObserver].flatMap(([key, day]) => (firstModel.has(key) ? [(firstModel.get(key) as number) - day] : []));
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const at = (f: (x: (typeof modelAtObserverPass)[number]) => number) => Number(mean(modelAtObserverPass.map(f)).toFixed(2));
console.log(
  JSON.stringify({
    seed: config.seed,
    passes: { observer: firstObserver.size, model: firstModel.size, both: lags.length },
    modelLaterBySchoolDays: Number(mean(lags).toFixed(2)),
    modelAtObserverPass: { skills: modelAtObserverPass.length, answers: at((x) => x.n), theta: at((x) => x.theta), sd: at((x) => x.sd), confidence: at((x) => x.confidence), observerMean: at((x) => x.observerMean), latent: at((x) => x.latent) },
  }),
);
