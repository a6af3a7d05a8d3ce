/**
 * Cohort simulation: uniform class worksheets (a teacher's calendar through the unit, core tier, the
 * same items for all) against personalised workbooks, both inside the daily cap with another subject
 * booking 20–80 of the 90 grade-7 minutes. 40 students, 5 seeds. Minutes until unit mastery (latent
 * truth) are followed past the 20-day window until every student has mastered the unit (at most 400
 * school days), so that they are observed, not cut off; the censored count says if any were not.
 * The 60-day restricted figure (students not there yet count their minutes so far) is kept for
 * comparison with earlier runs; it flatters the arm that leaves more students short of mastery.
 */
import type { ArmReport } from '../src/sim/armReport';
import type { CohortConfig } from '../src/sim/armSetup';
import { simulateArm } from '../src/sim/cohortSim';
import { loadG7Graph } from './lib/data';
import { emit } from './lib/emit';
import { gateLabelsFromEnv, observerFromEnv, settingsFromEnv } from './lib/settingsEnv';

/** COHORT_OBSERVER (true, or the observer's options as JSON): a diagnostic, the personalised arms' flags from the ideal observer; the figures then go out under cohort_observer. */
const observerMastery = observerFromEnv('COHORT_OBSERVER');
const bench = observerMastery ? 'cohort_observer' : 'cohort';
const graph = loadG7Graph();
const seeds = [1, 2, 3, 4, 5];
/** COHORT_SETTINGS: a candidate's learning settings (JSON) for the personalised arms; the class sheets keep the defaults. */
const settings = settingsFromEnv('COHORT_SETTINGS');
/** COHORT_GATE_LABELS=elo: the personalised arms' gate check labels answers by an Elo model no other flag source overrides, as at the station (`gateLabels`). */
const gateLabels = gateLabelsFromEnv('COHORT_GATE_LABELS');
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const verdictLetter = { holds: 'H', does_not_hold: 'N', undecided: 'U' } as const;
const base = (seed: number): CohortConfig => ({ seed, students: 40, days: 20, horizonDays: 400, restrictedDays: 60, skills: graph.skills, unitSkills: graph.unit });

const runs = seeds.map((seed) => ({
  uniform: simulateArm(base(seed), 'uniform'),
  personalised: simulateArm({ ...base(seed), settings, observerMastery, ...gateLabels }, 'personalised'),
  oracle: simulateArm({ ...base(seed), settings, oracleMastery: true }, 'personalised'),
  classPaced: simulateArm({ ...base(seed), uniformPacing: 'class_mastery' }, 'uniform'),
  uniformLatentReview: simulateArm({ ...base(seed), uniformReview: 'latent' }, 'uniform'),
  uniformRoundRobin: simulateArm({ ...base(seed), uniformReview: 'round_robin' }, 'uniform'),
}));
const saved = (a: ArmReport, b: ArmReport) => 100 * (1 - a.meanMinutesToMastery / b.meanMinutesToMastery);
const perSeed = runs.map((r) => saved(r.personalised, r.uniform));
const savedRestricted = (a: ArmReport, b: ArmReport) => 100 * (1 - a.restricted.meanMinutesToMastery / b.restricted.meanMinutesToMastery);
const perSeedRestricted = runs.map((r) => savedRestricted(r.personalised, r.uniform));
const censored = (k: 'uniform' | 'personalised' | 'oracle' | 'classPaced') => runs.reduce((a, r) => a + r[k].censored, 0);
const students = runs.reduce((a, r) => a + r.uniform.students, 0);

