import { SchoolClass, Student, type Roster } from '../roster';
import { err, ok, type Result } from '../result';
import { readCsvTable, type CsvRow, type CsvTable } from './csv';
import { printableCell } from './cells';
import { quote, sortIssues, type ImportIssue } from './issues';
import { describeZodIssues } from './zodIssues';

export type OneRosterOptions = {
  /** Print language for every student (OneRoster does not carry one). Default "en". */
  language?: string;
};

/** What an import kept and what it left out on purpose. */
export type OneRosterSummary = {
  students: number;
  classes: number;
  enrollments: number;
  /** Users not kept: teachers and other roles, students in no class, disabled or deleted accounts. */
  skippedUsers: number;
  /** Enrollments not kept: other roles than student, deleted ones, repeats (e.g. one per term). */
  skippedEnrollments: number;
  /** Files given but not read (demographics.csv, academicSessions.csv, orgs.csv, …). */
  ignoredFiles: string[];
};

export type OneRosterImport = { roster: Roster; summary: OneRosterSummary };

const REQUIRED_FILES = ['users.csv', 'classes.csv', 'enrollments.csv'] as const;
const READ_FILES = new Set<string>([...REQUIRED_FILES, 'courses.csv', 'manifest.csv']);
const PRE_GRADE_ONE = new Set(['IT', 'PR', 'PK', 'TK', 'KG', 'PS']);

/**
 * A OneRoster grade ("09", "9", "KG", …) as a PaperLoop grade 1–12, or why it is refused.
 */
export function oneRosterGrade(raw: string): Result<number, { message: string; fix: string }> {
  const s = raw.trim();
  if (/^\d{1,2}$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= 12) return ok(n);
  }
  if (PRE_GRADE_ONE.has(s.toUpperCase()))
    return err({ message: `grade ${quote(s)} comes before grade 1; PaperLoop serves grades 1–12`, fix: 'leave these students out of the export, or give them a grade from 01 to 12' });
  return err({ message: `grade ${quote(s)} is not one PaperLoop serves (grades 01–12)`, fix: 'correct the grade in the student information system, or leave these students out of the export' });
}

const baseName = (name: string) => (name.split(/[\\/]/).pop() ?? name).toLowerCase();

type Table = CsvTable & { file: string; get: (row: CsvRow, column: string) => string; has: (column: string) => boolean; column: (column: string) => string };

function table(text: string, file: string): Table {
  const t = readCsvTable(text, file);
  const byLower = new Map<string, string>();
  for (const h of t.header) if (!byLower.has(h.toLowerCase())) byLower.set(h.toLowerCase(), h);
  return {
    ...t,
    file,
    has: (c) => byLower.has(c.toLowerCase()),
    column: (c) => byLower.get(c.toLowerCase()) ?? c,
    get: (row, c) => {
      const h = byLower.get(c.toLowerCase());
      return h === undefined ? '' : (row.values[h] ?? '').trim();
    },
  };
}

const deleted = (status: string) => /^(tobedeleted|inactive|deleted)$/i.test(status);

type NamedText = { name: string; text: string };
type Tables = { users: Table; classes: Table; enrollments: Table; courses: Table | undefined };
type Enrollment = { classId: string; studentId: string; line: number };
type StudentEnrollments = { pairs: Enrollment[]; skippedEnrollments: number };
type ReadStudents = { students: Map<string, Student>; studentGrades: Map<string, number> };

/**
 * Reads a OneRoster 1.1 / 1.2 bulk CSV export, given as file name → text (users.csv, classes.csv,
 * enrollments.csv; courses.csv and manifest.csv are read when present; other files are ignored).
 * It keeps only what a station needs: students enrolled with role student (id, display name, grade),
 * their classes (id, title, grade) and the enrollments. Emails, phone numbers, birth dates,
 * demographics, user names and passwords are never read. Every student gets `options.language`.
 */
export function parseOneRoster(files: Readonly<Record<string, string>>, options: OneRosterOptions = {}): Result<OneRosterImport, ImportIssue[]> {
  const language = options.language ?? 'en';
  const issues: ImportIssue[] = [];
  const byName = filesByBaseName(files, issues);
  if (issues.length) return err(issues);
  const manifest = byName.get('manifest.csv');
  if (manifest) issues.push(...manifestIssues(manifest));
  if (issues.length) return err(sortIssues(issues));

  const tables = readTables(byName, issues);
  if (issues.length) return err(sortIssues(issues));
  const classRows = rowsById(tables.classes, 'class', issues, { skipDeleted: true });
  const userRows = rowsById(tables.users, 'user', issues, { skipDeleted: false });
  const { pairs, skippedEnrollments } = studentEnrollments(tables, classRows, userRows, issues);
  const classGrade = classGradeText(tables);
  const { students, studentGrades } = readStudents(pairs, tables.users, userRows, classRows, classGrade, language, issues);
  const keptClasses = readClasses(pairs, tables.classes, classRows, classGrade, studentGrades, issues);
  if (issues.length) return err(sortIssues(issues));

  const keptPairs = pairs.filter((p) => students.has(p.studentId));
  const roster: Roster = {
    classes: [...keptClasses.values()],
    students: [...students.values()],
    enrollments: keptPairs.map(({ classId, studentId }) => ({ classId, studentId })),
  };
  const ignoredFiles = [...byName.entries()].filter(([k]) => !READ_FILES.has(k)).map(([, f]) => f.name).sort();
  return ok({
    roster,
    summary: {
      students: roster.students.length,
      classes: roster.classes.length,
      enrollments: roster.enrollments.length,
      skippedUsers: userRows.size - roster.students.length,
      skippedEnrollments,
      ignoredFiles,
    },
  });
}

