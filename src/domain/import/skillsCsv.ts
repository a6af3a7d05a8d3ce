import { Skill, validateSkillGraph } from '../skills';
import { err, ok, type Result } from '../result';
import { canonicalLanguage, listCell, numberCell } from './cells';
import { readCsvTable } from './csv';
import { sortIssues, type ImportIssue } from './issues';
import { dedupeIssues, skillGraphIssues, type LocatedSkill } from './skillsJson';
import { describeZodIssues } from './zodIssues';

const SKILL_CSV_HEADER = 'id,subject,grade,name_zh,name_en,prerequisites';

/**
 * Reads a skills CSV with columns `id,subject,grade,name_xx…,prerequisites` (prerequisites separated
 * by `|`) and checks the graph like `parseSkillsJson`.
 */
export function parseSkillsCsv(text: string, file: string, knownIds: ReadonlySet<string> = new Set()): Result<Skill[], ImportIssue[]> {
  const table = readCsvTable(text, file, {
    normalizeHeader: (h) => {
      const t = h.trim();
      const m = /^name_(.+)$/i.exec(t);
      const lang = m?.[1] ? canonicalLanguage(m[1]) : undefined;
      return lang && !m?.[1]?.includes('_') ? `name_${lang}` : t.toLowerCase();
    },
    expectedHeader: SKILL_CSV_HEADER,
  });
  const issues = [...table.issues];
  if (!table.header.length) return err(issues);
  const fixed = ['id', 'subject', 'grade', 'prerequisites'];
  const nameColumns = table.header.filter((h) => /^name_[a-z]{2}(-[A-Z]{2})?$/.test(h));
  for (const h of table.header)
    if (h !== '' && !fixed.includes(h) && !nameColumns.includes(h))
      issues.push({ file, line: table.headerLine, field: h, message: 'is not a column of the PaperLoop skills CSV', fix: `correct its spelling or delete it; the columns are ${SKILL_CSV_HEADER}` });
  for (const c of ['id', 'subject', 'grade'])
    if (!table.header.includes(c)) issues.push({ file, line: table.headerLine, field: c, message: 'this required column is missing from the header', fix: `add a column named ${c}` });
  if (!nameColumns.length) issues.push({ file, line: table.headerLine, field: 'name_xx', message: 'there is no name column', fix: 'add a column name_zh or name_en (one per language)' });
  if (issues.length) return err(issues);

  const located: LocatedSkill[] = [];
  for (const row of table.rows) {
    const cell = (c: string) => (row.values[c] ?? '').trim();
    const name: Record<string, string> = {};
    for (const c of nameColumns) if (cell(c)) name[c.slice(5)] = cell(c);
    let grade: number | undefined;
    const rowIssues: ImportIssue[] = [];
    if (cell('grade')) {
      const g = numberCell(cell('grade'));
      if (g.ok) grade = g.value;
      else rowIssues.push({ file, line: row.line, field: 'grade', message: g.message, fix: g.fix });
    }
    const value = { id: cell('id') || undefined, subject: cell('subject') || undefined, grade, name, prerequisites: listCell(cell('prerequisites')) };
    const parsed = Skill.safeParse(value);
    if (!parsed.success)
      for (const p of describeZodIssues(parsed.error.issues, value, 'csv')) {
        const field = p.path[0] === 'name' ? (typeof p.path[1] === 'string' ? `name_${p.path[1]}` : 'name_xx') : String(p.path[0] ?? 'id');
        if (!rowIssues.some((i) => i.field === field)) rowIssues.push({ file, line: row.line, field, message: p.message, fix: p.fix });
      }
    if (!Object.keys(name).length) rowIssues.push({ file, line: row.line, field: nameColumns[0], message: 'is empty: the skill has no name', fix: 'name the skill in at least one language' });
    issues.push(...rowIssues);
    if (parsed.success && !rowIssues.length) located.push({ skill: parsed.data, line: row.line, path: [] });
  }
  const graph = validateSkillGraph(located.map((l) => l.skill), knownIds);
  if (!graph.ok) issues.push(...skillGraphIssues(graph.error, located, file, true));
  return issues.length ? err(sortIssues(dedupeIssues(issues))) : ok(located.map((l) => l.skill));
}
