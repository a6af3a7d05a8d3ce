import type { GradedResponse } from '../response';
import type { BankItem } from './bank';
import { emptyMasteryState, masteryOf, outcomeOf, skillRecord, updateMastery, type MasteryState } from './mastery';
import { pearson } from './metrics';
import { DEFAULT_LEARNING_SETTINGS, type LearningSettings } from './settings';

/**
 * Class analytics from graded responses. When a student answered the same item more than once, the
 * latest answer (highest seq) counts. Scores are score / maxScore, so open items count in part.
 */
export type ItemStats = {
  readonly itemId: string;
  /** Students who answered the item. */
  readonly n: number;
  readonly correctRate: number;
  readonly meanScore: number;
  readonly blanks: number;
  /** Answers per option (every option of a choice item, 0 included; answers as given otherwise). */
  readonly optionCounts: Readonly<Record<string, number>>;
  /** Upper − lower group mean item score (groups: top and bottom share of students by total score). */
  readonly discrimination: number | null;
  /** Correlation of the item score with the rest score (total without this item). */
  readonly pointBiserial: number | null;
  /** The most chosen wrong answer, when common enough (settings.analytics.misconception*). */
  readonly misconception: Misconception | null;
};
export type Misconception = { readonly itemId: string; readonly answer: string; readonly count: number; readonly share: number };

export type Heatmap = {
  readonly students: readonly string[];
  readonly skills: readonly string[];
  /** p[student][skill]: mastery p, or null without observations. */
  readonly p: readonly (readonly (number | null)[])[];
  readonly n: readonly (readonly number[])[];
};

export type HelpReason =
  | { readonly kind: 'low_correct_rate'; readonly correctRate: number; readonly threshold: number }
  | { readonly kind: 'weak_skills'; readonly skills: readonly string[]; readonly threshold: number };

export type StudentSummary = { readonly studentId: string; readonly answered: number; readonly correctRate: number; readonly meanScore: number };

export type ClassAnalytics = {
  readonly items: readonly ItemStats[];
  readonly students: readonly StudentSummary[];
  readonly heatmap: Heatmap;
  readonly misconceptions: readonly Misconception[];
  readonly needingHelp: readonly { readonly studentId: string; readonly reasons: readonly HelpReason[] }[];
};

export type ClassAnalyticsInput = {
  readonly responses: readonly GradedResponse[];
  readonly items?: readonly BankItem[];
  /** Rows of the heatmap (default: every student with a response, sorted). */
  readonly students?: readonly string[];
  /** Columns of the heatmap (default: every skill in the responses, sorted). */
  readonly skills?: readonly string[];
  /** Mastery to show; by default it is estimated from these responses alone. */
  readonly mastery?: MasteryState;
  readonly settings?: LearningSettings;
};

const CHOICE_TYPES = new Set(['single_choice', 'multiple_choice', 'true_false']);
const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length ? s / xs.length : 0;
}

/** Point-biserial needs at least three students to mean anything. */
const correlation = (xs: readonly number[], ys: readonly number[]): number | null => (xs.length < 3 ? null : pearson(xs, ys));

