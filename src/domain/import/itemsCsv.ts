import { ITEM_TYPES, ItemInput, type ItemType, type LocalizedText } from '../item';
import { err, ok, throwIllegalValue, type Result } from '../result';
import { booleanCell, canonicalLanguage, listCell, numberCell, type CellResult } from './cells';
import { formatCsv, readCsvTable } from './csv';
import { checkItem, OPTION_KEYS } from './itemChecks';
import { quote, sortIssues, type ImportIssue } from './issues';
import { describeZodIssues } from './zodIssues';


/** Columns with one value per item, in the order we write them. */
export const ITEM_CSV_COLUMNS = [
  'id',
  'type',
  'subject',
  'grade',
  'skills',
  'tier',
  'minutes',
  'points',
  'difficulty',
  'answer',
  'tolerance',
  'digits',
  'decimals',
  'signed',
  'boxes',
  'max_score',
  'space_mm',
] as const;
type FixedColumn = (typeof ITEM_CSV_COLUMNS)[number];

/** Columns every items CSV must have (plus at least one stem_xx column). */
export const REQUIRED_ITEM_CSV_COLUMNS: readonly FixedColumn[] = ['id', 'type', 'subject', 'grade', 'skills', 'tier', 'minutes'];

/** Which item types use a column; columns not listed here are used by every type. */
const ONLY_FOR: Partial<Record<FixedColumn | 'option' | 'rubric', readonly ItemType[]>> = {
  answer: ['single_choice', 'multiple_choice', 'true_false', 'numeric', 'short_text'],
  option: ['single_choice', 'multiple_choice'],
  tolerance: ['numeric'],
  digits: ['numeric'],
  decimals: ['numeric'],
  signed: ['numeric'],
  boxes: ['short_text'],
  max_score: ['open'],
  space_mm: ['open'],
  rubric: ['open'],
};

type Column =
  | { kind: 'fixed'; name: FixedColumn }
  | { kind: 'text'; part: 'stem' | 'hint' | 'rubric'; lang: string }
  | { kind: 'option'; key: string; lang: string };

const LANG = '([A-Za-z]{2}(?:-[A-Za-z]{2})?)';
const TEXT_COLUMN = new RegExp(`^(stem|hint|rubric)_${LANG}$`, 'i');
const OPTION_COLUMN = new RegExp(`^option_([A-Ha-h])_${LANG}$`, 'i');

/** Understands a header name; returns undefined for a column we do not know. */
export function classifyItemColumn(raw: string): Column | undefined {
  const name = raw.trim();
  const lower = name.toLowerCase();
  if ((ITEM_CSV_COLUMNS as readonly string[]).includes(lower)) return { kind: 'fixed', name: lower as FixedColumn };
  const t = TEXT_COLUMN.exec(name);
  if (t?.[1] && t[2]) {
    const lang = canonicalLanguage(t[2]);
    if (lang) return { kind: 'text', part: t[1].toLowerCase() as 'stem' | 'hint' | 'rubric', lang };
  }
  const o = OPTION_COLUMN.exec(name);
  if (o?.[1] && o[2]) {
    const lang = canonicalLanguage(o[2]);
    if (lang) return { kind: 'option', key: o[1].toUpperCase(), lang };
  }
  return undefined;
}

function columnName(c: Column): string {
  switch (c.kind) {
    case 'fixed':
      return c.name;
    case 'text':
      return `${c.part}_${c.lang}`;
    case 'option':
      return `option_${c.key}_${c.lang}`;
    default:
      return throwIllegalValue(c, 'column');
  }
}

/** The header name as we compare it: stem_zh, option_A_en, answer … (unknown names are kept trimmed). */
function canonicalHeader(raw: string): string {
  const c = classifyItemColumn(raw);
  return c ? columnName(c) : raw.trim();
}

type CellProblem = { column: string; message: string; fix: string };

/**
 * Reads an items CSV: one row per item, a header naming the columns (see docs/formats.md).
 * Lists are separated by `|`. Any `stem_xx`, `hint_xx`, `rubric_xx` or `option_K_xx` column adds
 * language xx. Every row is checked and every problem reported with its line and column name, so a
 * file with 10 broken rows gives (at least) 10 issues.
 */
