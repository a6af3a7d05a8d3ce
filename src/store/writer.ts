import { createHash } from 'node:crypto';
import { canonicalJson, type ItemInput } from '../domain/item';
import type { Roster } from '../domain/roster';
import type { Skill } from '../domain/skills';
import type { PrintedPage } from '../layout/printedPage';
import { retryBusy, writeTransaction } from './busy';
import type { Db } from './database';
import { GroupCommit } from './groupCommit';
import { StationReader } from './reader';
import { ScanRepository } from './scanRepository';

export type ItemImportSummary = { added: number; newVersions: number; unchanged: number };
export type RosterImportSummary = { classes: number; students: number; enrollments: number };

export function contentHash(item: ItemInput): string {
  return createHash('sha256').update(canonicalJson(item)).digest('hex').slice(0, 16);
}

/**
 * The one writer. Every write runs in a transaction; the station holds exactly one StationWriter.
 * It extends the reader so a use case can read its own writes inside a transaction.
 * Another process (a second CLI, `serve` while a scan runs) may write too: every transaction takes
 * the write lock first (BEGIN IMMEDIATE) and busy is retried, so neither write fails.
 */
export class StationWriter extends StationReader {
  readonly scans: ScanRepository;

  /** dataDir: the folder image paths are stored relative to (by default the database file's folder). */
  constructor(db: Db, dataDir?: string) {
    super(db);
    this.scans = new ScanRepository(db, () => this.nextSeq(), dataDir);
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  /** Writes of a scan session's pages in flight, committed together with the journal's fsync off the event loop. */
  groupCommit(): GroupCommit {
    return new GroupCommit(this.db);
  }

  /** After a stack: fold the WAL back into the database file and truncate it. */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  setMeta(key: string, value: string): void {
    this.write(() => this.db.prepare('INSERT INTO station_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value));
  }

  /** A single-statement write outside a transaction, retried while another process holds the lock. */
  private write<T>(statement: () => T): T {
    return retryBusy(this.db, statement);
  }

  /** Adds `by` to a counter in station_meta in one statement (atomic across processes); returns the new value. */
  private bumpCounter(key: string, by: number): number {
    const row = this.write(() =>
      this.db
        .prepare(
          `INSERT INTO station_meta (key, value) VALUES (@key, CAST(@by AS TEXT))
           ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + @by AS TEXT) RETURNING value`,
        )
        .get({ key, by }),
    ) as { value: string };
    return Number(row.value);
  }

  /** Next value of the station's monotonic sequence (never a wall clock). */
  nextSeq(): number {
    return this.bumpCounter('seq', 1);
  }

  /** A page id unique across the district: station prefix + a per-station counter. */
  allocatePageIds(count: number): string[] {
    const station = this.meta('station_id') ?? 'ST';
    const start = this.bumpCounter('page_counter', count) - count;
    return Array.from({ length: count }, (_, i) => `${station}-${(start + i + 1).toString(36).toUpperCase().padStart(6, '0')}`);
  }

  /** Same content → unchanged; changed content → a new version (old versions stay for the results that answered them). */
  importItems(items: readonly ItemInput[]): ItemImportSummary {
    return this.transaction(() => {
      const summary: ItemImportSummary = { added: 0, newVersions: 0, unchanged: 0 };
      const current = this.db.prepare('SELECT version, content_hash FROM items WHERE id = ? AND is_current = 1');
      const retire = this.db.prepare('UPDATE items SET is_current = 0 WHERE id = ?');
      const insert = this.db.prepare(
        `INSERT INTO items (id, version, content_hash, subject, grade, type, tier, minutes, content_json, is_current)
         VALUES (@id, @version, @hash, @subject, @grade, @type, @tier, @minutes, @json, 1)`,
      );
      const insertSkill = this.db.prepare('INSERT INTO item_skills (item_id, version, skill_id) VALUES (?, ?, ?)');
      for (const item of items) {
        const hash = contentHash(item);
        const existing = current.get(item.id) as { version: number; content_hash: string } | undefined;
        if (existing && existing.content_hash === hash) {
          summary.unchanged++;
          continue;
        }
        const version = existing ? existing.version + 1 : 1;
        if (existing) {
          retire.run(item.id);
          summary.newVersions++;
        } else summary.added++;
        insert.run({ id: item.id, version, hash, subject: item.subject, grade: item.grade, type: item.type, tier: item.tier, minutes: item.minutes, json: canonicalJson(item) });
        for (const s of new Set(item.skills)) insertSkill.run(item.id, version, s);
      }
      return summary;
    });
  }

  importSkills(skills: readonly Skill[]): { upserted: number } {
    return this.transaction(() => {
      const upsert = this.db.prepare(
        `INSERT INTO skills (id, subject, grade, name_json, prerequisites_json) VALUES (@id, @subject, @grade, @name, @prereq)
         ON CONFLICT(id) DO UPDATE SET subject = excluded.subject, grade = excluded.grade, name_json = excluded.name_json, prerequisites_json = excluded.prerequisites_json`,
      );
      for (const s of skills) upsert.run({ id: s.id, subject: s.subject, grade: s.grade, name: canonicalJson(s.name), prereq: JSON.stringify(s.prerequisites) });
      return { upserted: skills.length };
    });
  }

  importRoster(roster: Roster): RosterImportSummary {
    return this.transaction(() => {
      const upClass = this.db.prepare(
        'INSERT INTO classes (id, name, grade) VALUES (@id, @name, @grade) ON CONFLICT(id) DO UPDATE SET name = excluded.name, grade = excluded.grade',
      );
      const upStudent = this.db.prepare(
        `INSERT INTO students (id, display_name, grade, language, large_print) VALUES (@id, @displayName, @grade, @language, @largePrint)
         ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, grade = excluded.grade, language = excluded.language, large_print = excluded.large_print`,
      );
      const enrol = this.db.prepare('INSERT OR IGNORE INTO enrollments (class_id, student_id) VALUES (?, ?)');
      for (const c of roster.classes) upClass.run(c);
      for (const s of roster.students) upStudent.run({ ...s, largePrint: s.largePrint ? 1 : 0 });
      let enrollments = 0;
      for (const e of roster.enrollments) enrollments += enrol.run(e.classId, e.studentId).changes;
      return { classes: roster.classes.length, students: roster.students.length, enrollments };
    });
  }

  insertWorkbookSet(set: {
    id: string; classId: string; subject: string; date: string; requestJson: string; replaces?: string | null;
    workbooks: { id: string; studentId: string; tier: string; minutes: number; itemsJson: string }[];
  }): void {
    this.transaction(() => {
      this.db
        .prepare(`INSERT INTO workbook_sets (id, class_id, subject, date, status, request_json, replaces) VALUES (?, ?, ?, ?, 'draft', ?, ?)`)
        .run(set.id, set.classId, set.subject, set.date, set.requestJson, set.replaces ?? null);
      const ins = this.db.prepare('INSERT INTO workbooks (id, set_id, student_id, tier, minutes, items_json) VALUES (?, ?, ?, ?, ?, ?)');
      for (const w of set.workbooks) ins.run(w.id, set.id, w.studentId, w.tier, w.minutes, w.itemsJson);
    });
  }

  setWorkbookSetStatus(id: string, status: 'draft' | 'approved' | 'replaced'): void {
    this.write(() => this.db.prepare('UPDATE workbook_sets SET status = ? WHERE id = ?').run(status, id));
  }

  insertPrintJob(job: { id: string; setId: string | null; kind: string; optionsJson: string; pages: PrintedPage[] }): void {
    this.transaction(() => {
      this.db.prepare('INSERT INTO print_jobs (id, set_id, kind, options_json, seq) VALUES (?, ?, ?, ?, ?)').run(job.id, job.setId, job.kind, job.optionsJson, this.nextSeq());
      const ins = this.db.prepare(
        `INSERT INTO printed_pages (page_id, job_id, kind, workbook_id, student_id, class_id, page_number, layout_version, page_json)
         VALUES (@pageId, @jobId, @kind, @workbookId, @studentId, @classId, @pageNumber, @layoutVersion, @json)`,
      );
      for (const p of job.pages) ins.run({ ...p, json: JSON.stringify(p) });
    });
  }

  addSelectionOverride(o: { classId: string; studentId: string | null; kind: 'pin' | 'exclude' | 'tier'; value: string; teacher: string; at: string }): void {
    this.transaction(() =>
      this.db
        .prepare('INSERT INTO selection_overrides (seq, class_id, student_id, kind, value, teacher, at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(this.nextSeq(), o.classId, o.studentId, o.kind, o.value, o.teacher, o.at),
    );
  }

  clearSelectionOverrides(classId: string, studentId: string | null): number {
    return this.write(() => this.db.prepare('UPDATE selection_overrides SET active = 0 WHERE class_id = ? AND (? IS NULL OR student_id = ?) AND active = 1').run(classId, studentId, studentId).changes);
  }

  audit(actor: string, action: string, detail: unknown, at: string): void {
    this.transaction(() => this.db.prepare('INSERT INTO audit_log (seq, at, actor, action, detail_json) VALUES (?, ?, ?, ?, ?)').run(this.nextSeq(), at, actor, action, JSON.stringify(detail)));
  }
}
