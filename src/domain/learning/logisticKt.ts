import { z } from 'zod';
import type { GradedResponse } from '../response';
import { outcomeOf, sigmoid } from './mastery';

/**
 * Best-LR-style logistic next-answer model (Gervet et al. 2020, "When is deep learning the best
 * approach to knowledge tracing?"), with recency features, updated online:
 *
 *   logit P(correct) = w · x(history) + itemBias[item] + mean over skills k of
 *                      (skillBias[k] + skillAttemptsW[k] · log1p(attempts on k) + skillWinsW[k] · log1p(wins on k))
 *
 * x holds the student's history before this answer: attempts and wins on the skill, on the item and
 * in total (log1p), the last outcome on the skill and on the item (+1 / −1, 0 = none) and the distance
 * since them in the student's own answers (log1p; the row order is the only clock), and "never seen"
 * flags. Global weights `w` come from a parameter set fitted on other students (tools/fitLogisticKt.ts
 * writes params/logistic-kt.json); the per-item and per-skill terms start at 0 (or at the bank's
 * difficulty) and, like everything else, learn online: after each answer one Adagrad step on the
 * log-loss with an L2 pull toward the prior. docs/mastery.md describes it.
 */

export const FEATURES = [
  'bias',
  'skill_attempts',
  'skill_wins',
  'total_attempts',
  'total_wins',
  'item_attempts',
  'item_wins',
  'skill_last',
  'item_last',
  'skill_gap',
  'item_gap',
  'skill_new',
  'item_new',
  'recent_wins',
] as const;
export type FeatureName = (typeof FEATURES)[number];
const NF = FEATURES.length;
/** Answers of the student that `recent_wins` looks back over (a moving window, all skills). */
const RECENT = 8;

export const LogisticKtParams = z.strictObject({
  format: z.literal('paperloop.logistic-kt/1'),
  /** Names this parameter set; the station records which one it predicted with. */
  version: z.string().min(1),
  /** How it was fitted (data, folds, seed, epochs). */
  fittedOn: z.string(),
  weights: z.record(z.enum(FEATURES), z.number()),
  /** Mean fitted per-skill count weights: the prior of a skill never seen. */
  skillAttemptsPrior: z.number(),
  skillWinsPrior: z.number(),
  /** Online learning: Adagrad base step of the global weights and of the per-item / per-skill terms. */
  globalStep: z.number().min(0).max(1),
  idStep: z.number().min(0).max(2),
  /** L2 pull of every weight toward its prior, per update. */
  l2: z.number().min(0).max(1),
  /** Item bias prior = −bankDifficulty × this (logits). */
  bankDifficultyScale: z.number().min(0).max(4),
});
export type LogisticKtParams = z.infer<typeof LogisticKtParams>;

type Counter = { attempts: number; wins: number; last: number; lastPos: number };
type StudentHistory = { pos: number; attempts: number; wins: number; recent: number[]; skills: Map<string, Counter>; items: Map<string, Counter> };
type Adaptive = { w: number; g2: number; prior: number };

/** What the bank tells the model about an item (its difficulty, if any). */
export type ItemPriorSource = ReadonlyMap<string, { readonly difficulty?: number | undefined }>;

const newCounter = (): Counter => ({ attempts: 0, wins: 0, last: 0, lastPos: -1 });

/** The feature vector of one answer from the student's history before it. */
function features(h: StudentHistory, itemId: string, skills: readonly string[], out: Float64Array): void {
  out.fill(0);
  out[0] = 1;
  const m = Math.max(1, skills.length);
  let newSkill = 0;
  for (const k of skills) {
    const c = h.skills.get(k);
    if (!c) {
      newSkill += 1 / m;
      continue;
    }
    out[1] = (out[1] as number) + Math.log1p(c.attempts) / m;
    out[2] = (out[2] as number) + Math.log1p(c.wins) / m;
    out[7] = (out[7] as number) + c.last / m;
    out[9] = (out[9] as number) + Math.log1p(h.pos - c.lastPos) / m;
  }
  out[11] = newSkill;
  out[3] = Math.log1p(h.attempts);
  out[4] = Math.log1p(h.wins);
  const it = h.items.get(itemId);
  if (it) {
    out[5] = Math.log1p(it.attempts);
    out[6] = Math.log1p(it.wins);
    out[8] = it.last;
    out[10] = Math.log1p(h.pos - it.lastPos);
  } else out[12] = 1;
  let r = 0;
  for (const y of h.recent) r += y;
  out[13] = h.recent.length ? (r - h.recent.length / 2) / RECENT : 0;
}

