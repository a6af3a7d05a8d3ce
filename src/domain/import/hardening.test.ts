import { describe, expect, it } from 'vitest';
import { formatCsv, MAX_CSV_ROWS, readCsvRecords, readCsvTable } from './csv';
import { formatIssue } from './issues';
import { formatItemsCsv, parseItemsCsv } from './itemsCsv';
import { parseOneRoster } from './oneRoster';
import { parseQtiItem, type QtiDefaults } from './qti';
import { parseRosterCsv, ROSTER_CSV_COLUMNS } from './rosterCsv';
import type { ItemInput } from '../item';

const HEADER = ROSTER_CSV_COLUMNS.join(',');

describe('CSV exports cannot carry a spreadsheet formula', () => {
  const hostile = ['=HYPERLINK("http://x","y")', '+1+cmd', '-2+3', '@SUM(A1)', '\tlead tab', '\rlead cr', "'=already"];

  it('prefixes every cell that starts with = + - @ TAB or CR with an apostrophe and quotes it; plain numbers stay numbers', () => {
    const text = formatCsv([hostile, ['-3', '+1.5', '-0.125', '1e3', 'Ann', '王']]);
    const [first, second] = text.split('\r\n');
    expect(first).toBe(`"'=HYPERLINK(""http://x"",""y"")","'+1+cmd","'-2+3","'@SUM(A1)","'\tlead tab","'\rlead cr","''=already"`);
    expect(second).toBe('-3,+1.5,-0.125,1e3,Ann,王');
    // no cell of the written file starts with a formula character once the CSV quoting is taken off
    for (const record of readRaw(text)) for (const cell of record) if (/^[=+\-@\t\r]/.test(cell)) expect(Number.isFinite(Number(cell)), cell).toBe(true);
  });

  it('reads the guard back off, so an exported file imports as it was', () => {
    expect(readCsvRecords(formatCsv([hostile]), 'x.csv').records[0]?.fields).toEqual(hostile);
  });

  it('the items CSV writer guards stems and answers and reads them back unchanged', () => {
    const item: ItemInput = {
      id: 'q1', type: 'short_text', subject: 'math', grade: 7, skills: ['s'], tier: 'core', minutes: 1, points: 1, difficulty: 0,
      stem: { en: '=1+1 is written how?' }, answer: ['@two', '-2+4'], boxes: 6,
    };
    const text = formatItemsCsv([item]);
    expect(text).toContain(`"'=1+1 is written how?"`);
    const back = parseItemsCsv(text, 'items.csv');
    if (!back.ok) throw new Error(back.error.map(formatIssue).join('\n'));
    expect(back.value[0]).toEqual(item);
  });
});

/** Records of a CSV text with the RFC 4180 quoting removed but nothing else. */
function readRaw(text: string): string[][] {
  const out: string[][] = [];
  const re = /("(?:[^"]|"")*"|[^,\r\n]*)(,|\r\n|$)/gy;
  let record: string[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m[0] !== '') {
    const cell = m[1] ?? '';
    record.push(cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell);
    if (m[2] !== ',') {
      out.push(record);
      record = [];
    }
  }
  return out;
}

describe('QTI with a document type declaration', () => {
  const defaults: QtiDefaults = { subject: 'geo', grade: 5, skills: ['capitals'], tier: 'core', minutes: 2, language: 'en' };
  const item = (prolog: string) =>
    `<?xml version="1.0"?>\n${prolog}\n<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="q" title="T">\n<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier"><correctResponse><value>A</value></correctResponse></responseDeclaration>\n<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>&lol9;</prompt><simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice></choiceInteraction></itemBody>\n</assessmentItem>`;
  const laughs = ['<!DOCTYPE assessmentItem [', '<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`), ']>'].join('\n');
  const external = '<!DOCTYPE assessmentItem [\n<!ENTITY lol9 SYSTEM "file:///etc/passwd">\n]>';

  it.each([
    ['billion laughs', laughs],
    ['an external entity', external],
  ])('is refused (%s), naming the file and the line of the declaration', (_, prolog) => {
    const r = parseQtiItem(item(prolog), 'hostile.xml', defaults);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toHaveLength(1);
    expect(r.error[0]).toMatchObject({ file: 'hostile.xml', line: 2 });
    expect(formatIssue(r.error[0]!)).toMatch(/DOCTYPE.*fix: /);
  });
});

describe('names with control characters are refused at import', () => {
  it('roster CSV: names the file, row, column and the fix, for students and classes', () => {
    const r = parseRosterCsv(`${HEADER}\n7A,A,7,S1,"Ann\u0007Lee",7,en,false\n"7B","B\u001bclass",7,S2,Bob,7,en,false\n7A,A,7,S3,"Eve\u202Eevil",7,en,false\n7A,A,7,S4,"Two\nlines",7,en,false\n`, 'roster.csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => [i.file, i.line, i.field])).toEqual([
      ['roster.csv', 2, 'display_name'],
      ['roster.csv', 3, 'class_name'],
      ['roster.csv', 4, 'display_name'],
      ['roster.csv', 5, 'display_name'],
    ]);
    expect(formatIssue(r.error[0]!)).toMatch(/control character U\+0007.*fix: .*delete/);
  });

  it('OneRoster: a user name or a class title with a control character', () => {
    const r = parseOneRoster({
      'users.csv': 'sourcedId,givenName,familyName,grades\nu1,"Mary\u0000",Archer,09\nu2,Tom,Lee,09\n',
      'classes.csv': 'sourcedId,title,grades\nc1,"Algebra\tI",09\n',
      'enrollments.csv': 'sourcedId,classSourcedId,userSourcedId,role\ne1,c1,u1,student\ne2,c1,u2,student\n',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => [i.file, i.line, i.field])).toEqual([
      ['classes.csv', 2, 'title'],
      ['users.csv', 2, 'givenName'],
    ]);
  });
});

describe('rows per import are capped', () => {
  it('refuses a CSV file with more data rows than the cap, saying how many and what to do', () => {
    const t = readCsvTable(`a,b\n${'1,2\n'.repeat(MAX_CSV_ROWS + 1)}`, 'big.csv');
    expect(t.issues).toHaveLength(1);
    expect(formatIssue(t.issues[0]!)).toMatch(new RegExp(`big\\.csv:${MAX_CSV_ROWS + 2}: .*more than ${MAX_CSV_ROWS.toLocaleString('en')} rows.*fix: split`));
    expect(readCsvTable(`a,b\n${'1,2\n'.repeat(MAX_CSV_ROWS)}`, 'ok.csv').issues).toEqual([]);
  });
});
