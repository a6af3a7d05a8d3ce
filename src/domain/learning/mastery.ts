import { z } from 'zod';
import type { GradedResponse } from '../response';
import { err, ok, type Result } from '../result';
import { daysBetween } from './dates';
import type { LearningSettings, ModelParams } from './settings';

/**
 * Online Elo mastery model, one ability per student × skill and one difficulty per item, with a
 * 4PL-style likelihood (a guess floor and a slip ceiling) and learning from practice:
 *
 *   P(correct) = guess + (1 − guess − slip) · sigmoid(theta[student, skill] − b[item])
 *
 * Each ability and difficulty carries a variance. An update is one Laplace (Kalman-like) step with
 * the answer's score and Fisher information (for guess = slip = 0: score = y − p, info = p(1 − p)),
 * so the K factor is the variance itself: large for a skill never seen, shrinking with every
 * observation, growing again with practice (drift per observation) and with the calendar days
 * between observations (drift per day). After the step, theta gains learnPerMinute × the item's
 * minutes (× learnOnWrongShare for a wrong answer): students learn while they practise, so the
 * estimate follows the student through the day instead of lagging behind it. Items are updated the
 * same way with the opposite sign, starting from the bank's `difficulty` (or a district calibration).
 * y = score / maxScore, so partly right open items count in part. An item with several skills
 * updates each of them with the item's score.
 *
 * A skill never seen starts from a hierarchical prior: the class's mean estimated start on the skill
 * plus the student's offset from the class on the skills already seen (see `priorRecord`).
 *
 * "Mastered" is decided once per batch (a day's scan): P(theta > the ability at which the reference
 * item is answered with p = masteredP) ≥ masteredConfidence, after masteredMinObservations. It is
 * sticky: lost only when p falls below masteryLostBelowP. docs/mastery.md has the defaults.
 *
 * Two options, off by default: a per-student learning rate (model.learnRateVariance > 0: the credited
 * gain × exp(logRate), estimated online, `updatedRate`), and a pass that counts only part of the gain
 * credited on a skill's last answer date (mastery.passCreditShare < 1).
 */

export type SkillRecord = {
  readonly theta: number;
  readonly variance: number;
  /** Observations so far. */
  readonly n: number;
  /** ISO date of the last observation. */
  readonly lastDate: string | null;
  readonly lastSeq: number;
  /** Wrong answers in a row on this skill (reset by a correct one). */
  readonly wrongStreak: number;
  /** Sequence number of the last wrong answer (−1 = none). */
  readonly lastWrongSeq: number;
  /**
   * Sticky mastery (hysteresis): set when P(theta > threshold) ≥ masteredConfidence, cleared only when
   * p falls below masteryLostBelowP. One slip does not un-master a skill.
   */
  readonly mastered: boolean;
  /** Ability credited to practice so far (model.learnPerMinute × minutes); theta − learned estimates the start. */
  readonly learned?: number;
  /** Covariance of theta with the student's log learning rate (only with the per-student rate on). */
  readonly rateCov?: number;
  /** Gain credited on `lastDate` (only with mastery.passCreditShare < 1): practice no later day's answer has checked yet. */
  readonly creditOnLastDate?: number;
};

/**
 * A student's learning-rate multiplier on the credited gain, exp(logRate), as a normal posterior on
 * logRate (prior N(0, model.learnRateVariance)); `n` counts the answers that informed it.
 */
export type LearnRate = { readonly logRate: number; readonly variance: number; readonly n: number };

export type CalibrationSource = 'bank' | 'local' | 'district';
export type ItemParam = { readonly b: number; readonly variance: number; readonly n: number; readonly source: CalibrationSource };

export type MasteryState = {
  /** The model parameter set the abilities were estimated with (settings.model.version). */
  readonly modelVersion: string;
  /** 'bank' until district-calibrated difficulties replace it (`replaceCalibration`). */
  readonly calibrationVersion: string;
  /** Responses with seq ≤ this were applied already; re-applying them is a no-op. */
  readonly appliedThroughSeq: number;
  /** student → skill → record */
  readonly students: ReadonlyMap<string, ReadonlyMap<string, SkillRecord>>;
  /** Items whose difficulty moved away from the bank prior (or came from a calibration). */
  readonly items: ReadonlyMap<string, ItemParam>;
  /** student → item → ISO date of the last attempt (used to avoid repeats). */
  readonly attempts: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** student → learning rate (empty unless model.learnRateVariance > 0). */
  readonly rates: ReadonlyMap<string, LearnRate>;
};