export function parseItemsCsv(text: string, file: string): Result<ItemInput[], ImportIssue[]> {
  const table = readCsvTable(text, file, {
    normalizeHeader: canonicalHeader,
    expectedHeader: 'id,type,subject,grade,skills,tier,minutes,points,difficulty,stem_zh,stem_en,option_A_zh,option_B_zh,answer,…',
  });
  const issues = [...table.issues];
  if (!table.header.length) return err(issues);
  const columns = new Map<string, Column>();
  for (const name of table.header) {
    if (name === '') continue;
    const c = classifyItemColumn(name);
    if (c) columns.set(name, c);
    else
      issues.push({
        file,
        line: table.headerLine,
        field: name,
        message: 'is not a column of the PaperLoop items CSV',
        fix: 'correct its spelling or delete the column; the columns are listed in docs/formats.md (id, type, subject, grade, skills, tier, minutes, stem_zh, option_A_zh, answer, …)',
      });
  }
  const missing = REQUIRED_ITEM_CSV_COLUMNS.filter((c) => !columns.has(c));
  for (const c of missing)
    issues.push({ file, line: table.headerLine, field: c, message: 'this required column is missing from the header', fix: `add a column named ${c}` });
  const stemLangs = [...columns.values()].flatMap((c) => (c.kind === 'text' && c.part === 'stem' ? [c.lang] : []));
  if (!stemLangs.length)
    issues.push({ file, line: table.headerLine, field: 'stem_xx', message: 'there is no question text column', fix: 'add a column stem_zh or stem_en (one per language)' });
  if (missing.length || !stemLangs.length) return err(issues);

  const items: ItemInput[] = [];
  const firstLineOfId = new Map<string, number>();
  for (const row of table.rows) {
    const problems = readItemRow(row.values, columns);
    if ('problems' in problems) {
      for (const p of problems.problems) issues.push({ file, line: row.line, field: p.column, message: p.message, fix: p.fix });
      continue;
    }
    const item = problems.item;
    const first = firstLineOfId.get(item.id);
    if (first !== undefined) {
      issues.push({ file, line: row.line, field: 'id', message: `${quote(item.id)} is already used by the item on line ${first}`, fix: 'give every item its own id' });
      continue;
    }
    firstLineOfId.set(item.id, row.line);
    items.push(item);
  }
  return issues.length ? err(sortIssues(issues)) : ok(items);
}

function readItemRow(values: Record<string, string>, columns: ReadonlyMap<string, Column>): { item: ItemInput } | { problems: CellProblem[] } {
  const problems: CellProblem[] = [];
  const cell = (name: FixedColumn) => (values[name] ?? '').trim();
  const typeRaw = cell('type');
  const type = (ITEM_TYPES as readonly string[]).includes(typeRaw.toLowerCase()) ? (typeRaw.toLowerCase() as ItemType) : undefined;

  const num = (name: FixedColumn): number | undefined => {
    const raw = cell(name);
    if (raw === '') return undefined;
    const r = numberCell(raw);
    if (r.ok) return r.value;
    problems.push({ column: name, message: r.message, fix: r.fix });
    return undefined;
  };
  const bool = (name: FixedColumn): boolean | undefined => {
    const raw = cell(name);
    if (raw === '') return undefined;
    const r: CellResult<boolean> = booleanCell(raw);
    if (r.ok) return r.value;
    problems.push({ column: name, message: r.message, fix: r.fix });
    return undefined;
  };

  // texts per language, and which cells are filled
  const stem: Record<string, string> = {};
  const hint: Record<string, string> = {};
  const rubric: Record<string, string> = {};
  const options = new Map<string, Record<string, string>>();
  for (const [name, c] of columns) {
    const v = (values[name] ?? '').trim();
    if (v === '') continue;
    if (c.kind === 'text') (c.part === 'stem' ? stem : c.part === 'hint' ? hint : rubric)[c.lang] = v;
    else if (c.kind === 'option') {
      const o = options.get(c.key) ?? {};
      o[c.lang] = v;
      options.set(c.key, o);
    }
  }

  // cells filled that this type does not use
  if (type) {
    const unused = (kind: keyof typeof ONLY_FOR, column: string) => {
      const users = ONLY_FOR[kind];
      if (users && !users.includes(type))
        problems.push({
          column,
          message: `has a value, but ${type} items do not use this column (only ${users.join(', ')} items do)`,
          fix: 'clear this cell, or correct the type',
        });
    };
    for (const [name, c] of columns) {
      if ((values[name] ?? '').trim() === '') continue;
      if (c.kind === 'fixed') unused(c.name, name);
      else if (c.kind === 'option') unused('option', name);
      else if (c.part === 'rubric') unused('rubric', name);
    }
  }

  const keys = OPTION_KEYS.filter((k) => options.has(k));
  keys.forEach((k, i) => {
    if (k !== OPTION_KEYS[i])
      problems.push({
        column: `option_${k}_*`,
        message: `option ${k} has text but option ${OPTION_KEYS[i]} is empty`,
        fix: `fill in option ${OPTION_KEYS[i]}, or move the options up so they start at A without gaps`,
      });
  });

  const item: Record<string, unknown> = {
    id: cell('id') || undefined,
    type: type ?? (typeRaw || undefined),
    subject: cell('subject') || undefined,
    grade: num('grade'),
    skills: listCell(cell('skills')),
    tier: cell('tier').toLowerCase() || undefined,
    minutes: num('minutes'),
    points: num('points'),
    difficulty: num('difficulty'),
    stem,
  };
  if (Object.keys(hint).length) item.hint = hint;
  const answerRaw = cell('answer');
  switch (type) {
    case 'single_choice':
    case 'multiple_choice':
      item.options = keys.map((key) => ({ key, text: options.get(key) as LocalizedText }));
      item.answer = type === 'single_choice' ? answerRaw.toUpperCase() || undefined : listCell(answerRaw.toUpperCase());
      break;
    case 'true_false':
      item.answer = bool('answer');
      break;
    case 'numeric':
      item.answer = num('answer');
      item.tolerance = num('tolerance');
      item.digits = num('digits');
      item.decimals = num('decimals');
      item.signed = bool('signed');
      break;
    case 'short_text':
      item.answer = listCell(answerRaw);
      item.boxes = num('boxes');
      break;
    case 'open':
      item.maxScore = num('max_score');
      item.spaceMm = num('space_mm');
      if (Object.keys(rubric).length) item.rubric = rubric;
      break;
    case undefined:
      break;
    default:
      throwIllegalValue(type, 'item type');
  }
  const alreadyBad = new Set(problems.map((p) => p.column));
  const toColumn = (path: (string | number)[]): string => {
    const [head, second, third, fourth] = path;
    switch (head) {
      case 'stem':
      case 'hint':
      case 'rubric':
        return typeof second === 'string' ? `${head}_${second}` : `${head}_*`;
      case 'options': {
        const key = typeof second === 'number' ? keys[second] : undefined;
        if (!key) return 'option_*';
        return third === 'text' && typeof fourth === 'string' ? `option_${key}_${fourth}` : `option_${key}_*`;
      }
      case 'maxScore':
        return 'max_score';
      case 'spaceMm':
        return 'space_mm';
      case undefined:
        return 'type';
      default:
        return String(head);
    }
  };
  const parsed = ItemInput.safeParse(item);
  if (!parsed.success) {
    for (const p of describeZodIssues(parsed.error.issues, item, 'csv')) {
      const column = toColumn(p.path);
      if (alreadyBad.has(column)) continue;
      const list = column === 'skills' || (column === 'answer' && (type === 'multiple_choice' || type === 'short_text'));
      problems.push({ column, message: p.message, fix: list ? `${p.fix} (separate several with |)` : p.fix });
    }
    return { problems };
  }
  if (problems.length) return { problems };
  for (const p of checkItem(parsed.data)) problems.push({ column: toColumn(p.path), message: p.message, fix: p.fix });
  return problems.length ? { problems } : { item: parsed.data };
}

