import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, formatCsv, parseCsv, readCsvRecords, readCsvTable } from './csv';
import { applyMutations, expectCleanResult, mutationsArb, RUNS } from './testSupport';

const F = 'data.csv';
const fields = (text: string) => readCsvRecords(text, F).records.map((r) => r.fields);
const lines = (text: string) => readCsvRecords(text, F).records.map((r) => r.line);

describe('readCsvRecords (RFC 4180)', () => {
  it('reads plain records with CRLF and LF line ends and reports their lines', () => {
    expect(fields('a,b\r\nc,d\ne,f')).toEqual([['a', 'b'], ['c', 'd'], ['e', 'f']]);
    expect(lines('a,b\r\nc,d\ne,f')).toEqual([1, 2, 3]);
  });

  it('handles quoted fields with commas, doubled quotes and line breaks, and gives each record its first line', () => {
    const text = 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"two\nlines\r\nthree"\n4,end\n';
    expect(fields(text)).toEqual([['id', 'text'], ['1', 'a, b'], ['2', 'say "hi"'], ['3', 'two\nlines\r\nthree'], ['4', 'end']]);
    expect(lines(text)).toEqual([1, 2, 3, 4, 7]);
  });

  it('strips a UTF-8 BOM, skips blank and trailing empty lines, and reads a file without a final newline', () => {
    expect(fields('\uFEFFa,b\n\n1,2\n\n\n')).toEqual([['a', 'b'], ['1', '2']]);
    expect(lines('\uFEFFa,b\n\n1,2\n\n\n')).toEqual([1, 3]);
    expect(fields('a,b\n1,2')).toEqual([['a', 'b'], ['1', '2']]);
    expect(fields('a,\n,')).toEqual([['a', ''], ['', '']]);
    expect(fields('')).toEqual([]);
  });

  it('reports an unterminated quote at the line where the quoted value starts', () => {
    const r = parseCsv('a,b\n1,2\n3,"never closed\n4,5\n', F);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toHaveLength(1);
    expect(r.error[0]).toMatchObject({ file: F, line: 3, column: 3 });
    expect(r.error[0]?.fix).toMatch(/closing "/);
    // the records before it are still read
    expect(readCsvRecords('a,b\n1,2\n3,"x', F).records).toHaveLength(2);
  });

  it('reports text after a closing quote with line and column, and keeps reading', () => {
    const r = readCsvRecords('a,b\n"x"y,2\nc,d', F);
    expect(r.issues).toEqual([expect.objectContaining({ line: 2, column: 4 })]);
    expect(r.records.map((x) => x.fields)).toEqual([['a', 'b'], ['xy', '2'], ['c', 'd']]);
  });

  it('keeps a stray quote inside an unquoted value', () => {
    expect(fields('a,5" ruler\n')).toEqual([['a', '5" ruler']]);
  });
});

describe('readCsvTable', () => {
  it('makes header-based rows and reports rows of the wrong length without stopping', () => {
    const t = readCsvTable('x,y\n1,2\n3\n4,5,6\n7,8,,\n', F);
    expect(t.rows).toEqual([
      { line: 2, values: { x: '1', y: '2' } },
      { line: 5, values: { x: '7', y: '8' } },
    ]);
    expect(t.issues.map((i) => i.line)).toEqual([3, 4]);
  });

  it('reports an empty file, repeated and unnamed columns', () => {
    expect(readCsvTable('', F).issues).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/empty/) })]);
    expect(readCsvTable('a,a\n1,2', F).issues).toEqual([expect.objectContaining({ line: 1, field: 'a' })]);
    expect(readCsvTable('a,\n1,2', F).issues).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/no name/) })]);
    expect(readCsvTable('a,\n1,', F).issues).toEqual([]);
  });
});

describe('CSV properties', () => {
  const cell = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', '\r\n', ' ', '中', '😀', '|'), maxLength: 8 });
  const recordsArb = fc
    .array(fc.array(cell, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 8 })
    .map((rs) => rs.filter((r) => !(r.length === 1 && (r[0] ?? '').trim() === '')));

  it('formatCsv writes CRLF records that read back', () => {
    expect(formatCsv([['a', 'b,c'], ['"q"', '']])).toBe('a,"b,c"\r\n"""q""",\r\n');
    expect(fields(formatCsv([['a', 'b,c'], ['"q"', '']]))).toEqual([['a', 'b,c'], ['"q"', '']]);
  });

  it('reads back what it writes, with the right starting line for every record (CRLF, LF, with and without a final newline)', () => {
    fc.assert(
      fc.property(recordsArb, fc.constantFrom('\r\n', '\n'), fc.boolean(), (records, eol, finalNewline) => {
        const recordTexts = records.map((r) => r.map(csvField).join(','));
        const text = recordTexts.join(eol) + (finalNewline ? eol : '');
        const parsed = readCsvRecords(text, F);
        expect(parsed.issues).toEqual([]);
        expect(parsed.records.map((r) => r.fields)).toEqual(records);
        let offset = 0;
        const expectedLines = recordTexts.map((l) => {
          const line = 1 + (text.slice(0, offset).match(/\r\n|\r|\n/g)?.length ?? 0);
          offset += l.length + eol.length;
          return line;
        });
        expect(parsed.records.map((r) => r.line)).toEqual(expectedLines);
      }),
      RUNS,
    );
  });

  it('never throws on any text, and every issue has the file, a line, a column, a message and a fix', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom('"', ',', '\n', '\r', 'a', ' ', '\uFEFF') })), (text) => {
        expectCleanResult(parseCsv(text, F), { files: [F], lines: true });
        const t = readCsvTable(text, F);
        for (const i of t.issues) expect(i.line).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it('never throws on damaged CSV files', () => {
    const base = 'id,name,note\n1,"Ann, B.","says ""hi"""\n2,Bob,"two\nlines"\n3,Cy,\n';
    fc.assert(
      fc.property(mutationsArb, (ms) => {
        const text = applyMutations(base, ms);
        expectCleanResult(parseCsv(text, F), { files: [F], lines: true });
        for (const i of readCsvTable(text, F).issues) expect(i.line).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });
});
