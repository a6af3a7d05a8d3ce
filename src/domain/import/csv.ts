import { err, ok, type Result } from '../result';
import { quote, stripBom, type ImportIssue } from './issues';

/** One CSV record: its fields and the line it starts on (a quoted field may span several lines). */
export type CsvRecord = { line: number; fields: string[] };

/** Records plus the problems found. Reading never stops at the first problem. */
export type CsvRecords = { records: CsvRecord[]; issues: ImportIssue[] };

const QUOTE_FIX = 'put the whole value in double quotes and write every " inside it twice ("")';

/**
 * Reads CSV text as in RFC 4180, and a little more leniently: CRLF, LF or CR line ends, a UTF-8 BOM,
 * no final newline, blank lines (skipped), and a stray " inside an unquoted value (kept as it is).
 * Each record reports the line it starts on. An unterminated quote is an issue with the line where
 * the quoted value starts; text after a closing quote is an issue with its line and column.
 * A value that starts with an apostrophe before = + - @ TAB or CR (how exports guard against
 * formulas) is read without that apostrophe. Reading stops after `maxRecords` + 1 records.
 */
export function readCsvRecords(input: string, file: string, maxRecords = Infinity): CsvRecords {
  const text = stripBom(input);
  const n = text.length;
  const records: CsvRecord[] = [];
  const issues: ImportIssue[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const newline = () => {
    // called with i at a CR or LF; consumes CRLF as one line end
    if (text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10) i += 2;
    else i += 1;
    line++;
    lineStart = i;
  };

  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let fieldsDone = false;
    while (!fieldsDone) {
      let value = '';
      if (text.charCodeAt(i) === 34 /* " */) {
        const quoteLine = line;
        const quoteColumn = i - lineStart + 1;
        i++;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 34) {
            if (text.charCodeAt(i + 1) === 34) {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (c === 13 || c === 10) {
            const start = i;
            newline();
            value += text.slice(start, i);
            continue;
          }
          // copy a run of ordinary characters, stopping at quotes and line ends (which are counted)
          let j = i;
          while (j < n) {
            const d = text.charCodeAt(j);
            if (d === 34 || d === 13 || d === 10) break;
            j++;
          }
          value += text.slice(i, j);
          i = j;
        }
        if (!closed) {
          issues.push({
            file,
            line: quoteLine,
            column: quoteColumn,
            message: 'a quoted value starts here but its closing " is missing, so the rest of the file was read as part of it',
            fix: `add the closing " at the end of the value; ${QUOTE_FIX}`,
          });
          return { records, issues };
        }
        const afterStart = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 13 || c === 10) break;
          i++;
        }
        if (i > afterStart) {
          issues.push({
            file,
            line,
            column: afterStart - lineStart + 1,
            message: `unexpected text ${quote(text.slice(afterStart, i))} after a closing quote`,
            fix: QUOTE_FIX,
          });
          value += text.slice(afterStart, i);
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 44 || c === 13 || c === 10) break;
          i++;
        }
        value = text.slice(start, i);
      }
      fields.push(value);
      if (i >= n) fieldsDone = true;
      else if (text.charCodeAt(i) === 44) i++;
      else {
        newline();
        fieldsDone = true;
      }
    }
    const blank = fields.length === 1 && (fields[0] ?? '').trim() === '';
    if (!blank) records.push({ line: recordLine, fields: fields.map(unguardFormula) });
    if (records.length > maxRecords) return { records, issues };
  }
  return { records, issues };
}

/** CSV text → records, or every problem found. */
export function parseCsv(text: string, file: string): Result<CsvRecord[], ImportIssue[]> {
  const { records, issues } = readCsvRecords(text, file);
  return issues.length ? err(issues) : ok(records);
}

/** Data rows one CSV import file may have. Beyond it an import is refused rather than left to run for minutes. */
export const MAX_CSV_ROWS = 100_000;

/** One data row, keyed by header name, with the line it starts on. */
export type CsvRow = { line: number; values: Record<string, string> };

/** A CSV file with a header line: the column names, the rows and every problem found. */
export type CsvTable = { header: string[]; headerLine: number; rows: CsvRow[]; issues: ImportIssue[] };

export type CsvTableOptions = {
  /** How header names are compared, e.g. lower-casing. Default: trimmed as written. */
  normalizeHeader?: (name: string) => string;
  /** Help for an empty file, e.g. the header line to write. */
  expectedHeader?: string;
  /** Data rows allowed (default MAX_CSV_ROWS). */
  maxRows?: number;
};

