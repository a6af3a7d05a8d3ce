import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Student, SchoolClass } from '../roster';
import { formatCsv, readCsvRecords } from './csv';
import { formatIssue } from './issues';
import { oneRosterGrade, parseOneRoster } from './oneRoster';
import { parseRosterCsv, ROSTER_CSV_COLUMNS } from './rosterCsv';
import { applyMutations, expectCleanResult, mutationsArb, RUNS } from './testSupport';

const R = 'roster.csv';
const HEADER = ROSTER_CSV_COLUMNS.join(',');

describe('parseRosterCsv', () => {
  it('reads students, classes and enrollments; a student in two classes has two rows', () => {
    const r = parseRosterCsv(
      `${HEADER}\n7A,初一(1)班,7,S1,王子涵,7,zh,false\n7A,初一(1)班,7,S2,Li Xinyi,7,EN,yes\nM7,Maths club,7,S1,王子涵,7,zh,false\n,,,S3,No Class,8,,\n`,
      R,
    );
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    expect(r.value).toEqual({
      classes: [{ id: '7A', name: '初一(1)班', grade: 7 }, { id: 'M7', name: 'Maths club', grade: 7 }],
      students: [
        { id: 'S1', displayName: '王子涵', grade: 7, language: 'zh', largePrint: false },
        { id: 'S2', displayName: 'Li Xinyi', grade: 7, language: 'en', largePrint: true },
        { id: 'S3', displayName: 'No Class', grade: 8, language: 'zh', largePrint: false },
      ],
      enrollments: [{ classId: '7A', studentId: 'S1' }, { classId: '7A', studentId: 'S2' }, { classId: 'M7', studentId: 'S1' }],
    });
  });

  it('refuses columns beyond the minimum, with the fix', () => {
    const r = parseRosterCsv(`${HEADER},email,birth_date\n7A,A,7,S1,Ann,7,en,false,ann@example.org,2012-01-01\n`, R);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.map((i) => i.field)).toEqual(['email', 'birth_date']);
    expect(r.error[0]?.message).toMatch(/only the minimum/);
  });

  it('lists every bad row: grades, names, languages, disagreeing and repeated rows', () => {
    const r = parseRosterCsv(
      [HEADER, '7A,A,7,S1,Ann,7,en,false', '7A,A,7,S2,Bob,KG,en,false', '7A,A,7,S3,,7,en,false', '7A,A,7,S4,Cy,7,english,false', '7A,A,7,S1,Ann,8,en,false', '7A,A,7,S5,Di,7,en,maybe', '7B,B,13,S6,Ed,7,en,false', '7A,A,7,S1,Ann,7,en,false'].join('\r\n'),
      R,
    );
    if (r.ok) throw new Error('expected issues');
    expect(r.error.map((i) => [i.line, i.field])).toEqual([
      [3, 'grade'],
      [4, 'display_name'],
      [5, 'language'],
      [6, 'grade'],
      [7, 'large_print'],
      [8, 'class_grade'],
      [9, 'student_id'],
    ]);
    expect(r.error[0]?.message).toMatch(/before grade 1/);
  });

  const studentArb = fc.record({
    id: fc.stringMatching(/^S[0-9]{1,4}$/),
    displayName: fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '王', '-'), minLength: 1, maxLength: 20 }).map((s) => s.trim()).filter((s) => s !== ''),
    grade: fc.integer({ min: 1, max: 12 }),
    language: fc.constantFrom('zh', 'en', 'fr'),
    largePrint: fc.boolean(),
  });
  const rosterArb = fc.tuple(
    fc.uniqueArray(studentArb, { minLength: 1, maxLength: 8, selector: (s) => s.id }),
    fc.uniqueArray(fc.record({ id: fc.stringMatching(/^[0-9][A-Z]$/), name: fc.stringMatching(/^[A-Za-z][A-Za-z ()]{0,10}[A-Za-z)]$/), grade: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 3, selector: (c) => c.id }),
  );

  it('reads back a roster written as CSV (property)', () => {
    fc.assert(
      fc.property(rosterArb, ([students, classes]) => {
        const enrollments = students.map((s, i) => ({ classId: classes[i % classes.length]?.id ?? '', studentId: s.id }));
        const rows = enrollments.map((e) => {
          const s = students.find((x) => x.id === e.studentId) as Student;
          const c = classes.find((x) => x.id === e.classId) as SchoolClass;
          return [c.id, c.name, String(c.grade), s.id, s.displayName, String(s.grade), s.language, String(s.largePrint)];
        });
        const r = parseRosterCsv(formatCsv([[...ROSTER_CSV_COLUMNS], ...rows]), R);
        if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
        expect(r.value.students).toEqual(students);
        expect(r.value.enrollments).toEqual(enrollments);
        expect(r.value.classes).toEqual(classes.filter((c) => enrollments.some((e) => e.classId === c.id)));
      }),
      RUNS,
    );
  });

  it('never throws on random or damaged roster files', () => {
    const base = `${HEADER}\n7A,"初一(1)班, 上午",7,S1,王子涵,7,zh,false\n7A,"初一(1)班, 上午",7,S2,"Li, Xinyi",7,en,true\n`;
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutationsArb.map((ms) => applyMutations(base, ms))), (text) => {
        expectCleanResult(parseRosterCsv(text, R), { files: [R], lines: true });
      }),
      RUNS,
    );
  });
});