function record(h: StudentHistory, itemId: string, skills: readonly string[], y: number): void {
  const signed = y >= 0.5 ? 1 : -1;
  for (const k of skills) {
    const c = h.skills.get(k) ?? newCounter();
    h.skills.set(k, { attempts: c.attempts + 1, wins: c.wins + y, last: signed, lastPos: h.pos });
  }
  const it = h.items.get(itemId) ?? newCounter();
  h.items.set(itemId, { attempts: it.attempts + 1, wins: it.wins + y, last: signed, lastPos: h.pos });
  h.attempts++;
  h.wins += y;
  h.recent.push(y);
  if (h.recent.length > RECENT) h.recent.shift();
  h.pos++;
}

/**
 * The model's mutable working state: weights and every student's history. Not a domain value to
 * share: the station rebuilds it by replaying the graded responses (`replayLogistic`).
 */
export class LogisticKt {
  readonly global: Adaptive[];
  readonly items = new Map<string, Adaptive>();
  readonly skillBias = new Map<string, Adaptive>();
  readonly skillAttempts = new Map<string, Adaptive>();
  readonly skillWins = new Map<string, Adaptive>();
  readonly students = new Map<string, StudentHistory>();
  private readonly x = new Float64Array(NF);

  constructor(
    readonly params: LogisticKtParams,
    private readonly bank: ItemPriorSource = new Map(),
  ) {
    this.global = FEATURES.map((f) => ({ w: params.weights[f] ?? 0, g2: 0, prior: params.weights[f] ?? 0 }));
  }

  private history(studentId: string): StudentHistory {
    let h = this.students.get(studentId);
    if (!h) this.students.set(studentId, (h = { pos: 0, attempts: 0, wins: 0, recent: [], skills: new Map(), items: new Map() }));
    return h;
  }

  private term(map: Map<string, Adaptive>, id: string, prior: number): Adaptive {
    let a = map.get(id);
    if (!a) map.set(id, (a = { w: prior, g2: 0, prior }));
    return a;
  }

  private itemTerm(itemId: string): Adaptive {
    return this.term(this.items, itemId, -(this.bank.get(itemId)?.difficulty ?? 0) * this.params.bankDifficultyScale);
  }

  /** The logit of P(correct) for this student on this item now, with the feature vector it used. */
  private logit(studentId: string, itemId: string, skills: readonly string[]): number {
    const h = this.students.get(studentId) ?? { pos: 0, attempts: 0, wins: 0, recent: [], skills: new Map(), items: new Map() };
    features(h, itemId, skills, this.x);
    let z = 0;
    for (let f = 0; f < NF; f++) z += (this.global[f] as Adaptive).w * (this.x[f] as number);
    z += this.items.get(itemId)?.w ?? -(this.bank.get(itemId)?.difficulty ?? 0) * this.params.bankDifficultyScale;
    const m = Math.max(1, skills.length);
    for (const k of skills) {
      const c = h.skills.get(k);
      z += (this.skillBias.get(k)?.w ?? 0) / m;
      if (c) {
        z += ((this.skillAttempts.get(k)?.w ?? this.params.skillAttemptsPrior) * Math.log1p(c.attempts)) / m;
        z += ((this.skillWins.get(k)?.w ?? this.params.skillWinsPrior) * Math.log1p(c.wins)) / m;
      }
    }
    return z;
  }

  /** P(correct) of this student on an item of these skills, from the history so far. */
  predict(studentId: string, itemId: string, skills: readonly string[]): number {
    return sigmoid(this.logit(studentId, itemId, skills));
  }

  /**
   * P(correct) of this student on a new item of this skill at `difficulty` (logits), after their
   * history: the logistic model's mastery read-out, with the answers seen on the skill.
   */
  skillReadout(studentId: string, skillId: string, difficulty: number): { p: number; n: number } {
    const h = this.students.get(studentId);
    let z = this.logit(studentId, '\u0000reference', [skillId]);
    z += -difficulty * this.params.bankDifficultyScale;
    return { p: sigmoid(z), n: h?.skills.get(skillId)?.attempts ?? 0 };
  }

