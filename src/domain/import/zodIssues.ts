import { quote } from './issues';

/** A problem inside one record, located by a path into the record (before it is given a file and line). */
export type PathProblem = { path: (string | number)[]; message: string; fix: string };

/** The parts of a zod issue this module reads. */
export type ZodIssueLike = {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: unknown;
  origin?: unknown;
  minimum?: unknown;
  maximum?: unknown;
  inclusive?: unknown;
  values?: unknown;
  options?: unknown;
  note?: unknown;
  pattern?: unknown;
  keys?: unknown;
  issues?: unknown;
};

/** How a file format spells things: JSON has fields and quotes, CSV has columns and cells. */
export type Style = 'json' | 'csv';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(cur, p)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

function describeType(expected: unknown): string {
  switch (expected) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list [ … ]';
    case 'object':
    case 'record':
      return 'an object { … }';
    default:
      return String(expected);
  }
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${quote(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

const isDefaultMessage = (m: string) => /^(Invalid|Too (small|big)|Expected|Required)/.test(m);

/** Turns zod issues into plain-language problems with a fix, located by path. */
export function describeZodIssues(issues: readonly ZodIssueLike[], input: unknown, style: Style): PathProblem[] {
  return issues.map((i) => describeZodIssue(i, input, style));
}

export function describeZodIssue(issue: ZodIssueLike, input: unknown, style: Style): PathProblem {
  const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
  const value = valueAt(input, path);
  const last = path[path.length - 1];
  const name = typeof last === 'string' ? last : undefined;
  const custom = isDefaultMessage(issue.message) ? undefined : issue.message;
  const fill = (what: string) => (style === 'csv' ? `fill in this column with ${what}` : name ? `add "${name}": ${what}` : `write ${what}`);
  const p = (message: string, fix: string): PathProblem => ({ path, message, fix });

  switch (issue.code) {
    case 'invalid_type': {
      const want = describeType(issue.expected);
      if (value === undefined) return p(style === 'csv' ? 'is empty' : 'is missing', fill(want));
      if (issue.expected === 'int' && typeof value === 'number') return p(`${value} is not a whole number`, 'use a whole number');
      if ((issue.expected === 'number' || issue.expected === 'int') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)))
        return p(`${quote(value)} is text, not a number`, 'write the number without quotes');
      if (issue.expected === 'boolean' && (value === 'true' || value === 'false')) return p(`${quote(value)} is text, not true or false`, `write ${value} without quotes`);
      if (issue.expected === 'array' && typeof value === 'string') return p(`expected a list, found ${describeValue(value)}`, `write a list, like [${JSON.stringify(value)}]`);
      return p(`expected ${want}, found ${describeValue(value)}`, `write ${want}`);
    }
    case 'invalid_format': {
      const rule = custom ?? (typeof issue.pattern === 'string' ? `text matching ${issue.pattern}` : 'the expected format');
      return p(`${quote(value)} is not valid: ${rule}`, `write ${rule}`);
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'string')
        return min <= 1 ? p(style === 'csv' ? 'is empty' : 'is empty text', 'write some text') : p(`is shorter than ${min} characters`, `write at least ${min} characters`);
      if (issue.origin === 'array' || issue.origin === 'set') {
        const n = Array.isArray(value) ? value.length : 0;
        const what = custom ?? `at least ${min} entr${min === 1 ? 'y' : 'ies'}`;
        return p(n === 0 ? `is empty, but needs ${what}` : `has ${n} entr${n === 1 ? 'y' : 'ies'} but needs ${what}`, `add ${what}`);
      }
      return p(
        `${quote(value)} is too small: it must be ${inclusive ? 'at least' : 'more than'} ${min}`,
        `use a number ${inclusive ? '≥' : '>'} ${min}`,
      );
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      const inclusive = issue.inclusive !== false;
      if (issue.origin === 'string') return p(`is longer than ${max} characters`, `shorten it to at most ${max} characters`);
      if (issue.origin === 'array' || issue.origin === 'set') {
        const n = Array.isArray(value) ? value.length : 0;
        return p(`has ${n} entries but at most ${max} are allowed`, `remove entries until at most ${max} are left`);
      }
      return p(`${quote(value)} is too big: it must be ${inclusive ? 'at most' : 'less than'} ${max}`, `use a number ${inclusive ? '≤' : '<'} ${max}`);
    }
    case 'invalid_value': {
      const values = Array.isArray(issue.values) ? issue.values.map((v) => String(v)) : [];
      if (value === undefined) return p(style === 'csv' ? 'is empty' : 'is missing', fill(`one of ${values.join(', ')}`));
      if (values.length === 1) return p(`${quote(value)} is not ${quote(values[0])}`, `write ${JSON.stringify(values[0])}`);
      return p(`${quote(value)} is not one of ${values.join(', ')}`, `use one of ${values.join(', ')}`);
    }
    case 'invalid_union': {
      const options = Array.isArray(issue.options) ? issue.options.map((v) => String(v)) : [];
      if (options.length) {
        if (value === undefined) return p(style === 'csv' ? 'is empty' : 'is missing', fill(`one of ${options.join(', ')}`));
        return p(`${quote(value)} is not a known ${name ?? 'kind'}`, `use one of ${options.join(', ')}`);
      }
      return p(`${quote(value)} does not have any of the accepted forms`, 'check the value against the documented format');
    }
    case 'invalid_key': {
      const inner = Array.isArray(issue.issues) ? (issue.issues[0] as { message?: unknown } | undefined) : undefined;
      const rule = typeof inner?.message === 'string' && !isDefaultMessage(inner.message) ? inner.message : 'a valid name';
      return p(`${quote(name ?? '')} is not a valid name here: it must be a ${rule}`, `rename it to a ${rule}`);
    }
    case 'unrecognized_keys': {
      const keys = Array.isArray(issue.keys) ? issue.keys.map(String) : [];
      return p(`unknown field${keys.length === 1 ? '' : 's'} ${keys.map((k) => quote(k)).join(', ')}`, 'remove it, or correct its spelling');
    }
    case 'custom':
      if (/at least one language/.test(issue.message))
        return p(
          issue.message,
          style === 'csv' ? 'fill in at least one language column, e.g. stem_zh or stem_en' : 'write the text in at least one language, like { "zh": "…" } or { "en": "…" }',
        );
      return p(issue.message, 'correct this value');
    default:
      return p(issue.message, 'correct this value');
  }
}