/** What mastery needs to know about an item: its bank difficulty. */
export type DifficultySource = ReadonlyMap<string, { readonly difficulty?: number | undefined; readonly minutes?: number | undefined }>;

export type Mastery = {
  /** P(correct) on a reference item (settings.mastery.referenceDifficulty), integrated over uncertainty. */
  p: number;
  /** SD of the ability estimate, in logits. */
  uncertainty: number;
  /** Observations of the skill. */
  n: number;
  theta: number;
  /** P(theta > the ability at which p = masteredP). */
  confidence: number;
  /** The sticky mastery flag (see the module comment). */
  mastered: boolean;
};

const PI_OVER_8 = Math.PI / 8;

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Probit-style shrink of a logit by its uncertainty (the expected sigmoid under a normal). */
function expectedSigmoid(mean: number, variance: number): number {
  return sigmoid(mean / Math.sqrt(1 + PI_OVER_8 * variance));
}

/** Expected P(correct) when z is uncertain (normal with this variance). */
function expectedResponse(z: number, variance: number, m: ModelParams): number {
  return m.guess + (1 - m.guess - m.slip) * expectedSigmoid(z, variance);
}

/**
 * Score and Fisher information of one answer with outcome y ∈ [0, 1] at z = theta − b:
 *   P = g + (1 − g − s) σ(z),  dP/dz = (1 − g − s) σ (1 − σ)
 *   score = dP/dz · (y − P) / (P (1 − P)),  info = (dP/dz)² / (P (1 − P))
 * With g = s = 0 this is the plain Elo step: score = y − σ, info = σ (1 − σ).
 */
function scoreAndInfo(z: number, y: number, m: ModelParams): { score: number; info: number } {
  const q = sigmoid(z);
  const scale = 1 - m.guess - m.slip;
  if (m.guess === 0 && m.slip === 0) return { score: y - q, info: q * (1 - q) };
  const dp = scale * q * (1 - q);
  const p = m.guess + scale * q;
  const pq = Math.max(1e-9, p * (1 - p));
  return { score: (dp * (y - p)) / pq, info: (dp * dp) / pq };
}

/** The ability at which P(correct on the reference item) = masteredP. */
export function masteryThreshold(settings: LearningSettings): number {
  const m = settings.model;
  const q = (settings.mastery.masteredP - m.guess) / (1 - m.guess - m.slip);
  return settings.mastery.referenceDifficulty + Math.log(q / (1 - q));
}

export function emptyMasteryState(settings: LearningSettings, calibrationVersion = 'bank'): MasteryState {
  return {
    modelVersion: settings.model.version,
    calibrationVersion,
    appliedThroughSeq: -Infinity,
    students: new Map(),
    items: new Map(),
    attempts: new Map(),
    rates: new Map(),
  };
}

/** The student's learning rate: the posterior, or the prior for a student not seen yet. */
export function learnRateOf(state: Pick<MasteryState, 'rates'>, studentId: string, settings: LearningSettings): LearnRate {
  return state.rates.get(studentId) ?? { logRate: 0, variance: settings.model.learnRateVariance, n: 0 };
}

/** Class-wide sums of the estimated starting ability per skill (theta − learned), over students seen on it. */
type StartStats = Map<string, { sum: number; n: number }>;

/** Start statistics of a frozen state, computed once per state (states are immutable). */
const startStatsCache = new WeakMap<MasteryState['students'], StartStats>();

function computeStartStats(students: MasteryState['students']): StartStats {
  const stats: StartStats = new Map();
  for (const skills of students.values())
    for (const [id, r] of skills) {
      if (r.n === 0) continue;
      const e = stats.get(id);
      if (e) {
        e.sum += r.theta - (r.learned ?? 0);
        e.n++;
      } else stats.set(id, { sum: r.theta - (r.learned ?? 0), n: 1 });
    }
  return stats;
}

function startStatsOf(state: MasteryState): StartStats {
  let stats = startStatsCache.get(state.students);
  if (!stats) startStatsCache.set(state.students, (stats = computeStartStats(state.students)));
  return stats;
}

