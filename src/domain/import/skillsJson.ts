import { Skill, validateSkillGraph, type SkillGraphError } from '../skills';
import { err, ok, throwIllegalValue, type Result } from '../result';
import { quote, sortIssues, type ImportIssue } from './issues';
import { formatPath, jsonValue } from './json';
import { readJsonEnvelope } from './jsonEnvelope';
import { describeZodIssues } from './zodIssues';

export const SKILLS_FORMAT = 'paperloop.skills/1';

/** A cycle as people read it: a → b → c → a ("a needs b, b needs c, c needs a"). */
export function formatCycle(cycle: readonly string[]): string {
  return cycle.join(' → ');
}

export type LocatedSkill = { skill: Skill; line: number; path: (string | number)[] };

/** Turns graph errors into issues at the line of the skill concerned. */
export function skillGraphIssues(errors: readonly SkillGraphError[], located: readonly LocatedSkill[], file: string, csv: boolean): ImportIssue[] {
  const lineOf = (id: string, which: 'first' | 'last' = 'first') => {
    const all = located.filter((l) => l.skill.id === id);
    return (which === 'first' ? all[0] : all[all.length - 1]) ?? undefined;
  };
  return errors.map((e): ImportIssue => {
    switch (e.kind) {
      case 'cycle': {
        const at = lineOf(e.cycle[0] ?? '');
        const pairs = e.cycle.slice(0, -1).map((id, i) => `${id} needs ${e.cycle[i + 1]}`);
        return {
          file,
          line: at?.line,
          field: csv ? 'prerequisites' : at ? formatPath([...at.path, 'prerequisites']) : undefined,
          message: `the prerequisites form a cycle: ${formatCycle(e.cycle)} (${pairs.join(', ')}), so no skill in it can be learnt first`,
          fix: `remove one of these prerequisites, e.g. ${e.cycle[e.cycle.length - 2] ?? ''} → ${e.cycle[e.cycle.length - 1] ?? ''}`,
        };
      }
      case 'unknown_prerequisite': {
        const at = lineOf(e.skill);
        const index = at?.skill.prerequisites.indexOf(e.prerequisite) ?? -1;
        return {
          file,
          line: at?.line,
          field: csv ? 'prerequisites' : at ? formatPath([...at.path, 'prerequisites', ...(index >= 0 ? [index] : [])]) : undefined,
          message: `skill ${quote(e.skill)} needs ${quote(e.prerequisite)}, which is not in this file or the existing graph`,
          fix: `add the skill ${quote(e.prerequisite)}, or correct the id`,
        };
      }
      case 'duplicate_skill': {
        const all = located.filter((l) => l.skill.id === e.skill);
        const at = all[all.length - 1];
        return {
          file,
          line: at?.line,
          field: csv ? 'id' : at ? formatPath([...at.path, 'id']) : undefined,
          message: `the skill id ${quote(e.skill)} is already used on line ${all[0]?.line ?? '?'}`,
          fix: 'give every skill its own id, or merge the two rows',
        };
      }
      default:
        return throwIllegalValue(e, 'skill graph error');
    }
  });
}

export function dedupeIssues(issues: ImportIssue[]): ImportIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.line}|${i.field}|${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * Reads a skill graph file `{ "format": "paperloop.skills/1", "skills": [ … ] }` and checks the graph:
 * unique ids, known prerequisites (in the file or in `knownIds`), no cycles. A cycle is named, e.g.
 * `fractions → decimals → fractions`.
 */
export function parseSkillsJson(text: string, file: string, knownIds: ReadonlySet<string> = new Set()): Result<Skill[], ImportIssue[]> {
  const env = readJsonEnvelope(text, file, { format: SKILLS_FORMAT, listName: 'skills', what: 'skills' });
  if (!env.ok) return env;
  const { list, at, issues } = env.value;
  const located: LocatedSkill[] = [];
  const allowed = Object.keys(Skill.shape);
  list.forEach((node, index) => {
    const line = at(node.start).line;
    const base = ['skills', index];
    const value = jsonValue(node);
    if (node.kind !== 'object') {
      issues.push({ file, line, field: formatPath(base), message: 'each skill must be an object { … }', fix: 'write the skill as { "id": …, "subject": …, "grade": …, "name": { … }, "prerequisites": [ … ] }' });
      return;
    }
    const parsed = Skill.safeParse(value);
    if (!parsed.success) {
      for (const p of describeZodIssues(parsed.error.issues, value, 'json'))
        issues.push({ file, line, field: formatPath([...base, ...p.path]), message: p.message, fix: p.fix });
      return;
    }
    for (const e of node.entries)
      if (!allowed.includes(e.key))
        issues.push({ file, line: at(e.keyStart).line, field: formatPath([...base, e.key]), message: 'is not a field of a skill', fix: `remove it or correct its spelling; skills have ${allowed.join(', ')}` });
    if (!Object.keys(parsed.data.name).length)
      issues.push({ file, line, field: formatPath([...base, 'name']), message: 'has no text', fix: 'name the skill in at least one language, like { "zh": "…" }' });
    located.push({ skill: parsed.data, line, path: base });
  });
  const graph = validateSkillGraph(located.map((l) => l.skill), knownIds);
  if (!graph.ok) issues.push(...skillGraphIssues(graph.error, located, file, false));
  return issues.length ? err(sortIssues(dedupeIssues(issues))) : ok(located.map((l) => l.skill));
}
