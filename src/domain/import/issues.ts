/**
 * One problem found while importing a file. Every issue names the file, says where in it (line,
 * and a column number or a field / column name when known), what is wrong and how to fix it.
 */
export type ImportIssue = {
  /** The file name as the caller gave it, e.g. "items.csv". */
  file: string;
  /** 1-based line where the problem is (for a record or item: the line where it starts). */
  line?: number;
  /** 1-based character column on that line, when the problem is a single spot (syntax errors). */
  column?: number;
  /** The field path (JSON, XML) or the column name (CSV) the problem is about. */
  field?: string;
  /** What is wrong, in plain words. */
  message: string;
  /** What the author should do about it. */
  fix: string;
};

/** Whether the file is a CSV file, so that a field is called a column. */
function isCsvName(file: string): boolean {
  return /\.csv$/i.test(file);
}

/**
 * One line of text for a person, e.g.
 * `items.csv:12: column "answer": "E" is not an option of this item — fix: use one of A, B, C, D`.
 */
export function formatIssue(issue: ImportIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) {
    where += `:${issue.line}`;
    if (issue.column !== undefined) where += `:${issue.column}`;
  }
  const field = issue.field !== undefined && issue.field !== '' ? `${isCsvName(issue.file) ? 'column' : 'field'} "${issue.field}": ` : '';
  return `${where}: ${field}${issue.message} — fix: ${issue.fix}`;
}

/** Issues sorted by file, then line, then column; one per line of text. */
export function formatIssues(issues: readonly ImportIssue[]): string {
  return sortIssues(issues).map(formatIssue).join('\n');
}

/** A stable order for showing issues: by file, then line, then column (issues without a line first). */
export function sortIssues(issues: readonly ImportIssue[]): ImportIssue[] {
  return [...issues].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0),
  );
}

/** Quotes a value for a message, shortening long or multi-line values. */
export function quote(value: unknown, max = 40): string {
  let s = typeof value === 'string' ? value : value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  s = s.replace(/\r\n|\r|\n/g, '⏎');
  if (s.length > max) s = `${s.slice(0, max - 1)}…`;
  return typeof value === 'string' ? `"${s}"` : s;
}

/** 1-based line and column of a character offset in a text (lines end at LF, CRLF or a lone CR). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A quick index from offsets to lines, for texts where many offsets are looked up. */
export function lineIndex(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset: number) => {
    const o = Math.min(Math.max(offset, 0), text.length);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - (starts[lo] ?? 0) + 1 };
  };
}

/** Removes a leading UTF-8 byte order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