/**
 * Reads a CSV file whose first non-blank record is the header. Rows that have the wrong number of
 * values are reported (extra values that are all empty are tolerated, as spreadsheets write them)
 * and left out of `rows`; rows whose values are all empty are skipped. Never throws, never stops at
 * the first problem.
 */
export function readCsvTable(text: string, file: string, options: CsvTableOptions = {}): CsvTable {
  const normalize = options.normalizeHeader ?? ((s: string) => s.trim());
  const maxRows = options.maxRows ?? MAX_CSV_ROWS;
  const { records, issues } = readCsvRecords(text, file, maxRows + 1);
  if (records.length > maxRows + 1) return tooManyRows(file, records, maxRows);
  const headerRecord = records[0];
  if (!headerRecord) {
    if (!issues.length)
      issues.push({
        file,
        line: 1,
        message: 'the file is empty: it has no header line',
        fix: options.expectedHeader ? `start the file with the header line: ${options.expectedHeader}` : 'start the file with a header line naming the columns',
      });
    return { header: [], headerLine: 1, rows: [], issues };
  }
  const header = headerRecord.fields.map(normalize);
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') return;
    const first = seen.get(name);
    if (first !== undefined)
      issues.push({
        file,
        line: headerRecord.line,
        field: name,
        message: `column ${index + 1} has the same name as column ${first + 1}`,
        fix: 'give every column its own name, or delete the repeated column',
      });
    else seen.set(name, index);
  });
  const unnamedWithData = new Set<number>();
  const rows: CsvRow[] = [];
  for (const record of records.slice(1)) {
    const { fields } = record;
    if (fields.every((f) => f.trim() === '')) continue;
    if (fields.length < header.length || fields.slice(header.length).some((f) => f.trim() !== '')) {
      issues.push({
        file,
        line: record.line,
        message: `this row has ${fields.length} values but the header has ${header.length} columns`,
        fix: `check for a missing or extra comma; ${QUOTE_FIX} when it contains a comma`,
      });
      continue;
    }
    const values: Record<string, string> = Object.create(null) as Record<string, string>;
    header.forEach((name, index) => {
      const v = fields[index] ?? '';
      if (name === '') {
        if (v.trim() !== '') unnamedWithData.add(index);
        return;
      }
      if (!(name in values)) values[name] = v;
    });
    rows.push({ line: record.line, values });
  }
  for (const index of unnamedWithData)
    issues.push({
      file,
      line: headerRecord.line,
      message: `column ${index + 1} has values but no name in the header`,
      fix: 'write the column name in the header line, or delete the column',
    });
  return { header, headerLine: headerRecord.line, rows, issues };
}

function tooManyRows(file: string, records: readonly CsvRecord[], maxRows: number): CsvTable {
  const over = records[maxRows + 1];
  return {
    header: [],
    headerLine: records[0]?.line ?? 1,
    rows: [],
    issues: [
      {
        file,
        line: over?.line ?? 1,
        message: `the file has more than ${maxRows.toLocaleString('en')} rows, the most one import takes; nothing was read`,
        fix: `split it into files of at most ${maxRows.toLocaleString('en')} rows (each with the header line) and import them one by one`,
      },
    ],
  };
}

/** Quotes one CSV value when needed (RFC 4180). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A cell a spreadsheet would run as a formula (= + - @, or a leading TAB or CR that it strips first),
 * unless it is a plain number. Cells that start with apostrophes before such a character count too,
 * so that reading the guard back off (`unguardFormula`) gives every value exactly as it was.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Prefixes a cell that a spreadsheet would take for a formula with an apostrophe (CSV injection). */
export function guardFormula(value: string): string {
  return FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
}

/** Takes off the apostrophe `guardFormula` added, so an exported file imports as it was. */
export function unguardFormula(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

/** One cell of a CSV export: guarded against formula injection, then quoted when needed (a guarded cell always). */
export function csvExportCell(value: string): string {
  const guarded = guardFormula(value);
  return guarded === value ? csvField(value) : `"${guarded.replace(/"/g, '""')}"`;
}

/** Writes records as CSV with CRLF line ends (RFC 4180), every cell guarded against formula injection. */
export function formatCsv(records: readonly (readonly string[])[]): string {
  return records.map((r) => r.map(csvExportCell).join(',')).join('\r\n') + '\r\n';
}