const orDir = new URL('../../../fixtures/external/oneroster/v1p1/', import.meta.url);
const oneRosterFiles: Record<string, string> = Object.fromEntries(
  readdirSync(orDir)
    .filter((f) => f.endsWith('.csv'))
    .map((f) => [f, readFileSync(new URL(f, orDir), 'utf8')]),
);

describe('parseOneRoster on the real Ed-Fi OneRoster 1.1 sample', () => {
  it('keeps the 8 students, 2 classes and 10 distinct student enrollments, and nothing else', () => {
    const r = parseOneRoster(oneRosterFiles);
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    const { roster, summary } = r.value;
    expect(roster.classes).toEqual([
      { id: '25590100101Trad120ENG112011', name: 'ENG-1', grade: 9 },
      { id: '25590100102Trad220ALG112011', name: 'ALG-1', grade: 9 },
    ]);
    expect(roster.students).toHaveLength(8);
    expect(roster.students[0]).toEqual({ id: '604863', displayName: 'Mary Archer', grade: 9, language: 'en', largePrint: false });
    expect(roster.students.find((s) => s.id === '604918')?.displayName).toBe('Peter Nash');
    expect(roster.students.map((s) => s.id)).not.toContain('207270'); // a teacher
    expect(roster.enrollments).toHaveLength(10);
    expect(summary).toEqual({ students: 8, classes: 2, enrollments: 10, skippedUsers: 2, skippedEnrollments: 14, ignoredFiles: ['academicSessions.csv', 'demographics.csv', 'orgs.csv'] });
  });

  it('stores the minimum: no emails, phones, user ids, birth dates or demographics', () => {
    const r = parseOneRoster(oneRosterFiles);
    const json = JSON.stringify(r);
    for (const secret of ['@studentgps.org', '(950)', '{Local:', '1997-', 'female', 'Ivan', 'Doris', 'ClassLink']) expect(json).not.toContain(secret);
    if (!r.ok) return;
    for (const s of r.value.roster.students) expect(Object.keys(s).sort()).toEqual(['displayName', 'grade', 'id', 'language', 'largePrint']);
  });

  it('works with only the three required files, with paths as names, and with another language', () => {
    const r = parseOneRoster(
      { 'export/users.csv': oneRosterFiles['users.csv'] ?? '', 'export/classes.csv': oneRosterFiles['classes.csv'] ?? '', 'export/enrollments.csv': oneRosterFiles['enrollments.csv'] ?? '' },
      { language: 'zh' },
    );
    expect(r.ok && r.value.roster.students.every((s) => s.language === 'zh')).toBe(true);
  });

  it('uses preferredGivenName when present (OneRoster 1.2)', () => {
    const users = 'sourcedId,status,enabledUser,givenName,familyName,preferredGivenName,grades\nu1,active,true,Robert,Smith,Bob,03\n';
    const classes = 'sourcedId,title,grades\nc1,Class 3A,03\n';
    const enrollments = 'sourcedId,classSourcedId,userSourcedId,role\ne1,c1,u1,student\n';
    const r = parseOneRoster({ 'users.csv': users, 'classes.csv': classes, 'enrollments.csv': enrollments });
    expect(r.ok && r.value.roster.students[0]?.displayName).toBe('Bob Smith');
  });

  it('refuses KG / PK students with an issue at their line, and explains missing files and delta exports', () => {
    const users = (oneRosterFiles['users.csv'] ?? '').replace('Mary.Archer@studentgps.org,,(950) 336 6601,,09', 'Mary.Archer@studentgps.org,,(950) 336 6601,,KG');
    const r = parseOneRoster({ ...oneRosterFiles, 'users.csv': users });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toEqual([expect.objectContaining({ file: 'users.csv', line: 2, field: 'grades', message: expect.stringMatching(/"KG" comes before grade 1/) })]);
    expect(oneRosterGrade('PK').ok).toBe(false);
    expect(oneRosterGrade('09')).toEqual({ ok: true, value: 9 });
    expect(oneRosterGrade('13').ok).toBe(false);

    const missing = parseOneRoster({ 'users.csv': '' });
    expect(!missing.ok && missing.error.map((i) => i.file)).toEqual(['classes.csv', 'enrollments.csv']);
    const delta = parseOneRoster({ ...oneRosterFiles, 'manifest.csv': (oneRosterFiles['manifest.csv'] ?? '').replace('file.users,bulk', 'file.users,delta') });
    expect(!delta.ok && delta.error[0]).toMatchObject({ file: 'manifest.csv', line: 10, message: expect.stringMatching(/delta/) });
  });

  it('reports enrollments that point to unknown users or classes', () => {
    const enrollments = `${oneRosterFiles['enrollments.csv'] ?? ''}\nX,,,NOCLASS,255901001,604863,student,,,\nY,,,25590100101Trad120ENG112011,255901001,999,student,,,`;
    const r = parseOneRoster({ ...oneRosterFiles, 'enrollments.csv': enrollments });
    expect(!r.ok && r.error.map((i) => [i.line, i.field])).toEqual([
      [26, 'classSourcedId'],
      [27, 'userSourcedId'],
    ]);
  });

  const names = Object.keys(oneRosterFiles).sort();
  it('survives every column of users, classes and enrollments being dropped, and names the ones it needs', () => {
    const needed: Record<string, string[]> = { 'users.csv': ['sourcedId', 'givenName', 'familyName'], 'classes.csv': ['sourcedId', 'title'], 'enrollments.csv': ['classSourcedId', 'userSourcedId', 'role'] };
    for (const name of Object.keys(needed)) {
      const records = readCsvRecords(oneRosterFiles[name] ?? '', name).records.map((r) => r.fields);
      const header = records[0] ?? [];
      header.forEach((column, k) => {
        const text = formatCsv(records.map((r) => r.filter((_, j) => j !== k)));
        const r = parseOneRoster({ ...oneRosterFiles, [name]: text });
        expectCleanResult(r, { files: names, lines: true });
        if (needed[name]?.includes(column)) expect(!r.ok && r.error[0]).toMatchObject({ file: name, line: 1, field: column });
        else if (!r.ok) expect(column).toBe('grades'); // without grades, the students keep their class's grade
      });
    }
  });


  it('never throws on damaged copies of the sample (any file: flipped characters, dropped columns, swapped lines …)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...names), mutationsArb, (name, ms) => {
        const files = { ...oneRosterFiles, [name]: applyMutations(oneRosterFiles[name] ?? '', ms) };
        const r = parseOneRoster(files);
        expectCleanResult(r, { files: names, lines: (i) => !/is missing|two files/.test(i.message) });
        if (r.ok) {
          for (const s of r.value.roster.students) expect(Student.safeParse(s).success).toBe(true);
          for (const c of r.value.roster.classes) expect(SchoolClass.safeParse(c).success).toBe(true);
          for (const e of r.value.roster.enrollments) {
            expect(r.value.roster.students.some((s) => s.id === e.studentId)).toBe(true);
            expect(r.value.roster.classes.some((c) => c.id === e.classId)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('never throws on random files', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (u, c, e) => {
        expectCleanResult(parseOneRoster({ 'users.csv': u, 'classes.csv': c, 'enrollments.csv': e }), { files: ['users.csv', 'classes.csv', 'enrollments.csv'], lines: true });
      }),
      RUNS,
    );
  });
});
