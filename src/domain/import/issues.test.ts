import { describe, expect, it } from 'vitest';
import { formatIssue, formatIssues, lineColumnAt, lineIndex } from './issues';

describe('formatIssue', () => {
  it('names the file, the line, the column name and the fix', () => {
    expect(
      formatIssue({ file: 'items.csv', line: 12, field: 'answer', message: '"E" is not an option of this item', fix: 'use one of A, B, C, D' }),
    ).toBe('items.csv:12: column "answer": "E" is not an option of this item — fix: use one of A, B, C, D');
  });

  it('says field for JSON and XML, and gives a column number when there is one', () => {
    expect(formatIssue({ file: 'items.json', line: 3, field: 'items[0].grade', message: 'm', fix: 'f' })).toBe('items.json:3: field "items[0].grade": m — fix: f');
    expect(formatIssue({ file: 'items.json', line: 3, column: 14, message: 'JSON syntax error', fix: 'f' })).toBe('items.json:3:14: JSON syntax error — fix: f');
    expect(formatIssue({ file: 'users.csv', message: 'is missing', fix: 'include it' })).toBe('users.csv: is missing — fix: include it');
  });

  it('lists issues in file and line order', () => {
    expect(
      formatIssues([
        { file: 'b.csv', line: 1, message: 'x', fix: 'y' },
        { file: 'a.csv', line: 9, message: 'x', fix: 'y' },
        { file: 'a.csv', line: 2, message: 'x', fix: 'y' },
      ]).split('\n'),
    ).toEqual(['a.csv:2: x — fix: y', 'a.csv:9: x — fix: y', 'b.csv:1: x — fix: y']);
  });
});

describe('line numbers', () => {
  it('count LF, CRLF and lone CR as one line end each', () => {
    const text = 'a\nb\r\nc\rd';
    const at = lineIndex(text);
    for (let i = 0; i <= text.length; i++) expect(at(i)).toEqual(lineColumnAt(text, i));
    expect(lineColumnAt(text, text.indexOf('d'))).toEqual({ line: 4, column: 1 });
  });
});
