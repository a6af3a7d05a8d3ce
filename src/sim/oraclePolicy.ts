import type { BankItem } from '../domain/learning/bank';
import type { ArmSetup } from './armSetup';
import type { PolicyDay, Practice, SheetPolicy } from './latentRun';
import { practise, type Student } from './learner';

/**
 * An oracle: a selection that sees each student's latent abilities (learner.ts) and spends the day's
 * minutes where they bring the student to unit mastery soonest. A bound on what any selection can
 * save in this simulated world, never a product rule (the station only sees answers).
 *
 * In this world a minute on a skill gains the same whatever the item (the learner model rewards no
 * difficulty), only while the skill's prerequisites are latently known does it gain in full, gains
 * above the start fade by the day, more slowly after more items. So the oracle works on skills below
 * the mastery line whose prerequisites are known, picks by `order`, keeps at the chosen skill until it
 * is `margin` logits above the line, uses the shortest items (more items per minute: slower
 * forgetting) unless told to use the class sheet's core tier, and stops the moment the unit is
 * mastered. It plans each sheet on a copy of the student, with the learner's own `practise`.
 */
export type OracleOptions = {
  /** Which skill below the line comes next: nearest to the line, first in topological order, or the one with the most dependants still below it. */
  readonly order: 'nearest' | 'topological' | 'unlocking';
  /** Logits above the mastery line a skill is taken to before the next one (a reserve against forgetting). */
  readonly margin: number;
  /** Items: the shortest of the skill's (2-minute basic items in the generated bank), or its core tier (the class sheet's). */
  readonly items: 'shortest' | 'core';
  /** Items per skill per day on a student's sheet (the station's spacing rule is 5; the learner model does not reward spacing). */
  readonly maxItemsPerSkill: number;
  /** 'student': each student's own sheet. 'class': one sheet for the whole class (the class sheet's constraint). */
  readonly sheet: 'student' | 'class';
};

export const DEFAULT_ORACLE: OracleOptions = { order: 'nearest', margin: 0, items: 'shortest', maxItemsPerSkill: Infinity, sheet: 'student' };

type Plan = { readonly setup: ArmSetup; readonly opts: OracleOptions; readonly items: ReadonlyMap<string, readonly BankItem[]>; readonly below: (st: Student, k: string) => boolean };

export function oraclePolicy(options: Partial<OracleOptions> = {}): SheetPolicy {
  const opts = { ...DEFAULT_ORACLE, ...options };
  let plan: Plan | null = null;
  return (day) => {
    if (plan?.setup !== day.setup) plan = planFor(day.setup, opts);
    return opts.sheet === 'class' ? classSheet(plan, day) : studentSheets(plan, day);
  };
}

function planFor(setup: ArmSetup, opts: OracleOptions): Plan {
  const items = new Map(
    setup.unit.map((k) => {
      const tiers = setup.bank.bySkillTier.get(k);
      const ofSkill = [...(tiers?.entries() ?? [])].flatMap(([tier, list]) => (opts.items === 'shortest' || tier === 'core' ? list : [])).filter((i) => i.skills.length === 1);
      return [k, [...ofSkill].sort((a, b) => a.minutes - b.minutes || a.id.localeCompare(b.id))];
    }),
  );
  return { setup, opts, items, below: (st, k) => !setup.known(st, k) };
}

const copyOf = (st: Student): Student => ({ ...st, level: new Map(st.level), practice: new Map(st.practice) });

/** Unit skills below the line, those whose prerequisites are latently known first (all of them if none is). */
function candidates(plan: Plan, st: Student): string[] {
  const below = plan.setup.unit.filter((k) => plan.below(st, k));
  const ready = below.filter((k) => plan.setup.prerequisitesKnown(st, k));
  return ready.length ? ready : below;
}