/** The class's mean starting ability on a skill, shrunk toward priorTheta by `skillMeanPseudoCount`. */
function classStart(stats: StartStats, skillId: string, settings: LearningSettings): { mean: number; variance: number } {
  const m = settings.model;
  const e = stats.get(skillId);
  const n = e?.n ?? 0;
  const k = m.skillMeanPseudoCount;
  return { mean: ((e?.sum ?? 0) + k * m.priorTheta) / (n + k), variance: (m.priorThetaVariance * k) / (n + k) };
}

/**
 * The prior for a skill the student has not been seen on (a hierarchical prior):
 *   start[student, skill] = classStart[skill] + offset[student] + deviation,
 * where classStart is the mean estimated starting ability of the students already seen on the skill
 * (theta minus what practice added), offset is the student's mean distance from the class on the
 * skills already observed (shrunk: N(0, studentOffsetVariance) prior, each skill one noisy look),
 * and deviation ~ N(0, skillDeviationVariance). `transferFromOtherSkills` scales the offset.
 * The variance never exceeds priorThetaVariance.
 */
function priorRecord(settings: LearningSettings, stats: StartStats, skillId: string, others?: ReadonlyMap<string, SkillRecord>): SkillRecord {
  const m = settings.model;
  const cls = classStart(stats, skillId, settings);
  let offset = 0;
  let offsetVariance = m.studentOffsetVariance;
  if (others && others.size > 0 && m.transferFromOtherSkills > 0) {
    let num = 0;
    let den = 1 / m.studentOffsetVariance;
    for (const [id, r] of others) {
      if (r.n === 0) continue;
      const c = classStart(stats, id, settings);
      const w = 1 / (m.skillDeviationVariance + r.variance + c.variance);
      num += w * (r.theta - (r.learned ?? 0) - c.mean);
      den += w;
    }
    offset = (m.transferFromOtherSkills * num) / den;
    offsetVariance = 1 / den;
  }
  return {
    theta: cls.mean + offset,
    variance: Math.min(m.priorThetaVariance, m.skillDeviationVariance + offsetVariance + cls.variance),
    n: 0,
    lastDate: null,
    lastSeq: -1,
    wrongStreak: 0,
    lastWrongSeq: -1,
    mastered: false,
    learned: 0,
  };
}

export function skillRecord(state: MasteryState, studentId: string, skillId: string, settings: LearningSettings): SkillRecord {
  const skills = state.students.get(studentId);
  return skills?.get(skillId) ?? priorRecord(settings, startStatsOf(state), skillId, skills);
}

/** Variance after `days` of drift, capped at the prior. */
function drifted(rec: SkillRecord, date: string | null, settings: LearningSettings): number {
  if (!rec.lastDate || !date || settings.model.thetaDriftPerDay === 0) return rec.variance;
  const days = Math.max(0, daysBetween(rec.lastDate, date));
  return Math.min(Math.max(rec.variance, settings.model.priorThetaVariance), rec.variance + days * settings.model.thetaDriftPerDay);
}

export function itemParam(state: MasteryState, itemId: string, bank: DifficultySource, settings: LearningSettings): ItemParam {
  return (
    state.items.get(itemId) ?? {
      b: (bank.get(itemId)?.difficulty ?? 0) * settings.model.bankDifficultyScale,
      variance: settings.model.itemPriorVariance,
      n: 0,
      source: 'bank',
    }
  );
}