/** Writes items as an items CSV that `parseItemsCsv` reads back (short answers must not contain |). */
export function formatItemsCsv(items: readonly ItemInput[]): string {
  const langs = (pick: (i: ItemInput) => (LocalizedText | undefined)[]) =>
    [...new Set(items.flatMap((i) => pick(i).flatMap((t) => (t ? Object.keys(t) : []))))].sort();
  const stemLangs = langs((i) => [i.stem]);
  const hintLangs = langs((i) => [i.hint]);
  const rubricLangs = langs((i) => [i.type === 'open' ? i.rubric : undefined]);
  const optionLangs = langs((i) => (i.type === 'single_choice' || i.type === 'multiple_choice' ? i.options.map((o) => o.text) : []));
  const usedKeys = OPTION_KEYS.filter((k) => items.some((i) => (i.type === 'single_choice' || i.type === 'multiple_choice') && i.options.some((o) => o.key === k)));
  const header = [
    ...ITEM_CSV_COLUMNS.slice(0, 9),
    ...stemLangs.map((l) => `stem_${l}`),
    ...usedKeys.flatMap((k) => optionLangs.map((l) => `option_${k}_${l}`)),
    ...ITEM_CSV_COLUMNS.slice(9),
    ...hintLangs.map((l) => `hint_${l}`),
    ...rubricLangs.map((l) => `rubric_${l}`),
  ];
  const rows = items.map((i) => {
    const v: Record<string, string> = {
      id: i.id,
      type: i.type,
      subject: i.subject,
      grade: String(i.grade),
      skills: i.skills.join('|'),
      tier: i.tier,
      minutes: String(i.minutes),
      points: String(i.points),
      difficulty: String(i.difficulty),
    };
    for (const [l, t] of Object.entries(i.stem)) v[`stem_${l}`] = t;
    for (const [l, t] of Object.entries(i.hint ?? {})) v[`hint_${l}`] = t;
    switch (i.type) {
      case 'single_choice':
      case 'multiple_choice':
        for (const o of i.options) for (const [l, t] of Object.entries(o.text)) v[`option_${o.key}_${l}`] = t;
        v.answer = typeof i.answer === 'string' ? i.answer : i.answer.join('|');
        break;
      case 'true_false':
        v.answer = String(i.answer);
        break;
      case 'numeric':
        Object.assign(v, { answer: String(i.answer), tolerance: String(i.tolerance), digits: String(i.digits), decimals: String(i.decimals), signed: String(i.signed) });
        break;
      case 'short_text':
        Object.assign(v, { answer: i.answer.join('|'), boxes: String(i.boxes) });
        break;
      case 'open':
        Object.assign(v, { max_score: String(i.maxScore), space_mm: String(i.spaceMm) });
        for (const [l, t] of Object.entries(i.rubric ?? {})) v[`rubric_${l}`] = t;
        break;
      default:
        throwIllegalValue(i, 'item type');
    }
    return header.map((h) => v[h] ?? '');
  });
  return formatCsv([header, ...rows]);
}