emit({ bench, figure: 'cohort_unit_skills', value: graph.unit.length, unit: 'skills', note: graph.source });
emit({ bench, figure: 'cohort_uniform_minutes_to_mastery', value: mean(runs.map((r) => r.uniform.meanMinutesToMastery)), unit: 'min/student', note: 'calendar-paced class sheet' });
emit({ bench, figure: 'cohort_personalised_minutes_to_mastery', value: mean(runs.map((r) => r.personalised.meanMinutesToMastery)), unit: 'min/student' });
emit({ bench, figure: 'cohort_minutes_saved_pct', value: mean(perSeed), goal: '>=30', unit: '%', note: `per seed: ${perSeed.map((x) => x.toFixed(1)).join(', ')}; gate verdicts ${runs.map((r) => verdictLetter[r.personalised.gate.kind]).join('')}; censored ${censored('uniform')} uniform / ${censored('personalised')} personalised of ${students}` });
emit({ bench, figure: 'cohort_minutes_saved_pct_worst_seed', value: Math.min(...perSeed), goal: '>=30', unit: '%' });
const daysSaved = runs.map((r) => 100 * (1 - r.personalised.meanDaysToMastery / r.uniform.meanDaysToMastery));
emit({ bench, figure: 'cohort_school_days_saved_pct', value: mean(daysSaved), unit: '%', note: `school days to unit mastery; per seed: ${daysSaved.map((x) => x.toFixed(1)).join(', ')}` });
for (const [key, label] of [['uniformLatentReview', 'after its calendar the class reviews the skills most students truly lack (a teacher who knows)'], ['uniformRoundRobin', 'after its calendar the class reviews every skill in turn']] as const) {
  const s = runs.map((r) => saved(r.personalised, r[key]));
  emit({ bench, figure: `cohort_minutes_saved_pct_vs_${key === 'uniformLatentReview' ? 'latent_review' : 'round_robin'}`, value: mean(s), unit: '%', note: `baseline sensitivity: ${label}; per seed: ${s.map((x) => x.toFixed(1)).join(', ')}` });
}
emit({
  bench,
  figure: 'cohort_minutes_saved_pct_restricted_60d',
  value: mean(perSeedRestricted),
  unit: '%',
  note: `run cut at 60 school days, students not there yet counted with their minutes so far (reached: ${runs.reduce((a, r) => a + r.uniform.restricted.reachedMastery, 0)} uniform / ${runs.reduce((a, r) => a + r.personalised.restricted.reachedMastery, 0)} personalised of ${students}); per seed: ${perSeedRestricted.map((x) => x.toFixed(1)).join(', ')}`,
});
emit({ bench, figure: 'cohort_uniform_median_minutes_to_mastery', value: mean(runs.map((r) => r.uniform.medianMinutesToMastery)), unit: 'min' });
emit({ bench, figure: 'cohort_personalised_median_minutes_to_mastery', value: mean(runs.map((r) => r.personalised.medianMinutesToMastery)), unit: 'min' });
emit({ bench, figure: 'cohort_uniform_days_to_mastery', value: mean(runs.map((r) => r.uniform.meanDaysToMastery)), unit: 'school days' });
emit({ bench, figure: 'cohort_personalised_days_to_mastery', value: mean(runs.map((r) => r.personalised.meanDaysToMastery)), unit: 'school days' });
emit({ bench, figure: 'cohort_uniform_reached_mastery_in_20_days', value: mean(runs.map((r) => r.uniform.reachedMasteryInWindow / r.uniform.students)), unit: 'share' });
emit({ bench, figure: 'cohort_personalised_reached_mastery_in_20_days', value: mean(runs.map((r) => r.personalised.reachedMasteryInWindow / r.personalised.students)), unit: 'share' });
emit({ bench, figure: 'cohort_uniform_minutes_per_day', value: mean(runs.map((r) => r.uniform.meanDailyMinutes)), unit: 'min', note: 'first 20 days' });
emit({ bench, figure: 'cohort_personalised_minutes_per_day', value: mean(runs.map((r) => r.personalised.meanDailyMinutes)), unit: 'min', note: 'first 20 days' });
const hist = (k: 'uniform' | 'personalised', f: 'finalLatentMastered' | 'finalEstimatedMastered') =>
  runs[0]?.[k][f].map((_, i) => runs.reduce((a, r) => a + (r[k][f][i] ?? 0), 0)) ?? [];