/** Mastery of one skill for one student. `asOf` (ISO date) adds the drift since the last observation. */
export function masteryOf(state: MasteryState, studentId: string, skillId: string, settings: LearningSettings, asOf?: string): Mastery {
  const rec = skillRecord(state, studentId, skillId, settings);
  const variance = asOf ? drifted(rec, asOf, settings) : rec.variance;
  const p = expectedResponse(rec.theta - settings.mastery.referenceDifficulty, variance, settings.model);
  const uncertainty = Math.sqrt(variance);
  return { p, uncertainty, n: rec.n, theta: rec.theta, confidence: masteryConfidence(rec.theta, variance, settings), mastered: rec.mastered };
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** P(theta > the ability at which P(correct on the reference item) = masteredP). */
export function masteryConfidence(theta: number, variance: number, settings: LearningSettings): number {
  return normalCdf((theta - masteryThreshold(settings)) / Math.sqrt(variance));
}

/**
 * The mastery flag after an update (hysteresis): reached when P(theta > theta at masteredP) ≥
 * masteredConfidence after masteredMinObservations; once reached, lost only when p < masteryLostBelowP.
 */
function nextMastered(wasMastered: boolean, theta: number, variance: number, n: number, settings: LearningSettings, unchecked = 0): boolean {
  if (wasMastered) return expectedResponse(theta - settings.mastery.referenceDifficulty, variance, settings.model) >= settings.mastery.masteryLostBelowP;
  const passTheta = theta - (1 - settings.mastery.passCreditShare) * unchecked;
  return n >= settings.mastery.masteredMinObservations && masteryConfidence(passTheta, variance, settings) >= settings.mastery.masteredConfidence;
}

/** Predicted P(correct) of a student on an item (mean ability over the item's skills, with uncertainty). */
export function predictCorrect(
  state: MasteryState,
  studentId: string,
  item: { readonly id: string; readonly skills: readonly string[]; readonly difficulty?: number | undefined },
  bank: DifficultySource,
  settings: LearningSettings,
  asOf?: string,
): number {
  const ip = state.items.get(item.id) ?? {
    b: (item.difficulty ?? bank.get(item.id)?.difficulty ?? 0) * settings.model.bankDifficultyScale,
    variance: settings.model.itemPriorVariance,
  };
  let theta = 0;
  let variance = 0;
  const m = item.skills.length || 1;
  for (const skill of item.skills) {
    const rec = skillRecord(state, studentId, skill, settings);
    theta += rec.theta / m;
    variance += (asOf ? drifted(rec, asOf, settings) : rec.variance) / m;
  }
  if (item.skills.length === 0) {
    theta = settings.model.priorTheta;
    variance = settings.model.priorThetaVariance;
  }
  return expectedResponse(theta - ip.b, variance + ip.variance, settings.model);
}

/** Mutable working copy of a state for one batch: copy-on-write per student. */
class Work {
  readonly students: Map<string, ReadonlyMap<string, SkillRecord>>;
  readonly items: Map<string, ItemParam>;
  readonly attempts: Map<string, ReadonlyMap<string, string>>;
  readonly rates: Map<string, LearnRate>;
  readonly startStats: StartStats;
  private readonly ownStudents = new Set<string>();
  private readonly ownAttempts = new Set<string>();
  appliedThroughSeq: number;

  constructor(readonly base: MasteryState) {
    this.students = new Map(base.students);
    this.items = new Map(base.items);
    this.attempts = new Map(base.attempts);
    this.rates = new Map(base.rates);
    this.appliedThroughSeq = base.appliedThroughSeq;
    this.startStats = new Map([...startStatsOf(base)].map(([k, v]) => [k, { ...v }]));
  }

  /** Keeps the class start statistics in step with a record that changed. */
  track(skillId: string, before: SkillRecord, after: SkillRecord): void {
    const e = this.startStats.get(skillId) ?? { sum: 0, n: 0 };
    if (before.n > 0) e.sum -= before.theta - (before.learned ?? 0);
    else e.n++;
    e.sum += after.theta - (after.learned ?? 0);
    this.startStats.set(skillId, e);
  }

  skillsOf(studentId: string): Map<string, SkillRecord> {
    if (!this.ownStudents.has(studentId)) {
      this.students.set(studentId, new Map(this.students.get(studentId) ?? []));
      this.ownStudents.add(studentId);
    }
    return this.students.get(studentId) as Map<string, SkillRecord>;
  }

  attemptsOf(studentId: string): Map<string, string> {
    if (!this.ownAttempts.has(studentId)) {
      this.attempts.set(studentId, new Map(this.attempts.get(studentId) ?? []));
      this.ownAttempts.add(studentId);
    }
    return this.attempts.get(studentId) as Map<string, string>;
  }

  /** Decides mastery once per batch (a day's scan), not after every answer: fewer looks, fewer false passes. */
  decideMastery(settings: LearningSettings): void {
    for (const studentId of this.ownStudents) {
      const skills = this.students.get(studentId) as Map<string, SkillRecord>;
      for (const [id, rec] of skills) {
        const mastered = nextMastered(rec.mastered, rec.theta, rec.variance, rec.n, settings, rec.creditOnLastDate);
        if (mastered !== rec.mastered) skills.set(id, { ...rec, mastered });
      }
    }
  }

  freeze(): MasteryState {
    startStatsCache.set(this.students, this.startStats);
    return {
      modelVersion: this.base.modelVersion,
      calibrationVersion: this.base.calibrationVersion,
      appliedThroughSeq: this.appliedThroughSeq,
      students: this.students,
      items: this.items,
      attempts: this.attempts,
      rates: this.rates,
    };
  }
}

/** Observed outcome in [0, 1]: score / maxScore (partial credit), or the correct flag. */
export function outcomeOf(r: Pick<GradedResponse, 'score' | 'maxScore' | 'correct'>): number {
  if (r.maxScore > 0 && Number.isFinite(r.score)) return Math.min(1, Math.max(0, r.score / r.maxScore));
  return r.correct ? 1 : 0;
}

/**
 * The per-student learning rate, one step of an extended Kalman filter over (theta[skill], logRate).
 * The credited gain is learnPerMinute × minutes × exp(logRate), so every credit makes theta depend on
 * the rate: d theta / d logRate grows by the gain, and the record keeps that dependence as the
 * covariance `rateCov` (with the rate's variance V: rateCov += gain·V). An answer's residual then
 * moves the rate in proportion to that covariance (mean over the item's skills c, at the answer's
 * ability variance v and information I):
 *   logRate' = logRate + c·score / (1 + I·v),  V' = V − c²·I / (1 + I·v)
 * and the skill's covariance shrinks with its variance (rateCov / (1 + I·v)). So a student whose
 * answers fall short after credited practice, on any skill, is credited less on every skill from
 * then on; answers on skills never practised say nothing about the rate. The covariance between two
 * skills through the rate is not kept (each record carries its own covariance with the rate only).
 */
function updatedRate(prior: LearnRate, recs: readonly SkillRecord[], variance: number, residual: number, info: number, m: ModelParams): LearnRate {
  const c = recs.reduce((sum, rec) => sum + (rec.rateCov ?? 0), 0) / recs.length;
  if (c === 0) return prior;
  const denom = 1 + info * variance;
  const bound = Math.log(m.learnRateMaxFactor);
  return {
    logRate: Math.min(bound, Math.max(-bound, prior.logRate + (c * residual) / denom)),
    // The floor never lies above the prior: evidence must not widen the rate.
    variance: Math.max(Math.min(m.learnRateMinVariance, m.learnRateVariance), prior.variance - (c * c * info) / denom),
    n: prior.n + 1,
  };
}

/**
 * After a gain credited at an uncertain rate: theta's covariance with the rate grows by gain·V, and
 * (with learnRateWidensVariance) its variance by 2·gain·rateCov + gain²·V, up to the prior variance,
 * so the unverified part of the credit counts less toward a pass than observed success does.
 */
function creditUncertainty(variance: number, rateCov: number, gain: number, rateVariance: number, m: ModelParams): { variance: number; rateCov: number } {
  const widened = m.learnRateWidensVariance ? Math.min(Math.max(variance, m.priorThetaVariance), variance + 2 * gain * rateCov + gain * gain * rateVariance) : variance;
  const cov = rateCov + gain * rateVariance;
  const bound = Math.sqrt(widened * rateVariance);
  return { variance: widened, rateCov: Math.min(bound, cov) };
}

/** Applies one response; returns the prediction made before the update. */
function applyOne(work: Work, r: GradedResponse, bank: DifficultySource, settings: LearningSettings): number {
  const s = settings.model;
  const skills = work.skillsOf(r.studentId);
  const item = work.items.get(r.itemId) ?? {
    b: (bank.get(r.itemId)?.difficulty ?? 0) * s.bankDifficultyScale,
    variance: s.itemPriorVariance,
    n: 0,
    source: 'bank' as const,
  };
  const ids = r.skills.length ? r.skills : [];
  const m = ids.length;
  const recs: SkillRecord[] = [];
  const variances: number[] = [];
  let theta = s.priorTheta;
  let variance = s.priorThetaVariance;
  if (m > 0) {
    theta = 0;
    variance = 0;
    for (const id of ids) {
      const rec = skills.get(id) ?? priorRecord(settings, work.startStats, id, skills);
      const v = rec.n === 0 ? rec.variance : Math.min(Math.max(rec.variance, s.priorThetaVariance), drifted(rec, r.date, settings) + s.thetaDriftPerObservation);
      recs.push(rec);
      variances.push(v);
      theta += rec.theta / m;
      variance += v / m;
    }
  }
  const prediction = expectedResponse(theta - item.b, variance + item.variance, s);
  const y = outcomeOf(r);
  const { score: residual, info } = scoreAndInfo(theta - item.b, y, s);
  const rate = s.learnRateVariance > 0 && m > 0 ? updatedRate(learnRateOf(work, r.studentId, settings), recs, variance, residual, info, s) : null;
  if (rate) work.rates.set(r.studentId, rate);
  const gain =
    s.learnPerMinute > 0
      ? s.learnPerMinute * (bank.get(r.itemId)?.minutes ?? s.defaultItemMinutes) * (s.learnOnWrongShare + (1 - s.learnOnWrongShare) * y) * (rate ? Math.exp(rate.logRate) : 1)
      : 0;
  for (let i = 0; i < m; i++) {
    const rec = recs[i] as SkillRecord;
    const before = variances[i] as number;
    const v = Math.max(s.minThetaVariance, 1 / (1 / before + info));
    const theta = rec.theta + v * residual + gain;
    const credit = rate ? creditUncertainty(v, (rec.rateCov ?? 0) / (1 + info * before), gain, rate.variance, s) : null;
    const next: SkillRecord = {
      theta,
      learned: (rec.learned ?? 0) + gain,
      variance: credit?.variance ?? v,
      mastered: rec.mastered,
      n: rec.n + 1,
      lastDate: r.date,
      lastSeq: r.seq,
      wrongStreak: r.correct ? 0 : rec.wrongStreak + 1,
      lastWrongSeq: r.correct ? rec.lastWrongSeq : r.seq,
      ...(credit ? { rateCov: credit.rateCov } : {}),
      ...(settings.mastery.passCreditShare < 1 ? { creditOnLastDate: (rec.lastDate === r.date ? (rec.creditOnLastDate ?? 0) : 0) + gain } : {}),
    };
    work.track(ids[i] as string, rec, next);
    skills.set(ids[i] as string, next);
  }
  if (s.updateItems) {
    const vb = Math.max(s.minItemVariance, 1 / (1 / item.variance + info));
    work.items.set(r.itemId, { b: item.b - vb * residual, variance: vb, n: item.n + 1, source: item.source === 'bank' ? 'local' : item.source });
  }
  work.attemptsOf(r.studentId).set(r.itemId, r.date);
  return prediction;
}

function pending(state: MasteryState, responses: readonly GradedResponse[]): GradedResponse[] {
  return responses.filter((r) => r.seq > state.appliedThroughSeq).sort((a, b) => a.seq - b.seq);
}

/**
 * Applies graded responses in seq order and returns the new state (the old one is not changed).
 * Responses at or below `state.appliedThroughSeq` are skipped, so re-applying a batch is a no-op.
 */
export function updateMastery(
  state: MasteryState,
  responses: readonly GradedResponse[],
  bank: DifficultySource,
  settings: LearningSettings,
): MasteryState {
  const todo = pending(state, responses);
  if (todo.length === 0) return state;
  const work = new Work(state);
  for (const r of todo) applyOne(work, r, bank, settings);
  work.appliedThroughSeq = Math.max(state.appliedThroughSeq, (todo[todo.length - 1] as GradedResponse).seq);
  work.decideMastery(settings);
  return work.freeze();
}

/**
 * Like `updateMastery`, and also gives the model's prediction for each response made just before
 * it was applied (for next-response evaluation: AUC, log-loss). predictions[i] belongs to the i-th
 * applied response in seq order (`applied`).
 */
export function replayWithPredictions(
  state: MasteryState,
  responses: readonly GradedResponse[],
  bank: DifficultySource,
  settings: LearningSettings,
): { state: MasteryState; applied: GradedResponse[]; predictions: Float64Array } {
  const todo = pending(state, responses);
  const predictions = new Float64Array(todo.length);
  if (todo.length === 0) return { state, applied: todo, predictions };
  const work = new Work(state);
  todo.forEach((r, i) => {
    predictions[i] = applyOne(work, r, bank, settings);
  });
  work.appliedThroughSeq = Math.max(state.appliedThroughSeq, (todo[todo.length - 1] as GradedResponse).seq);
  work.decideMastery(settings);
  return { state: work.freeze(), applied: todo, predictions };
}

/** A calibration bundle (e.g. district-calibrated difficulties). */
export type Calibration = {
  version: string;
  source: CalibrationSource;
  items: readonly { itemId: string; b: number; variance?: number; n?: number }[];
};

/** Replaces item difficulties with a calibration; student abilities are kept. */
export function replaceCalibration(state: MasteryState, calibration: Calibration, settings: LearningSettings): MasteryState {
  const items = new Map(state.items);
  for (const c of calibration.items)
    items.set(c.itemId, {
      b: c.b,
      variance: Math.max(settings.model.minItemVariance, c.variance ?? settings.model.minItemVariance),
      n: c.n ?? 0,
      source: calibration.source,
    });
  return { ...state, items, calibrationVersion: calibration.version };
}

/** The current item difficulties as a calibration bundle (what a station could upload). */
export function exportCalibration(state: MasteryState, version: string): Calibration {
  return {
    version,
    source: 'local',
    items: [...state.items].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([itemId, p]) => ({ itemId, b: p.b, variance: p.variance, n: p.n })),
  };
}