export function classAnalytics(input: ClassAnalyticsInput): ClassAnalytics {
  const settings = input.settings ?? DEFAULT_LEARNING_SETTINGS;
  const a = settings.analytics;
  const itemsById = new Map((input.items ?? []).map((i) => [i.id, i]));

  // Latest response per (student, item).
  const latest = new Map<string, GradedResponse>();
  for (const r of input.responses) {
    const key = `${r.studentId}\u0000${r.itemId}`;
    const prev = latest.get(key);
    if (!prev || r.seq > prev.seq) latest.set(key, r);
  }
  const byStudent = new Map<string, GradedResponse[]>();
  const byItem = new Map<string, GradedResponse[]>();
  for (const r of latest.values()) {
    let s = byStudent.get(r.studentId);
    if (!s) byStudent.set(r.studentId, (s = []));
    s.push(r);
    let i = byItem.get(r.itemId);
    if (!i) byItem.set(r.itemId, (i = []));
    i.push(r);
  }

  const students: StudentSummary[] = [...byStudent.keys()].sort(byString).map((studentId) => {
    const rs = byStudent.get(studentId) as GradedResponse[];
    return { studentId, answered: rs.length, correctRate: mean(rs.map((r) => (r.correct ? 1 : 0))), meanScore: mean(rs.map(outcomeOf)) };
  });
  const totals = new Map<string, { sum: number; k: number }>();
  for (const [id, rs] of byStudent) totals.set(id, { sum: rs.reduce((s, r) => s + outcomeOf(r), 0), k: rs.length });
  const totalRate = (id: string) => {
    const t = totals.get(id) as { sum: number; k: number };
    return t.sum / t.k;
  };

  const items: ItemStats[] = [];
  const misconceptions: Misconception[] = [];
  for (const itemId of [...byItem.keys()].sort(byString)) {
    const rs = byItem.get(itemId) as GradedResponse[];
    const item = itemsById.get(itemId);
    const n = rs.length;
    const optionCounts: Record<string, number> = {};
    if (item && (item.type === 'single_choice' || item.type === 'multiple_choice')) for (const o of item.options) optionCounts[o.key] = 0;
    if (item?.type === 'true_false') Object.assign(optionCounts, { true: 0, false: 0 });
    let blanks = 0;
    const wrong = new Map<string, number>();
    for (const r of rs) {
      if (r.answer === null) {
        blanks++;
        continue;
      }
      if (item?.type === 'open') continue;
      optionCounts[r.answer] = (optionCounts[r.answer] ?? 0) + 1;
      if (!r.correct) wrong.set(r.answer, (wrong.get(r.answer) ?? 0) + 1);
    }
    // Discrimination: upper − lower groups of the students who answered this item.
    const ranked = [...rs].sort((x, y) => totalRate(y.studentId) - totalRate(x.studentId) || byString(x.studentId, y.studentId));
    let discrimination: number | null = null;
    if (n >= 2) {
      const g = Math.max(1, Math.round(a.discriminationGroupShare * n));
      discrimination = mean(ranked.slice(0, g).map(outcomeOf)) - mean(ranked.slice(n - g).map(outcomeOf));
    }
    const x: number[] = [];
    const rest: number[] = [];
    for (const r of rs) {
      const t = totals.get(r.studentId) as { sum: number; k: number };
      if (t.k < 2) continue;
      const xi = outcomeOf(r);
      x.push(xi);
      rest.push((t.sum - xi) / (t.k - 1));
    }
    let misconception: Misconception | null = null;
    if (!item || CHOICE_TYPES.has(item.type) || item.type === 'numeric' || item.type === 'short_text') {
      const top = [...wrong].sort(([ka, ca], [kb, cb]) => cb - ca || byString(ka, kb))[0];
      if (top && top[1] >= a.misconceptionMinCount && top[1] / n >= a.misconceptionMinShare)
        misconception = { itemId, answer: top[0], count: top[1], share: top[1] / n };
    }
    if (misconception) misconceptions.push(misconception);
    items.push({
      itemId,
      n,
      correctRate: mean(rs.map((r) => (r.correct ? 1 : 0))),
      meanScore: mean(rs.map(outcomeOf)),
      blanks,
      optionCounts,
      discrimination,
      pointBiserial: correlation(x, rest),
      misconception,
    });
  }
  misconceptions.sort((m1, m2) => m2.count - m1.count || m2.share - m1.share || byString(m1.itemId, m2.itemId));

  // Heatmap: students × skills.
  const studentIds = input.students ? [...input.students] : students.map((s) => s.studentId);
  const skillIds = input.skills ? [...input.skills] : [...new Set(input.responses.flatMap((r) => r.skills))].sort(byString);
  const mastery = input.mastery ?? updateMastery(emptyMasteryState(settings), input.responses, itemsById, settings);
  const pRows: (number | null)[][] = [];
  const nRows: number[][] = [];
  for (const s of studentIds) {
    const pr: (number | null)[] = [];
    const nr: number[] = [];
    for (const k of skillIds) {
      const n = skillRecord(mastery, s, k, settings).n;
      nr.push(n);
      pr.push(n > 0 ? masteryOf(mastery, s, k, settings).p : null);
    }
    pRows.push(pr);
    nRows.push(nr);
  }

  const needingHelp: { studentId: string; reasons: HelpReason[] }[] = [];
  studentIds.forEach((studentId, row) => {
    const reasons: HelpReason[] = [];
    const summary = students.find((s) => s.studentId === studentId);
    if (summary && summary.correctRate < a.helpCorrectRateBelow)
      reasons.push({ kind: 'low_correct_rate', correctRate: summary.correctRate, threshold: a.helpCorrectRateBelow });
    const weak = skillIds.filter((_, col) => {
      const p = pRows[row]?.[col];
      return p !== null && p !== undefined && (nRows[row]?.[col] ?? 0) >= a.weakSkillMinObservations && p < a.weakSkillP;
    });
    if (weak.length >= a.helpWeakSkillsAtLeast) reasons.push({ kind: 'weak_skills', skills: weak, threshold: a.weakSkillP });
    if (reasons.length) needingHelp.push({ studentId, reasons });
  });

  return { items, students, heatmap: { students: studentIds, skills: skillIds, p: pRows, n: nRows }, misconceptions, needingHelp };
}