  private step(a: Adaptive, grad: number, base: number): void {
    const g = grad + this.params.l2 * (a.w - a.prior);
    a.g2 += g * g;
    a.w -= (base * g) / Math.sqrt(1 + a.g2);
  }

  /** Predicts the answer, then learns from it (one online step) and adds it to the student's history. */
  observe(studentId: string, itemId: string, skills: readonly string[], y: number, learn = true): number {
    const p = sigmoid(this.logit(studentId, itemId, skills));
    const h = this.history(studentId);
    if (learn) {
      const r = p - y;
      const { globalStep, idStep } = this.params;
      if (globalStep > 0) for (let f = 0; f < NF; f++) if (this.x[f] !== 0) this.step(this.global[f] as Adaptive, r * (this.x[f] as number), globalStep);
      this.step(this.itemTerm(itemId), r, idStep);
      const m = Math.max(1, skills.length);
      for (const k of skills) {
        this.step(this.term(this.skillBias, k, 0), r / m, idStep);
        const c = h.skills.get(k);
        if (c) {
          this.step(this.term(this.skillAttempts, k, this.params.skillAttemptsPrior), (r * Math.log1p(c.attempts)) / m, idStep);
          this.step(this.term(this.skillWins, k, this.params.skillWinsPrior), (r * Math.log1p(c.wins)) / m, idStep);
        }
      }
    }
    record(h, itemId, skills, y);
    return p;
  }
}

/** Replays graded responses in seq order through a fresh model; returns it and the prediction made before each answer. */
export function replayLogistic(
  params: LogisticKtParams,
  responses: readonly GradedResponse[],
  bank: ItemPriorSource = new Map(),
): { model: LogisticKt; applied: GradedResponse[]; predictions: Float64Array } {
  const applied = [...responses].sort((a, b) => a.seq - b.seq);
  const model = new LogisticKt(params, bank);
  const predictions = new Float64Array(applied.length);
  applied.forEach((r, i) => {
    predictions[i] = model.observe(r.studentId, r.itemId, r.skills, outcomeOf(r));
  });
  return { model, applied, predictions };
}

/** A fit's starting parameters: no knowledge of any data (all weights 0). */
export function untrainedLogisticParams(version = 'untrained'): LogisticKtParams {
  return {
    format: 'paperloop.logistic-kt/1',
    version,
    fittedOn: 'nothing',
    weights: Object.fromEntries(FEATURES.map((f) => [f, 0])) as Record<FeatureName, number>,
    skillAttemptsPrior: 0,
    skillWinsPrior: 0,
    globalStep: 0.05,
    idStep: 0.3,
    l2: 0.001,
    bankDifficultyScale: 1,
  };
}

/**
 * Fits the model on training answers: `epochs` passes of the online learner over the rows in seq
 * order (each pass starts every student's history afresh and keeps the weights), then returns the
 * fitted parameter set (global weights and the per-skill count priors). Per-item and per-skill
 * terms of the training data are returned too, for evaluations that keep them (`fitted`).
 */
export function fitLogistic(
  start: LogisticKtParams,
  responses: readonly GradedResponse[],
  options: { epochs: number; version: string; fittedOn: string },
  bank: ItemPriorSource = new Map(),
): { params: LogisticKtParams; fitted: LogisticKt } {
  const rows = [...responses].sort((a, b) => a.seq - b.seq);
  const model = new LogisticKt(start, bank);
  for (let e = 0; e < options.epochs; e++) {
    model.students.clear();
    for (const r of rows) model.observe(r.studentId, r.itemId, r.skills, outcomeOf(r));
  }
  const mean = (m: Map<string, Adaptive>, fallback: number) => {
    let s = 0;
    for (const a of m.values()) s += a.w;
    return m.size ? s / m.size : fallback;
  };
  const params: LogisticKtParams = {
    ...start,
    version: options.version,
    fittedOn: options.fittedOn,
    weights: Object.fromEntries(FEATURES.map((f, i) => [f, (model.global[i] as Adaptive).w])) as Record<FeatureName, number>,
    skillAttemptsPrior: mean(model.skillAttempts, start.skillAttemptsPrior),
    skillWinsPrior: mean(model.skillWins, start.skillWinsPrior),
  };
  model.students.clear();
  return { params, fitted: model };
}