const meanSkills = (h: number[]) => h.reduce((a, n, i) => a + n * i, 0) / Math.max(1, h.reduce((a, n) => a + n, 0));
for (const k of ['uniform', 'personalised'] as const) {
  const h = hist(k, 'finalLatentMastered');
  emit({ bench, figure: `cohort_${k}_skills_mastered_day20`, value: meanSkills(h), unit: `of ${graph.unit.length} skills`, note: `latent; students by skills mastered 0..${graph.unit.length}: ${h.join(' ')}` });
}
const est = hist('personalised', 'finalEstimatedMastered');
emit({ bench, figure: 'cohort_personalised_estimated_skills_mastered_day20', value: meanSkills(est), unit: `of ${graph.unit.length} skills`, note: `model; students by skills mastered: ${est.join(' ')}` });
emit({ bench, figure: 'cohort_personalised_estimate_agreement', value: mean(runs.map((r) => r.personalised.estimateAgreement)), unit: 'share', note: 'model mastered vs latent, student × skill, day 20' });
for (const k of ['uniform', 'personalised'] as const) {
  const passes = runs.reduce((a, r) => a + r[k].passes, 0);
  const falsePasses = runs.reduce((a, r) => a + r[k].falsePasses, 0);
  const shortfall = runs.reduce((a, r) => a + r[k].falsePassShortfall, 0) / Math.max(1, falsePasses);
  emit({ bench, figure: `cohort_${k}_false_pass_share`, value: falsePasses / Math.max(1, passes), unit: 'share', note: `unit skills the model passed while latently short: ${falsePasses} of ${passes} passes; mean shortfall ${shortfall.toFixed(2)} logits (over all false passes)` });
}
emit({ bench, figure: 'cohort_personalised_review_minutes_share', value: mean(runs.map((r) => { const m = r.personalised.minutesByReason; const all = Object.values(m).reduce((a, b) => a + b, 0); return ((m.review ?? 0) + (m.review_sibling ?? 0)) / all; })), unit: 'share' });
emit({ bench, figure: 'cohort_cap_violations', value: runs.reduce((a, r) => a + r.uniform.capViolations + r.personalised.capViolations + r.oracle.capViolations + r.classPaced.capViolations + r.uniformLatentReview.capViolations + r.uniformRoundRobin.capViolations, 0), goal: '0', unit: 'student-days', note: 'all arms, all seeds, all days' });
const ll = (m: 'elo' | 'logistic') => mean(runs.map((r) => r.personalised.predictionLogLoss[m]));
emit({ bench, figure: 'cohort_personalised_logloss_elo', value: ll('elo'), note: 'every answer predicted before it was applied, personalised arm' });
emit({ bench, figure: 'cohort_personalised_logloss_logistic', value: ll('logistic'), note: 'shipped logistic parameter set (Spanish), item and skill terms learned online; the log-loss rule keeps Elo driving when this is higher' });
if (observerMastery) emit({ bench, figure: 'cohort_personalised_logloss_observer', value: mean(runs.map((r) => r.personalised.predictionLogLoss.observer ?? NaN)), note: 'the observer whose flags drive, every answer predicted before it was seen, personalised arm' });
emit({ bench, figure: 'cohort_oracle_minutes_saved_pct', value: mean(runs.map((r) => saved(r.oracle, r.uniform))), unit: '%', note: 'diagnostic: same selection, latent mastery instead of the model' });
// The same comparison for a first chapter of about nine skills (about four weeks of lessons).
const chapter = seeds.map((seed) => {
  const cfg: CohortConfig = { ...base(seed), unitSkills: graph.chapter };
  return { uniform: simulateArm(cfg, 'uniform'), personalised: simulateArm({ ...cfg, settings, observerMastery, ...gateLabels }, 'personalised'), oracle: simulateArm({ ...cfg, settings, oracleMastery: true }, 'personalised') };
});
const chapterSaved = chapter.map((r) => saved(r.personalised, r.uniform));
emit({ bench, figure: 'cohort_chapter_minutes_saved_pct', value: mean(chapterSaved), goal: '>=30', unit: '%', note: `${graph.chapter.length}-skill chapter; per seed: ${chapterSaved.map((x) => x.toFixed(1)).join(', ')}; censored ${chapter.reduce((a, r) => a + r.uniform.censored, 0)} uniform / ${chapter.reduce((a, r) => a + r.personalised.censored, 0)} personalised` });
emit({ bench, figure: 'cohort_chapter_uniform_minutes_to_mastery', value: mean(chapter.map((r) => r.uniform.meanMinutesToMastery)), unit: 'min/student' });
emit({ bench, figure: 'cohort_chapter_personalised_minutes_to_mastery', value: mean(chapter.map((r) => r.personalised.meanMinutesToMastery)), unit: 'min/student' });
emit({ bench, figure: 'cohort_chapter_oracle_minutes_saved_pct', value: mean(chapter.map((r) => saved(r.oracle, r.uniform))), unit: '%', note: 'diagnostic' });
emit({ bench, figure: 'cohort_chapter_cap_violations', value: chapter.reduce((a, r) => a + r.uniform.capViolations + r.personalised.capViolations + r.oracle.capViolations, 0), goal: '0', unit: 'student-days' });
emit({ bench, figure: 'cohort_saved_vs_class_mastery_pacing_pct', value: mean(runs.map((r) => saved(r.personalised, r.classPaced))), unit: '%', note: 'baseline 2: uniform sheet moves on when 80% of the class is estimated mastered' });
