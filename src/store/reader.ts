import type { Item, ItemInput } from '../domain/item';
import type { SchoolClass, Student } from '../domain/roster';
import type { Skill } from '../domain/skills';
import type { PrintedPage } from '../layout/printedPage';
import type { Db } from './database';

export type WorkbookSetRow = {
  id: string;
  classId: string;
  subject: string;
  date: string;
  status: 'draft' | 'approved' | 'replaced';
  requestJson: string;
  replaces: string | null;
};
export type WorkbookRow = { id: string; setId: string; studentId: string; tier: string; minutes: number; itemsJson: string };

type ItemRow = { id: string; version: number; content_hash: string; content_json: string };
const toItem = (r: ItemRow): Item => ({ ...(JSON.parse(r.content_json) as ItemInput), version: r.version, contentHash: r.content_hash });

/** Read-only queries over the station database. */
export class StationReader {
  constructor(protected readonly db: Db) {}

  meta(key: string): string | null {
    const row = this.db.prepare('SELECT value FROM station_meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  currentItems(filter: { subject?: string; grade?: number } = {}): Item[] {
    const rows = this.db
      .prepare(
        `SELECT id, version, content_hash, content_json FROM items WHERE is_current = 1
         AND (@subject IS NULL OR subject = @subject) AND (@grade IS NULL OR grade = @grade) ORDER BY id`,
      )
      .all({ subject: filter.subject ?? null, grade: filter.grade ?? null }) as ItemRow[];
    return rows.map(toItem);
  }

  item(id: string, version?: number): Item | null {
    const row = (
      version === undefined
        ? this.db.prepare('SELECT id, version, content_hash, content_json FROM items WHERE id = ? AND is_current = 1').get(id)
        : this.db.prepare('SELECT id, version, content_hash, content_json FROM items WHERE id = ? AND version = ?').get(id, version)
    ) as ItemRow | undefined;
    return row ? toItem(row) : null;
  }

  itemVersions(id: string): number[] {
    return (this.db.prepare('SELECT version FROM items WHERE id = ? ORDER BY version').all(id) as { version: number }[]).map((r) => r.version);
  }

  skills(filter: { subject?: string; grade?: number } = {}): Skill[] {
    const rows = this.db
      .prepare(
        `SELECT id, subject, grade, name_json, prerequisites_json FROM skills
         WHERE (@subject IS NULL OR subject = @subject) AND (@grade IS NULL OR grade = @grade) ORDER BY id`,
      )
      .all({ subject: filter.subject ?? null, grade: filter.grade ?? null }) as {
      id: string; subject: string; grade: number; name_json: string; prerequisites_json: string;
    }[];
    return rows.map((r) => ({ id: r.id, subject: r.subject, grade: r.grade, name: JSON.parse(r.name_json), prerequisites: JSON.parse(r.prerequisites_json) }));
  }

  classes(): SchoolClass[] {
    return this.db.prepare('SELECT id, name, grade FROM classes ORDER BY id').all() as SchoolClass[];
  }

  schoolClass(id: string): SchoolClass | null {
    return (this.db.prepare('SELECT id, name, grade FROM classes WHERE id = ?').get(id) as SchoolClass | undefined) ?? null;
  }

  students(classId?: string): (Student & { classIds: string[] })[] {
    // A class's students come from its enrollments (primary key), their classes from enrollments_student:
    // linear in the class, not in the whole school.
    const classIds = `(SELECT group_concat(e2.class_id) FROM enrollments e2 WHERE e2.student_id = s.id) AS class_ids`;
    const rows = (
      classId === undefined
        ? this.db.prepare(`SELECT s.id, s.display_name, s.grade, s.language, s.large_print, ${classIds} FROM students s ORDER BY s.id`).all()
        : this.db
            .prepare(
              `SELECT s.id, s.display_name, s.grade, s.language, s.large_print, ${classIds}
               FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.class_id = ? ORDER BY s.id`,
            )
            .all(classId)
    ) as {
      id: string; display_name: string; grade: number; language: string; large_print: number; class_ids: string | null;
    }[];
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      grade: r.grade,
      language: r.language,
      largePrint: r.large_print === 1,
      classIds: r.class_ids ? r.class_ids.split(',').sort() : [],
    }));
  }

  workbookSet(id: string): WorkbookSetRow | null {
    const r = this.db.prepare('SELECT id, class_id, subject, date, status, request_json, replaces FROM workbook_sets WHERE id = ?').get(id) as
      | { id: string; class_id: string; subject: string; date: string; status: WorkbookSetRow['status']; request_json: string; replaces: string | null }
      | undefined;
    return r ? { id: r.id, classId: r.class_id, subject: r.subject, date: r.date, status: r.status, requestJson: r.request_json, replaces: r.replaces } : null;
  }

  workbookSetsOn(classId: string, date: string): WorkbookSetRow[] {
    const ids = this.db.prepare(`SELECT id FROM workbook_sets WHERE class_id = ? AND date = ? AND status != 'replaced' ORDER BY id`).all(classId, date) as { id: string }[];
    return ids.map((r) => this.workbookSet(r.id)!);
  }

  /** Minutes of approved workbooks per student and subject on a date, across every class the student is in. */
  approvedMinutes(studentId: string, date: string): { subject: string; minutes: number; workbookSetId: string }[] {
    return this.db
      .prepare(
        `SELECT ws.subject AS subject, w.minutes AS minutes, ws.id AS workbookSetId FROM workbooks w
         JOIN workbook_sets ws ON ws.id = w.set_id
         WHERE w.student_id = ? AND ws.date = ? AND ws.status = 'approved' ORDER BY ws.id`,
      )
      .all(studentId, date) as { subject: string; minutes: number; workbookSetId: string }[];
  }

  workbooks(setId: string): WorkbookRow[] {
    return (
      this.db.prepare('SELECT id, set_id, student_id, tier, minutes, items_json FROM workbooks WHERE set_id = ? ORDER BY student_id').all(setId) as {
        id: string; set_id: string; student_id: string; tier: string; minutes: number; items_json: string;
      }[]
    ).map((r) => ({ id: r.id, setId: r.set_id, studentId: r.student_id, tier: r.tier, minutes: r.minutes, itemsJson: r.items_json }));
  }

  workbook(id: string): WorkbookRow | null {
    const r = this.db.prepare('SELECT id, set_id, student_id, tier, minutes, items_json FROM workbooks WHERE id = ?').get(id) as
      | { id: string; set_id: string; student_id: string; tier: string; minutes: number; items_json: string }
      | undefined;
    return r ? { id: r.id, setId: r.set_id, studentId: r.student_id, tier: r.tier, minutes: r.minutes, itemsJson: r.items_json } : null;
  }

  printedPage(pageId: string): PrintedPage | null {
    const r = this.db.prepare('SELECT page_json FROM printed_pages WHERE page_id = ?').get(pageId) as { page_json: string } | undefined;
    return r ? (JSON.parse(r.page_json) as PrintedPage) : null;
  }

  printedPages(jobId: string): PrintedPage[] {
    return (this.db.prepare('SELECT page_json FROM printed_pages WHERE job_id = ? ORDER BY rowid').all(jobId) as { page_json: string }[]).map(
      (r) => JSON.parse(r.page_json) as PrintedPage,
    );
  }

  selectionOverrides(classId: string): { studentId: string | null; kind: 'pin' | 'exclude' | 'tier'; value: string; teacher: string; at: string }[] {
    return this.db
      .prepare('SELECT student_id AS studentId, kind, value, teacher, at FROM selection_overrides WHERE class_id = ? AND active = 1 ORDER BY seq')
      .all(classId) as { studentId: string | null; kind: 'pin' | 'exclude' | 'tier'; value: string; teacher: string; at: string }[];
  }

  printJobsForSet(setId: string): { id: string; kind: string }[] {
    return this.db.prepare('SELECT id, kind FROM print_jobs WHERE set_id = ? ORDER BY seq').all(setId) as { id: string; kind: string }[];
  }
}
