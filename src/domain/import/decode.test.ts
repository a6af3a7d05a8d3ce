import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImportFile } from './decode';
import { formatIssue } from './issues';
import { parseRosterCsv } from './rosterCsv';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../../../fixtures/encodings/${name}`, import.meta.url)));
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeImportFile', () => {
  it('reads UTF-8 and strips a UTF-8 byte order mark', () => {
    expect(decodeImportFile(utf8('a,b\n王,1\n'), 'x.csv')).toEqual({ ok: true, value: { text: 'a,b\n王,1\n', encoding: 'utf-8' } });
    expect(decodeImportFile(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a,b\n')]), 'x.csv')).toEqual({ ok: true, value: { text: 'a,b\n', encoding: 'utf-8' } });
  });

  it('reads a GB18030 roster (what Excel writes on Chinese Windows) as Chinese text', () => {
    const r = decodeImportFile(fixture('roster-gb18030.csv'), 'roster-gb18030.csv');
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    expect(r.value.encoding).toBe('gb18030');
    const roster = parseRosterCsv(r.value.text, 'roster-gb18030.csv');
    if (!roster.ok) throw new Error(roster.error.map(formatIssue).join('\n'));
    expect(roster.value.classes).toEqual([{ id: '7A', name: '初一(1)班', grade: 7 }]);
    expect(roster.value.students.map((s) => s.displayName)).toEqual(['王小明', '李华', '欧阳娜娜', 'Emma Clarke']);
  });

  it('refuses a file that is neither UTF-8 nor clearly GB18030, naming the line of the first bad byte and "save as CSV UTF-8"', () => {
    const r = decodeImportFile(fixture('roster-windows-1252.csv'), 'roster.csv');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toHaveLength(1);
    expect(r.error[0]).toMatchObject({ file: 'roster.csv', line: 2 });
    expect(formatIssue(r.error[0]!)).toMatch(/byte 0xEB .*not UTF-8.*fix: .*CSV UTF-8/);
  });

  it('refuses Latin-1 text whose accented letters happen to pair up into valid GB18030', () => {
    // "Renée" and "Müller" in Windows-1252: é+e and ü+l are valid GB18030 pairs, each decoding to a Han character inside a Latin word
    const latin1 = new Uint8Array([...utf8('id,name\n1,Ren'), 0xe9, 0x65, ...utf8('\n2,M'), 0xfc, 0x6c, 0x6c, 0x65, 0x72, ...utf8('\n')]);
    const r = decodeImportFile(latin1, 'x.csv');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]?.line).toBe(2);
  });

  it('reads UTF-16 with a byte order mark (Excel "Unicode text")', () => {
    const le = new Uint8Array([0xff, 0xfe, ...Array.from('a,王').flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8])]);
    expect(decodeImportFile(le, 'x.csv')).toEqual({ ok: true, value: { text: 'a,王', encoding: 'utf-16le' } });
  });
});