/** The order's pick among candidate skills for one student. */
function pick(plan: Plan, st: Student, skills: readonly string[]): string | undefined {
  const { setup, opts } = plan;
  const deficit = (k: string) => setup.theta - (st.level.get(k) ?? 0);
  const rank = (k: string) => setup.graph.rank.get(k) ?? 0;
  const waiting = (k: string) => setup.unit.filter((d) => plan.below(st, d) && dependsOn(setup, d, k)).length;
  const key = (k: string): number[] => (opts.order === 'nearest' ? [deficit(k), rank(k)] : opts.order === 'topological' ? [rank(k)] : [-waiting(k), deficit(k), rank(k)]);
  return [...skills].sort((a, b) => compareKeys(key(a), key(b)))[0];
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

function dependsOn(setup: ArmSetup, skill: string, on: string, seen = new Set<string>()): boolean {
  for (const p of setup.graph.byId.get(skill)?.prerequisites ?? []) {
    if (p === on) return true;
    if (seen.has(p)) continue;
    seen.add(p);
    if (dependsOn(setup, p, on, seen)) return true;
  }
  return false;
}

/** The next item of a skill that fits the minutes left; within a day no item repeats before the skill's others (which item it is does not matter to the learner model). */
function nextItem(plan: Plan, cursor: Map<string, number>, k: string, left: number): BankItem | undefined {
  const list = plan.items.get(k) ?? [];
  const start = cursor.get(k) ?? 0;
  for (let j = 0; j < list.length; j++) {
    const item = list[(start + j) % list.length] as BankItem;
    if (item.minutes > left + 1e-9) continue;
    cursor.set(k, start + j + 1);
    return item;
  }
  return undefined;
}

/** Each student's own sheet: the chosen skill until it is `margin` above the line, then the next, until the unit is mastered or the day's minutes run out. */
function studentSheets(plan: Plan, day: PolicyDay): Map<string, Practice[]> {
  const { setup } = plan;
  const out = new Map<string, Practice[]>();
  for (const real of day.students) {
    if (day.mastered.has(real.id)) continue;
    const st = copyOf(real);
    const cursor = new Map<string, number>();
    const sheet: Practice[] = [];
    let left = day.budgets.get(st.id) ?? 0;
    const count = new Map<string, number>();
    const open = (k: string) => (count.get(k) ?? 0) < plan.opts.maxItemsPerSkill;
    let current: string | undefined;
    while (sheet.length < setup.settings.selection.maxItems && !setup.unitMastered(st)) {
      if (!current || !open(current) || (st.level.get(current) ?? 0) >= setup.theta + plan.opts.margin) current = pick(plan, st, candidates(plan, st).filter(open));
      if (!current) break;
      count.set(current, (count.get(current) ?? 0) + 1);
      const item = nextItem(plan, cursor, current, left);
      if (!item) break;
      practise(st, item.skills, item.minutes, setup.lp, setup.prerequisitesKnown);
      sheet.push(item);
      left -= item.minutes;
    }
    out.set(st.id, sheet);
  }
  return out;
}

/**
 * One sheet for the whole class: item by item, the skill with the most weight of students below the
 * line on it and ready for it, among those not yet at unit mastery with minutes left; a student weighs
 * 1 / (1 + logits the unit still lacks), so students near unit mastery come first (by plain head count,
 * the weak majority's skills won every day and no student reached unit mastery by day 20). Ties by the
 * order's pick for the class's mean level. Every student works down the same list as far as their minutes go.
 */
function classSheet(plan: Plan, day: PolicyDay): Map<string, Practice[]> {
  const { setup } = plan;
  const copies = day.students.map(copyOf);
  const left = new Map(copies.map((st) => [st.id, day.budgets.get(st.id) ?? 0]));
  const out = new Map<string, Practice[]>(copies.map((st) => [st.id, []]));
  const cursor = new Map<string, number>();
  const shortest = Math.min(...[...plan.items.values()].map((l) => l[0]?.minutes ?? Infinity));
  for (let n = 0; n < setup.settings.selection.maxItems; n++) {
    const active = copies.filter((st) => !day.mastered.has(st.id) && !setup.unitMastered(st) && (left.get(st.id) ?? 0) >= shortest);
    const need = new Map<string, number>();
    for (const st of active) {
      const weight = 1 / (1 + setup.unit.reduce((a, k) => a + Math.max(0, setup.theta - (st.level.get(k) ?? 0)), 0));
      for (const k of candidates(plan, st)) need.set(k, (need.get(k) ?? 0) + weight);
    }
    const most = Math.max(0, ...need.values());
    if (most === 0) break;
    const mean = meanStudent(setup, active);
    const skill = pick(plan, mean, [...need].filter(([, c]) => c === most).map(([k]) => k));
    const item = skill ? nextItem(plan, cursor, skill, Math.max(...active.map((st) => left.get(st.id) ?? 0))) : undefined;
    if (!item) break;
    for (const st of copies) {
      if ((left.get(st.id) ?? 0) < item.minutes - 1e-9) continue;
      practise(st, item.skills, item.minutes, setup.lp, setup.prerequisitesKnown);
      out.get(st.id)?.push(item);
      left.set(st.id, (left.get(st.id) ?? 0) - item.minutes);
    }
  }
  return out;
}

/** A stand-in student at the class's mean level per skill (for the order's tie-break). */
function meanStudent(setup: ArmSetup, students: readonly Student[]): Student {
  const level = new Map(setup.unit.map((k) => [k, students.reduce((a, st) => a + (st.level.get(k) ?? 0), 0) / Math.max(1, students.length)]));
  return { id: 'class', learn: 0, start: level, level, practice: new Map() };
}