// ---- persistence -------------------------------------------------------------------------------

const SkillRecordJson = z.object({
  theta: z.number(),
  variance: z.number().positive(),
  n: z.number().int().min(0),
  lastDate: z.string().nullable(),
  lastSeq: z.number(),
  wrongStreak: z.number().int().min(0),
  lastWrongSeq: z.number(),
  mastered: z.boolean(),
  learned: z.number().optional(),
  rateCov: z.number().optional(),
  creditOnLastDate: z.number().optional(),
});
export const MasteryStateJson = z.object({
  format: z.literal('paperloop.mastery/1'),
  modelVersion: z.string(),
  calibrationVersion: z.string(),
  appliedThroughSeq: z.number().nullable(),
  students: z.record(z.string(), z.record(z.string(), SkillRecordJson)),
  items: z.record(z.string(), z.object({ b: z.number(), variance: z.number().positive(), n: z.number().int().min(0), source: z.enum(['bank', 'local', 'district']) })),
  attempts: z.record(z.string(), z.record(z.string(), z.string())),
  /** Only with the per-student learning rate on. */
  rates: z.record(z.string(), z.object({ logRate: z.number(), variance: z.number().positive(), n: z.number().int().min(0) })).optional(),
});
export type MasteryStateJson = z.infer<typeof MasteryStateJson>;

