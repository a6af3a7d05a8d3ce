import { topologicalOrder, type Skill } from '../skills';
import { masteryOf, skillRecord, type MasteryState } from './mastery';
import type { LearningSettings } from './settings';

/** A skill graph ready for lookups: skills by id and each skill's place in a topological order. */
export type SkillGraph = {
  readonly byId: ReadonlyMap<string, Skill>;
  /** skill id → index in a topological order (prerequisites first). */
  readonly rank: ReadonlyMap<string, number>;
  readonly order: readonly string[];
};

export function skillGraph(skills: readonly Skill[]): SkillGraph {
  const order = topologicalOrder(skills);
  return { byId: new Map(skills.map((s) => [s.id, s])), rank: new Map(order.map((id, i) => [id, i])), order };
}

export function skillName(graph: SkillGraph, skillId: string, lang: 'zh' | 'en'): string {
  const name = graph.byId.get(skillId)?.name;
  return name?.[lang] ?? name?.en ?? name?.zh ?? skillId;
}

/** A skill the student may practise next. */
export type Candidate =
  /** Unmastered, with every prerequisite mastered; `after` lists those prerequisites. */
  | { readonly kind: 'fringe'; readonly skillId: string; readonly after: readonly string[] }
  /** A prerequisite to re-practise because the student keeps failing `forSkill`. */
  | { readonly kind: 'remediate'; readonly skillId: string; readonly forSkill: string };

export type FringeResult = {
  /** Unit skills mastered now (in topological order). */
  readonly mastered: readonly string[];
  /** Candidates, remediation first, then the outer fringe in topological order. */
  readonly candidates: readonly Candidate[];
  /** Unmastered unit skills waiting for prerequisites. */
  readonly blocked: readonly { readonly skillId: string; readonly missing: readonly string[] }[];
  /** Unit skills paused while their prerequisites are re-practised. */
  readonly paused: readonly { readonly skillId: string; readonly prerequisites: readonly string[] }[];
  /**
   * Unit skills not confirmed themselves but credited because a unit skill that builds on them is
   * mastered (`fringe.creditPrerequisitesOfMastered`). They count as mastered in `mastered`.
   */
  readonly implied: readonly string[];
};

/**
 * The outer fringe of a student's knowledge within a unit: unmastered unit skills whose
 * prerequisites are all mastered. A prerequisite outside the unit that was never observed counts as
 * mastered when `fringe.assumeOutsideUnitMastered` (it belongs to an earlier grade).
 *
 * Remediation: after `fringe.remediateAfterWrongInARow` wrong answers in a row on a unit skill, the
 * skill is paused and its prerequisites become candidates until each was practised again after the
 * last failure; then the skill returns. Another failure sends the student back again.
 */
export function fringeFor(
  state: MasteryState,
  studentId: string,
  unitSkills: readonly string[],
  graph: SkillGraph,
  settings: LearningSettings,
): FringeResult {
  const unit = new Set(unitSkills);
  const byRank = (a: string, b: string) => (graph.rank.get(a) ?? Infinity) - (graph.rank.get(b) ?? Infinity) || (a < b ? -1 : a > b ? 1 : 0);
  const ordered = [...unit].sort(byRank);
  const masteredCache = new Map<string, boolean>();
  const isMastered = (id: string) => {
    let m = masteredCache.get(id);
    if (m === undefined) masteredCache.set(id, (m = masteryOf(state, studentId, id, settings).mastered));
    return m;
  };
  // A mastered unit skill vouches for the unit skills it builds on (transitively).
  const implied = new Set<string>();
  if (settings.fringe.creditPrerequisitesOfMastered) {
    const stack = ordered.filter((id) => isMastered(id));
    while (stack.length) {
      const id = stack.pop() as string;
      for (const p of graph.byId.get(id)?.prerequisites ?? [])
        if (unit.has(p) && !implied.has(p) && !isMastered(p)) {
          implied.add(p);
          stack.push(p);
        }
    }
  }
  const known = (id: string) => isMastered(id) || implied.has(id);
  const satisfied = (id: string) =>
    known(id) || (!unit.has(id) && settings.fringe.assumeOutsideUnitMastered && skillRecord(state, studentId, id, settings).n === 0);
  const prerequisitesOf = (id: string) => (graph.byId.get(id)?.prerequisites ?? []).filter((p) => graph.byId.has(p));

  const mastered: string[] = [];
  const fringe: Candidate[] = [];
  const blocked: { skillId: string; missing: string[] }[] = [];
  const paused: { skillId: string; prerequisites: string[] }[] = [];
  const remediate = new Map<string, string>(); // prerequisite → skill it is for

  for (const id of ordered) {
    if (known(id)) {
      mastered.push(id);
      continue;
    }
    const prereqs = prerequisitesOf(id);
    if (settings.modules.remediation) {
      const rec = skillRecord(state, studentId, id, settings);
      if (rec.wrongStreak >= settings.fringe.remediateAfterWrongInARow && prereqs.length > 0) {
        const again = prereqs.filter((p) => skillRecord(state, studentId, p, settings).lastSeq < rec.lastWrongSeq);
        if (again.length > 0) {
          paused.push({ skillId: id, prerequisites: again });
          for (const p of again) if (!remediate.has(p)) remediate.set(p, id);
          continue;
        }
      }
    }
    if (!settings.modules.prerequisites) {
      fringe.push({ kind: 'fringe', skillId: id, after: [] });
      continue;
    }
    const missing = prereqs.filter((p) => !satisfied(p));
    if (missing.length) {
      blocked.push({ skillId: id, missing });
      // A gap outside the unit (an earlier grade's skill shown not mastered) is practised directly.
      for (const p of missing)
        if (!unit.has(p) && !remediate.has(p) && prerequisitesOf(p).every((q) => satisfied(q))) remediate.set(p, id);
    }
    else fringe.push({ kind: 'fringe', skillId: id, after: prereqs.filter((p) => known(p)) });
  }
  const remediation: Candidate[] = [...remediate]
    .sort(([a], [b]) => byRank(a, b))
    .map(([skillId, forSkill]) => ({ kind: 'remediate', skillId, forSkill }));
  const inRemediation = new Set(remediate.keys());
  return {
    mastered,
    candidates: [...remediation, ...fringe.filter((c) => !inRemediation.has(c.skillId))],
    blocked,
    paused,
    implied: [...implied].sort(byRank),
  };
}