/** The files by lower-case base name; a repeated name or a missing required file is an issue. */
function filesByBaseName(files: Readonly<Record<string, string>>, issues: ImportIssue[]): Map<string, NamedText> {
  const byName = new Map<string, NamedText>();
  for (const [name, text] of Object.entries(files)) {
    const key = baseName(name);
    const before = byName.get(key);
    if (before) issues.push({ file: name, message: `two files are named ${key} (${before.name} and ${name})`, fix: 'give one OneRoster export at a time' });
    else byName.set(key, { name, text });
  }
  for (const f of REQUIRED_FILES)
    if (!byName.has(f)) issues.push({ file: f, message: 'is missing from the OneRoster export', fix: `include ${f}; PaperLoop needs ${REQUIRED_FILES.join(', ')}` });
  return byName;
}

/** A manifest that declares another version, or a delta or absent required file. */
function manifestIssues(manifest: NamedText): ImportIssue[] {
  const m = table(manifest.text, manifest.name);
  const issues = [...m.issues];
  const prop = new Map<string, { value: string; line: number }>();
  for (const row of m.rows) prop.set(m.get(row, 'propertyName').toLowerCase(), { value: m.get(row, 'value'), line: row.line });
  const version = prop.get('oneroster.version');
  if (version && !/^1\.[012](\.|$)/.test(version.value))
    issues.push({ file: manifest.name, line: version.line, field: 'value', message: `OneRoster version ${quote(version.value)} is not one PaperLoop reads (1.1 or 1.2)`, fix: 'export as OneRoster 1.1 or 1.2 CSV' });
  for (const f of REQUIRED_FILES) {
    const mode = prop.get(`file.${f.replace('.csv', '')}`.toLowerCase());
    if (mode && /^delta$/i.test(mode.value))
      issues.push({ file: manifest.name, line: mode.line, field: 'value', message: `${f} is a delta (changes only), but PaperLoop needs the whole roster`, fix: 'export in bulk mode' });
    if (mode && /^absent$/i.test(mode.value))
      issues.push({ file: manifest.name, line: mode.line, field: 'value', message: `the manifest says ${f} is absent, but PaperLoop needs it`, fix: `export ${f} too` });
  }
  return issues;
}

/** users, classes, enrollments (and courses when given) as tables, each with the columns PaperLoop needs. */
function readTables(byName: ReadonlyMap<string, NamedText>, issues: ImportIssue[]): Tables {
  const read = (key: string) => {
    const f = byName.get(key);
    return f ? table(f.text, f.name) : undefined;
  };
  const tables: Tables = { users: read('users.csv') as Table, classes: read('classes.csv') as Table, enrollments: read('enrollments.csv') as Table, courses: read('courses.csv') };
  const all = [tables.users, tables.classes, tables.enrollments, ...(tables.courses ? [tables.courses] : [])];
  for (const t of all) issues.push(...t.issues);
  const requireColumns = (t: Table, cols: string[]) => {
    if (!t.header.length) return;
    for (const c of cols)
      if (!t.has(c)) issues.push({ file: t.file, line: t.headerLine, field: c, message: 'this column is missing from the header', fix: `export ${t.file} with the OneRoster column ${c}` });
  };
  requireColumns(tables.users, ['sourcedId', 'givenName', 'familyName']);
  requireColumns(tables.classes, ['sourcedId', 'title']);
  requireColumns(tables.enrollments, ['classSourcedId', 'userSourcedId', 'role']);
  if (tables.courses) requireColumns(tables.courses, ['sourcedId']);
  return tables;
}