const toRecord = <V, W>(m: ReadonlyMap<string, V>, f: (v: V) => W): Record<string, W> => {
  const out: Record<string, W> = {};
  for (const [k, v] of m) out[k] = f(v);
  return out;
};

export function masteryToJson(state: MasteryState): MasteryStateJson {
  return {
    format: 'paperloop.mastery/1',
    modelVersion: state.modelVersion,
    calibrationVersion: state.calibrationVersion,
    appliedThroughSeq: Number.isFinite(state.appliedThroughSeq) ? state.appliedThroughSeq : null,
    students: toRecord(state.students, (skills) => toRecord(skills, (r) => ({ ...r }))),
    items: toRecord(state.items, (p) => ({ ...p })),
    attempts: toRecord(state.attempts, (a) => toRecord(a, (d) => d)),
    ...(state.rates.size > 0 ? { rates: toRecord(state.rates, (r) => ({ ...r })) } : {}),
  };
}

export type MasteryJsonError = { kind: 'invalid_mastery_json'; message: string } | { kind: 'model_version_mismatch'; stored: string; expected: string };

export function masteryFromJson(json: unknown, settings: LearningSettings): Result<MasteryState, MasteryJsonError> {
  const r = MasteryStateJson.safeParse(json);
  if (!r.success) return err({ kind: 'invalid_mastery_json', message: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const j = r.data;
  if (j.modelVersion !== settings.model.version) return err({ kind: 'model_version_mismatch', stored: j.modelVersion, expected: settings.model.version });
  return ok({
    modelVersion: j.modelVersion,
    calibrationVersion: j.calibrationVersion,
    appliedThroughSeq: j.appliedThroughSeq ?? -Infinity,
    students: new Map(Object.entries(j.students).map(([s, skills]) => [s, new Map(Object.entries(skills))])),
    items: new Map(Object.entries(j.items)),
    attempts: new Map(Object.entries(j.attempts).map(([s, a]) => [s, new Map(Object.entries(a))])),
    rates: new Map(Object.entries(j.rates ?? {})),
  });
}
