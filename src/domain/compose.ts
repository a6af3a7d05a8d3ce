import type { Item, Tier } from './item';
import { TIERS } from './item';
import { seededRng, shuffled } from './random';
import { err, ok, type Result } from './result';
import type { Student } from './roster';
import { checkCap, type CapRefusal, type DayLedger, type NoWrittenHomework, type WorkloadCaps } from './workload';

/** Why an item is on a student's workbook, in each print language. */
export type ItemReason = { key: string; text: Record<string, string> };
export type WorkbookEntry = { itemId: string; itemVersion: number; minutes: number; reason: ItemReason };
export type ComposedWorkbook = { studentId: string; tier: Tier; minutes: number; entries: WorkbookEntry[] };

export type TierChoice =
  | { mode: 'fixed'; tier: Tier }
  | { mode: 'per_student'; tiers: Record<string, Tier>; fallback: Tier };

export type ComposeRequest = {
  classId: string;
  subject: string;
  date: string;
  skills: string[];
  /** Target homework minutes per student for this subject. */
  minutes: number;
  tiers: TierChoice;
  seed: string;
};

export type ComposeRefusal =
  | { kind: 'cap'; refusals: (CapRefusal | NoWrittenHomework)[] }
  | { kind: 'no_items'; skills: string[]; tier: Tier; studentIds: string[] };

export function tierFor(choice: TierChoice, studentId: string): Tier {
  return choice.mode === 'fixed' ? choice.tier : (choice.tiers[studentId] ?? choice.fallback);
}

const tierRank = (t: Tier) => TIERS.indexOf(t);

/**
 * Picks each student's items for the chosen skills: round-robin over the skills, preferring the
 * student's tier, then adjacent tiers, until the target minutes are reached. Pure and seeded: the
 * same request over the same bank gives the same workbooks.
 */
export type SkillNames = ReadonlyMap<string, Record<string, string>>;

export function practiceReason(skill: string, names: SkillNames): ItemReason {
  const name = names.get(skill);
  return { key: `practice:${skill}`, text: { en: `practice: ${name?.en ?? skill}`, zh: `练习：${name?.zh ?? name?.en ?? skill}` } };
}

export function composeWorkbook(request: ComposeRequest, student: Student, bank: readonly Item[], names: SkillNames = new Map()): ComposedWorkbook {
  const tier = tierFor(request.tiers, student.id);
  const rng = seededRng(`${request.seed}|${request.classId}|${request.subject}|${request.date}|${student.id}`);
  const inSkills = (item: Item, skill: string) => item.subject === request.subject && item.skills.includes(skill);
  const tierDistance = (item: Item) => Math.abs(tierRank(item.tier) - tierRank(tier)) * 2 + (tierRank(item.tier) > tierRank(tier) ? 1 : 0);
  const queues = request.skills.map((skill) =>
    shuffled(bank.filter((i) => inSkills(i, skill)), rng).sort((a, b) => tierDistance(a) - tierDistance(b)),
  );
  const chosen = new Set<string>();
  const entries: WorkbookEntry[] = [];
  let minutes = 0;
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (let s = 0; s < queues.length; s++) {
      const queue = queues[s]!;
      const skill = request.skills[s]!;
      const idx = queue.findIndex((i) => !chosen.has(i.id) && minutes + i.minutes <= request.minutes + 1e-9);
      if (idx < 0) continue;
      const item = queue.splice(idx, 1)[0]!;
      chosen.add(item.id);
      minutes += item.minutes;
      entries.push({
        itemId: item.id,
        itemVersion: item.version,
        minutes: item.minutes,
        reason: practiceReason(skill, names),
      });
      progressed = true;
    }
  }
  return { studentId: student.id, tier, minutes: round2(minutes), entries };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Composes a whole class and enforces the daily workload cap across subjects: if any student's day
 * would go over the cap, the set is refused with every student's ledger.
 */
export function composeClassSet(
  request: ComposeRequest,
  students: readonly Student[],
  bank: readonly Item[],
  ledgers: ReadonlyMap<string, DayLedger>,
  caps: WorkloadCaps,
  names: SkillNames = new Map(),
): Result<ComposedWorkbook[], ComposeRefusal> {
  const workbooks = students.map((s) => composeWorkbook(request, s, bank, names));
  const empty = workbooks.filter((w) => w.entries.length === 0);
  if (empty.length > 0)
    return err({ kind: 'no_items', skills: request.skills, tier: empty[0]!.tier, studentIds: empty.map((w) => w.studentId) });
  const refusals: (CapRefusal | NoWrittenHomework)[] = [];
  for (const [i, w] of workbooks.entries()) {
    const student = students[i]!;
    const ledger = ledgers.get(student.id) ?? { date: request.date, studentId: student.id, entries: [] };
    const check = checkCap(ledger, student.grade, request.subject, w.minutes, caps);
    if (!check.ok) refusals.push(check.error);
  }
  if (refusals.length > 0) return err({ kind: 'cap', refusals });
  return ok(workbooks);
}

export type ReplacementViolation = { studentId: string; kind: 'more_minutes' | 'harder_tier' | 'harder_items' | 'missing_student'; detail: string };

/** A replacement for an approved set may swap content, but may not add minutes or raise difficulty. */
export function checkReplacement(
  approved: readonly ComposedWorkbook[],
  replacement: readonly ComposedWorkbook[],
  difficultyOf: (itemId: string) => number,
): ReplacementViolation[] {
  const byStudent = new Map(replacement.map((w) => [w.studentId, w]));
  const mean = (w: ComposedWorkbook) => (w.entries.length ? w.entries.reduce((s, e) => s + difficultyOf(e.itemId), 0) / w.entries.length : 0);
  const out: ReplacementViolation[] = [];
  for (const old of approved) {
    const neu = byStudent.get(old.studentId);
    if (!neu) {
      out.push({ studentId: old.studentId, kind: 'missing_student', detail: 'the replacement has no workbook for this student' });
      continue;
    }
    if (neu.minutes > old.minutes + 1e-9)
      out.push({ studentId: old.studentId, kind: 'more_minutes', detail: `${neu.minutes} min > approved ${old.minutes} min` });
    if (tierRank(neu.tier) > tierRank(old.tier)) out.push({ studentId: old.studentId, kind: 'harder_tier', detail: `${neu.tier} is above approved ${old.tier}` });
    if (mean(neu) > mean(old) + 0.05)
      out.push({ studentId: old.studentId, kind: 'harder_items', detail: `mean difficulty ${mean(neu).toFixed(2)} > approved ${mean(old).toFixed(2)}` });
  }
  return out;
}
