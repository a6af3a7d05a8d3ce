/**
 * The station's sync log, read from what the station already keeps: every row that carries a `seq`
 * (responses, overrides, selection overrides, print jobs, audit entries). No copy of the facts is
 * kept: the seq columns are the log, and the district's high-water mark says what went up.
 */
import { pseudonymOf } from '../domain/syncCrypto';
import type { LogEntry } from '../domain/syncProtocol';
import type { Db } from '../store';

/** How students appear in the log: a keyed pseudonym (default), or their ids when the district allows names. */
export type StudentNaming = { pseudonymKey: string; sendNames: boolean };

type Row = Record<string, unknown> & { seq: number };

const SOURCES: readonly { kind: LogEntry['kind']; sql: string }[] = [
  {
    kind: 'response',
    sql: `SELECT seq, student_id, item_id, item_version, page_id, field_id, score, max_score, correct, status, date FROM responses WHERE seq > ? ORDER BY seq LIMIT ?`,
  },
  {
    kind: 'override',
    sql: `SELECT o.seq, r.seq AS response_seq, o.teacher, o.at, o.answer, o.score, o.note FROM overrides o JOIN responses r ON r.id = o.response_id WHERE o.seq > ? ORDER BY o.seq LIMIT ?`,
  },
  { kind: 'selection_override', sql: `SELECT seq, class_id, student_id, kind, value, teacher, at FROM selection_overrides WHERE seq > ? ORDER BY seq LIMIT ?` },
  { kind: 'print_job', sql: `SELECT seq, id, set_id, kind FROM print_jobs WHERE seq > ? ORDER BY seq LIMIT ?` },
  // The audit detail may hold names: only what happened, by whom and when goes up.
  { kind: 'audit', sql: `SELECT seq, at, actor, action FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?` },
];

function toEntry(kind: LogEntry['kind'], row: Row, student: (id: string) => string): LogEntry {
  if (kind === 'response')
    return {
      seq: row.seq, kind, student: student(String(row.student_id)), itemId: String(row.item_id), itemVersion: Number(row.item_version),
      pageId: String(row.page_id), fieldId: String(row.field_id), score: Number(row.score), maxScore: Number(row.max_score),
      correct: Number(row.correct) === 1, status: String(row.status), date: String(row.date),
    };
  const { seq, ...data } = row;
  if (typeof data.student_id === 'string') data.student_id = student(data.student_id);
  return { seq, kind, data };
}

/** Up to `limit` log entries with seq > after, in seq order. */
export function readLogAfter(db: Db, after: number, limit: number, naming: StudentNaming): LogEntry[] {
  const student = naming.sendNames ? (id: string) => id : (id: string) => pseudonymOf(naming.pseudonymKey, id);
  const rows = SOURCES.flatMap((s) => (db.prepare(s.sql).all(after, limit) as Row[]).map((row) => ({ kind: s.kind, row })));
  rows.sort((a, b) => a.row.seq - b.row.seq);
  return rows.slice(0, limit).map(({ kind, row }) => toEntry(kind, row, student));
}

/** How many log entries have seq > after (what is still to go up). */
export function countLogAfter(db: Db, after: number): number {
  const tables = ['responses', 'overrides', 'selection_overrides', 'print_jobs', 'audit_log'];
  return tables.reduce((n, t) => n + (db.prepare(`SELECT count(*) AS n FROM ${t} WHERE seq > ?`).get(after) as { n: number }).n, 0);
}