/** Rows by sourcedId; an empty or repeated id is an issue. Deleted rows are left out when asked. */
function rowsById(t: Table, what: 'class' | 'user', issues: ImportIssue[], { skipDeleted }: { skipDeleted: boolean }): Map<string, CsvRow> {
  const rows = new Map<string, CsvRow>();
  for (const row of t.rows) {
    const id = t.get(row, 'sourcedId');
    if (!id) {
      issues.push({ file: t.file, line: row.line, field: t.column('sourcedId'), message: 'is empty', fix: `give every ${what} ${what === 'user' ? 'their' : 'its'} sourcedId` });
      continue;
    }
    if (skipDeleted && deleted(t.get(row, 'status'))) continue;
    if (rows.has(id)) {
      issues.push({ file: t.file, line: row.line, field: t.column('sourcedId'), message: `${what} ${quote(id)} is listed twice (also on line ${rows.get(id)?.line})`, fix: `export each ${what} once` });
      continue;
    }
    rows.set(id, row);
  }
  return rows;
}

/** Active enrollments with role student, once per class and student; the rest are counted as skipped. */
function studentEnrollments({ enrollments, classes, users: usersTable }: Tables, classRows: ReadonlyMap<string, CsvRow>, userRows: ReadonlyMap<string, CsvRow>, issues: ImportIssue[]): StudentEnrollments {
  const pairs: Enrollment[] = [];
  const pairSeen = new Set<string>();
  let skippedEnrollments = 0;
  for (const row of enrollments.rows) {
    const role = enrollments.get(row, 'role').toLowerCase();
    if (role !== 'student' || deleted(enrollments.get(row, 'status'))) {
      skippedEnrollments++;
      continue;
    }
    const classId = enrollments.get(row, 'classSourcedId');
    const userId = enrollments.get(row, 'userSourcedId');
    if (!classRows.has(classId)) {
      issues.push({ file: enrollments.file, line: row.line, field: enrollments.column('classSourcedId'), message: `class ${quote(classId)} is not in ${classes.file}`, fix: `export ${classes.file} and ${enrollments.file} together, from the same export` });
      continue;
    }
    const userRow = userRows.get(userId);
    if (!userRow) {
      issues.push({ file: enrollments.file, line: row.line, field: enrollments.column('userSourcedId'), message: `user ${quote(userId)} is not in ${usersTable.file}`, fix: `export ${usersTable.file} and ${enrollments.file} together, from the same export` });
      continue;
    }
    const key = JSON.stringify([classId, userId]);
    if (deleted(usersTable.get(userRow, 'status')) || /^false$/i.test(usersTable.get(userRow, 'enabledUser')) || pairSeen.has(key)) {
      skippedEnrollments++;
      continue;
    }
    pairSeen.add(key);
    pairs.push({ classId, studentId: userId, line: row.line });
  }
  return { pairs, skippedEnrollments };
}

/** A class's grades text: its own, or else its course's. */
function classGradeText({ classes, courses }: Tables): (row: CsvRow) => string {
  const courseGrades = new Map<string, string>();
  for (const row of courses?.rows ?? []) if (courses) courseGrades.set(courses.get(row, 'sourcedId'), courses.get(row, 'grades'));
  return (row) => classes.get(row, 'grades') || courseGrades.get(classes.get(row, 'courseSourcedId')) || '';
}

const firstGrade = (text: string) => text.split(',').map((g) => g.trim()).find((g) => g !== '');

/** A student's grade: their own first grade, or else their class's; or the issue. */
function studentGrade(users: Table, row: CsvRow, studentId: string, classRow: CsvRow, classGrade: (row: CsvRow) => string): Result<number, ImportIssue> {
  const at = { file: users.file, line: row.line, field: users.column('grades') };
  const gradeText = firstGrade(users.get(row, 'grades'));
  if (gradeText !== undefined) {
    const g = oneRosterGrade(gradeText);
    return g.ok ? g : err({ ...at, message: `student ${quote(studentId)}: ${g.error.message}`, fix: g.error.fix });
  }
  const fromClass = firstGrade(classGrade(classRow));
  const g = fromClass !== undefined ? oneRosterGrade(fromClass) : undefined;
  return g?.ok ? g : err({ ...at, message: `student ${quote(studentId)} has no grade, and neither has their class`, fix: 'export the grades column for students (01–12)' });
}

/** Issues for name cells that hold a control character. */
function unprintableCells(t: Table, row: CsvRow, columns: readonly string[], what: string): ImportIssue[] {
  const out: ImportIssue[] = [];
  for (const c of columns) {
    const printable = printableCell(t.get(row, c));
    if (!printable.ok) out.push({ file: t.file, line: row.line, field: t.column(c), message: `${what}: ${printable.message}`, fix: printable.fix });
  }
  return out;
}

const NAME_COLUMNS = ['sourcedId', 'givenName', 'familyName', 'preferredGivenName', 'preferredFamilyName'] as const;

