import { SchoolClass, Student, type Roster } from '../roster';
import { err, ok, type Result } from '../result';
import { readCsvTable, type CsvRow, type CsvTable } from './csv';
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
  const byName = new Map<string, { name: string; text: string }>();
  for (const [name, text] of Object.entries(files)) {
    const key = baseName(name);
    const before = byName.get(key);
    if (before) issues.push({ file: name, message: `two files are named ${key} (${before.name} and ${name})`, fix: 'give one OneRoster export at a time' });
    else byName.set(key, { name, text });
  }
  for (const f of REQUIRED_FILES)
    if (!byName.has(f)) issues.push({ file: f, message: 'is missing from the OneRoster export', fix: `include ${f}; PaperLoop needs ${REQUIRED_FILES.join(', ')}` });
  if (issues.length) return err(issues);

  const manifest = byName.get('manifest.csv');
  if (manifest) {
    const m = table(manifest.text, manifest.name);
    issues.push(...m.issues);
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
    if (issues.length) return err(sortIssues(issues));
  }

  const need = (key: string) => byName.get(key) as { name: string; text: string };
  const users = table(need('users.csv').text, need('users.csv').name);
  const classes = table(need('classes.csv').text, need('classes.csv').name);
  const enrollments = table(need('enrollments.csv').text, need('enrollments.csv').name);
  const coursesFile = byName.get('courses.csv');
  const courses = coursesFile ? table(coursesFile.text, coursesFile.name) : undefined;
  const tables = [users, classes, enrollments, ...(courses ? [courses] : [])];
  for (const t of tables) issues.push(...t.issues);
  const requireColumns = (t: Table, cols: string[]) => {
    if (!t.header.length) return;
    for (const c of cols)
      if (!t.has(c)) issues.push({ file: t.file, line: t.headerLine, field: c, message: 'this column is missing from the header', fix: `export ${t.file} with the OneRoster column ${c}` });
  };
  requireColumns(users, ['sourcedId', 'givenName', 'familyName']);
  requireColumns(classes, ['sourcedId', 'title']);
  requireColumns(enrollments, ['classSourcedId', 'userSourcedId', 'role']);
  if (courses) requireColumns(courses, ['sourcedId']);
  if (issues.length) return err(sortIssues(issues));

  // courses: only their grades, as a fallback for classes without grades
  const courseGrades = new Map<string, string>();
  for (const row of courses?.rows ?? []) if (courses) courseGrades.set(courses.get(row, 'sourcedId'), courses.get(row, 'grades'));

  const classRows = new Map<string, CsvRow>();
  for (const row of classes.rows) {
    const id = classes.get(row, 'sourcedId');
    if (!id) {
      issues.push({ file: classes.file, line: row.line, field: classes.column('sourcedId'), message: 'is empty', fix: 'give every class its sourcedId' });
      continue;
    }
    if (deleted(classes.get(row, 'status'))) continue;
    if (classRows.has(id)) {
      issues.push({ file: classes.file, line: row.line, field: classes.column('sourcedId'), message: `class ${quote(id)} is listed twice (also on line ${classRows.get(id)?.line})`, fix: 'export each class once' });
      continue;
    }
    classRows.set(id, row);
  }
  const userRows = new Map<string, CsvRow>();
  for (const row of users.rows) {
    const id = users.get(row, 'sourcedId');
    if (!id) {
      issues.push({ file: users.file, line: row.line, field: users.column('sourcedId'), message: 'is empty', fix: 'give every user their sourcedId' });
      continue;
    }
    if (userRows.has(id)) {
      issues.push({ file: users.file, line: row.line, field: users.column('sourcedId'), message: `user ${quote(id)} is listed twice (also on line ${userRows.get(id)?.line})`, fix: 'export each user once' });
      continue;
    }
    userRows.set(id, row);
  }

  // enrollments with role student
  const pairs: { classId: string; studentId: string; line: number }[] = [];
  const pairSeen = new Set<string>();
  let skippedEnrollments = 0;
  const excludedUsers = new Set<string>();
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
      issues.push({ file: enrollments.file, line: row.line, field: enrollments.column('userSourcedId'), message: `user ${quote(userId)} is not in ${users.file}`, fix: `export ${users.file} and ${enrollments.file} together, from the same export` });
      continue;
    }
    if (deleted(users.get(userRow, 'status')) || /^false$/i.test(users.get(userRow, 'enabledUser'))) {
      excludedUsers.add(userId);
      skippedEnrollments++;
      continue;
    }
    const key = JSON.stringify([classId, userId]);
    if (pairSeen.has(key)) {
      skippedEnrollments++;
      continue;
    }
    pairSeen.add(key);
    pairs.push({ classId, studentId: userId, line: row.line });
  }

  const classGradeText = (row: CsvRow) => classes.get(row, 'grades') || courseGrades.get(classes.get(row, 'courseSourcedId')) || '';
  const firstGrade = (text: string) => text.split(',').map((g) => g.trim()).find((g) => g !== '');

  // students
  const students = new Map<string, Student>();
  const studentGrades = new Map<string, number>();
  const badStudents = new Set<string>();
  for (const { studentId, classId } of pairs) {
    if (students.has(studentId) || badStudents.has(studentId)) continue;
    const row = userRows.get(studentId) as CsvRow;
    const at = (column: string) => ({ file: users.file, line: row.line, field: users.column(column) });
    const given = users.get(row, 'preferredGivenName') || users.get(row, 'givenName');
    const family = users.get(row, 'preferredFamilyName') || users.get(row, 'familyName');
    const displayName = `${given} ${family}`.trim();
    let grade: number | undefined;
    const gradeText = firstGrade(users.get(row, 'grades'));
    const problems: ImportIssue[] = [];
    if (gradeText !== undefined) {
      const g = oneRosterGrade(gradeText);
      if (g.ok) grade = g.value;
      else problems.push({ ...at('grades'), message: `student ${quote(studentId)}: ${g.error.message}`, fix: g.error.fix });
    } else {
      const classRow = classRows.get(classId) as CsvRow;
      const fromClass = firstGrade(classGradeText(classRow));
      const g = fromClass !== undefined ? oneRosterGrade(fromClass) : undefined;
      if (g?.ok) grade = g.value;
      else problems.push({ ...at('grades'), message: `student ${quote(studentId)} has no grade, and neither has their class`, fix: 'export the grades column for students (01–12)' });
    }
    if (!displayName) problems.push({ ...at('givenName'), message: `student ${quote(studentId)} has no name`, fix: 'export givenName and familyName for every student' });
    if (problems.length) {
      issues.push(...problems);
      badStudents.add(studentId);
      continue;
    }
    const input = { id: studentId, displayName, grade, language, largePrint: false };
    const parsed = Student.safeParse(input);
    if (!parsed.success) {
      for (const p of describeZodIssues(parsed.error.issues, input, 'csv')) {
        const field = p.path[0] === 'displayName' ? users.column('givenName') : p.path[0] === 'id' ? users.column('sourcedId') : p.path[0] === 'grade' ? users.column('grades') : String(p.path[0]);
        issues.push(
          p.path[0] === 'language'
            ? { file: users.file, message: `the import language ${quote(language)} is not a two-letter code`, fix: 'choose a language such as en or zh for the import' }
            : { file: users.file, line: row.line, field, message: `student ${quote(studentId)}: ${field === 'givenName' ? 'the name ' : ''}${p.message}`, fix: p.fix },
        );
      }
      badStudents.add(studentId);
      continue;
    }
    students.set(studentId, parsed.data);
    if (grade !== undefined) studentGrades.set(studentId, grade);
  }

  // classes that have at least one student
  const keptClasses = new Map<string, SchoolClass>();
  for (const { classId } of pairs) {
    if (keptClasses.has(classId)) continue;
    const row = classRows.get(classId) as CsvRow;
    const gradeText = firstGrade(classGradeText(row));
    let grade: number | undefined;
    if (gradeText !== undefined) {
      const g = oneRosterGrade(gradeText);
      if (g.ok) grade = g.value;
    }
    if (grade === undefined) {
      // the most common grade of its students
      const counts = new Map<number, number>();
      for (const p of pairs) if (p.classId === classId) {
        const g = studentGrades.get(p.studentId);
        if (g !== undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
      }
      grade = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
    }
    const input = { id: classId, name: classes.get(row, 'title'), grade };
    const parsed = SchoolClass.safeParse(input);
    if (!parsed.success) {
      for (const p of describeZodIssues(parsed.error.issues, input, 'csv')) {
        const field = p.path[0] === 'name' ? classes.column('title') : p.path[0] === 'grade' ? classes.column('grades') : classes.column('sourcedId');
        issues.push({ file: classes.file, line: row.line, field, message: `class ${quote(classId)}: ${p.message}`, fix: p.path[0] === 'grade' ? 'export the grades of the class (01–12)' : p.fix });
      }
      keptClasses.set(classId, { id: classId, name: '?', grade: 1 });
      continue;
    }
    keptClasses.set(classId, parsed.data);
  }
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
