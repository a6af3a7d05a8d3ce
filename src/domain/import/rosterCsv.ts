import { SchoolClass, Student, type Roster } from '../roster';
import { err, ok, type Result } from '../result';
import { booleanCell, numberCell, printableCell } from './cells';
import { readCsvTable } from './csv';
import { quote, sortIssues, type ImportIssue } from './issues';
import { describeZodIssues } from './zodIssues';

export const ROSTER_CSV_COLUMNS = ['class_id', 'class_name', 'class_grade', 'student_id', 'display_name', 'grade', 'language', 'large_print'] as const;
type RosterColumn = (typeof ROSTER_CSV_COLUMNS)[number];
const REQUIRED: readonly RosterColumn[] = ['student_id', 'display_name', 'grade'];
/** Columns printed on paper or shown to people, which must hold no control characters. */
const PRINTED: readonly RosterColumn[] = ['class_id', 'class_name', 'student_id', 'display_name'];

const STUDENT_FIELD: Record<string, RosterColumn> = { id: 'student_id', displayName: 'display_name', grade: 'grade', language: 'language', largePrint: 'large_print' };
const CLASS_FIELD: Record<string, RosterColumn> = { id: 'class_id', name: 'class_name', grade: 'class_grade' };

/**
 * Reads the PaperLoop roster CSV: one row per student in a class, with the header
 * `class_id,class_name,class_grade,student_id,display_name,grade,language,large_print`.
 * A student in two classes has two rows that must agree; a row with empty class columns is a
 * student in no class. Other columns are refused, so that no personal data beyond the minimum is
 * kept by accident.
 */
export function parseRosterCsv(text: string, file: string): Result<Roster, ImportIssue[]> {
  const table = readCsvTable(text, file, { normalizeHeader: (h) => h.trim().toLowerCase(), expectedHeader: ROSTER_CSV_COLUMNS.join(',') });
  const issues = [...table.issues];
  if (!table.header.length) return err(issues);
  for (const h of table.header)
    if (h !== '' && !(ROSTER_CSV_COLUMNS as readonly string[]).includes(h))
      issues.push({
        file,
        line: table.headerLine,
        field: h,
        message: 'is not a column of the PaperLoop roster; a station keeps only the minimum about a student',
        fix: `delete the column (or correct its spelling); the columns are ${ROSTER_CSV_COLUMNS.join(',')}`,
      });
  for (const c of REQUIRED)
    if (!table.header.includes(c)) issues.push({ file, line: table.headerLine, field: c, message: 'this required column is missing from the header', fix: `add a column named ${c}` });
  if (issues.length) return err(sortIssues(issues));

  const students = new Map<string, { student: Student; line: number }>();
  const classes = new Map<string, { schoolClass: SchoolClass; line: number }>();
  const enrollments = new Map<string, number>();
  for (const row of table.rows) {
    const cell = (c: RosterColumn) => (row.values[c] ?? '').trim();
    const rowIssues: ImportIssue[] = [];
    const problem = (field: RosterColumn, message: string, fix: string) => rowIssues.push({ file, line: row.line, field, message, fix });
    const int = (c: RosterColumn): number | undefined => {
      if (!cell(c)) return undefined;
      const r = numberCell(cell(c));
      if (r.ok) return r.value;
      problem(c, /^(k|kg|pk|tk|ps|it|pr)$/i.test(cell(c)) ? `${quote(cell(c))} is a grade before grade 1; PaperLoop serves grades 1–12` : r.message, /^[a-z]+$/i.test(cell(c)) ? 'write the grade as a number from 1 to 12' : r.fix);
      return undefined;
    };
    for (const c of PRINTED) {
      const printable = printableCell(cell(c));
      if (!printable.ok) problem(c, printable.message, printable.fix);
    }
    let largePrint: boolean | undefined;
    if (cell('large_print')) {
      const b = booleanCell(cell('large_print'));
      if (b.ok) largePrint = b.value;
      else problem('large_print', b.message, b.fix);
    }
    const studentInput = {
      id: cell('student_id') || undefined,
      displayName: cell('display_name') || undefined,
      grade: int('grade'),
      language: cell('language').toLowerCase() || undefined,
      largePrint,
    };
    const student = Student.safeParse(studentInput);
    if (!student.success)
      for (const p of describeZodIssues(student.error.issues, studentInput, 'csv')) {
        const field = STUDENT_FIELD[String(p.path[0])] ?? 'student_id';
        if (!rowIssues.some((i) => i.field === field)) problem(field, p.message, field === 'language' ? 'write a two-letter language code such as zh or en' : p.fix);
      }
    const hasClass = cell('class_id') || cell('class_name') || cell('class_grade');
    let schoolClass: SchoolClass | undefined;
    if (hasClass) {
      const classInput = { id: cell('class_id') || undefined, name: cell('class_name') || undefined, grade: int('class_grade') };
      const parsed = SchoolClass.safeParse(classInput);
      if (!parsed.success)
        for (const p of describeZodIssues(parsed.error.issues, classInput, 'csv')) {
          const field = CLASS_FIELD[String(p.path[0])] ?? 'class_id';
          if (!rowIssues.some((i) => i.field === field)) problem(field, p.message, p.fix);
        }
      else schoolClass = parsed.data;
    }
    if (student.success) {
      const seen = students.get(student.data.id);
      if (seen) {
        const diff = (['displayName', 'grade', 'language', 'largePrint'] as const).find((k) => seen.student[k] !== student.data[k]);
        if (diff)
          problem(STUDENT_FIELD[diff] ?? 'student_id', `student ${quote(student.data.id)} has ${quote(student.data[diff])} here but ${quote(seen.student[diff])} on line ${seen.line}`, 'make the rows of the same student agree');
      } else if (!rowIssues.length) students.set(student.data.id, { student: student.data, line: row.line });
    }
    if (schoolClass) {
      const seen = classes.get(schoolClass.id);
      if (seen) {
        const diff = (['name', 'grade'] as const).find((k) => seen.schoolClass[k] !== schoolClass[k]);
        if (diff) problem(CLASS_FIELD[diff] ?? 'class_id', `class ${quote(schoolClass.id)} has ${quote(schoolClass[diff])} here but ${quote(seen.schoolClass[diff])} on line ${seen.line}`, 'make the rows of the same class agree');
      } else if (!rowIssues.length) classes.set(schoolClass.id, { schoolClass, line: row.line });
    }
    if (student.success && schoolClass && !rowIssues.length) {
      const key = JSON.stringify([schoolClass.id, student.data.id]);
      const first = enrollments.get(key);
      if (first !== undefined) problem('student_id', `student ${quote(student.data.id)} is already in class ${quote(schoolClass.id)} on line ${first}`, 'delete the repeated row');
      else enrollments.set(key, row.line);
    }
    issues.push(...rowIssues);
  }
  if (issues.length) return err(sortIssues(issues));
  return ok({
    classes: [...classes.values()].map((c) => c.schoolClass),
    students: [...students.values()].map((s) => s.student),
    enrollments: [...enrollments.keys()].map((k) => {
      const [classId, studentId] = JSON.parse(k) as [string, string];
      return { classId, studentId };
    }),
  });
}