/** The students of the enrollments, each once, with their grades; a student with a problem is left out and the problem reported. */
function readStudents(
  pairs: readonly Enrollment[], users: Table, userRows: ReadonlyMap<string, CsvRow>, classRows: ReadonlyMap<string, CsvRow>,
  classGrade: (row: CsvRow) => string, language: string, issues: ImportIssue[],
): ReadStudents {
  const students = new Map<string, Student>();
  const studentGrades = new Map<string, number>();
  const badStudents = new Set<string>();
  for (const { studentId, classId } of pairs) {
    if (students.has(studentId) || badStudents.has(studentId)) continue;
    const row = userRows.get(studentId) as CsvRow;
    const given = users.get(row, 'preferredGivenName') || users.get(row, 'givenName');
    const family = users.get(row, 'preferredFamilyName') || users.get(row, 'familyName');
    const displayName = `${given} ${family}`.trim();
    const grade = studentGrade(users, row, studentId, classRows.get(classId) as CsvRow, classGrade);
    const problems: ImportIssue[] = unprintableCells(users, row, NAME_COLUMNS, `student ${quote(studentId)}`);
    if (!grade.ok) problems.push(grade.error);
    if (!displayName) problems.push({ file: users.file, line: row.line, field: users.column('givenName'), message: `student ${quote(studentId)} has no name`, fix: 'export givenName and familyName for every student' });
    if (problems.length) {
      issues.push(...problems);
      badStudents.add(studentId);
      continue;
    }
    const parsed = parseStudent(users, row, { id: studentId, displayName, grade: grade.ok ? grade.value : undefined, language, largePrint: false }, issues);
    if (!parsed) {
      badStudents.add(studentId);
      continue;
    }
    students.set(studentId, parsed);
    if (grade.ok) studentGrades.set(studentId, grade.value);
  }
  return { students, studentGrades };
}

function parseStudent(users: Table, row: CsvRow, input: { id: string; displayName: string; grade: number | undefined; language: string; largePrint: boolean }, issues: ImportIssue[]): Student | undefined {
  const parsed = Student.safeParse(input);
  if (parsed.success) return parsed.data;
  for (const p of describeZodIssues(parsed.error.issues, input, 'csv')) {
    const field = p.path[0] === 'displayName' ? users.column('givenName') : p.path[0] === 'id' ? users.column('sourcedId') : p.path[0] === 'grade' ? users.column('grades') : String(p.path[0]);
    issues.push(
      p.path[0] === 'language'
        ? { file: users.file, message: `the import language ${quote(input.language)} is not a two-letter code`, fix: 'choose a language such as en or zh for the import' }
        : { file: users.file, line: row.line, field, message: `student ${quote(input.id)}: ${field === 'givenName' ? 'the name ' : ''}${p.message}`, fix: p.fix },
    );
  }
  return undefined;
}

/** The most common grade of a class's students (ties: the lower grade). */
function commonStudentGrade(pairs: readonly Enrollment[], classId: string, studentGrades: ReadonlyMap<string, number>): number | undefined {
  const counts = new Map<number, number>();
  for (const p of pairs)
    if (p.classId === classId) {
      const g = studentGrades.get(p.studentId);
      if (g !== undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
    }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
}

/** The classes that have at least one student enrollment, with their grade (their own, or their students'). */
function readClasses(
  pairs: readonly Enrollment[], classes: Table, classRows: ReadonlyMap<string, CsvRow>, classGrade: (row: CsvRow) => string,
  studentGrades: ReadonlyMap<string, number>, issues: ImportIssue[],
): Map<string, SchoolClass> {
  const keptClasses = new Map<string, SchoolClass>();
  for (const { classId } of pairs) {
    if (keptClasses.has(classId)) continue;
    const row = classRows.get(classId) as CsvRow;
    const gradeText = firstGrade(classGrade(row));
    const own = gradeText !== undefined ? oneRosterGrade(gradeText) : undefined;
    const grade = own?.ok ? own.value : commonStudentGrade(pairs, classId, studentGrades);
    const unprintable = unprintableCells(classes, row, ['sourcedId', 'title'], `class ${quote(classId)}`);
    const input = { id: classId, name: classes.get(row, 'title'), grade };
    const parsed = SchoolClass.safeParse(input);
    if (unprintable.length || !parsed.success) {
      issues.push(...unprintable);
      if (!parsed.success)
        for (const p of describeZodIssues(parsed.error.issues, input, 'csv')) {
          const field = p.path[0] === 'name' ? classes.column('title') : p.path[0] === 'grade' ? classes.column('grades') : classes.column('sourcedId');
          issues.push({ file: classes.file, line: row.line, field, message: `class ${quote(classId)}: ${p.message}`, fix: p.path[0] === 'grade' ? 'export the grades of the class (01–12)' : p.fix });
        }
      keptClasses.set(classId, { id: classId, name: '?', grade: 1 });
      continue;
    }
    keptClasses.set(classId, parsed.data);
  }
  return keptClasses;
}
