/**
 * Layout versions that passed the read-back self-test: approval tests a layout once, and a later
 * set with the same page geometry reuses the pass. A pass counts only for the method it was tested
 * with (the resolutions and patterns), so a stricter test runs again.
 */
import { writeTransaction } from './busy';
import type { Db } from './database';

/** Of these layout versions, the ones that passed under this method. */
export function passedLayoutVersions(db: Db, versions: readonly string[], method: string): Set<string> {
  const rows = db
    .prepare(`SELECT layout_version AS v FROM layout_self_tests WHERE method = ? AND layout_version IN (SELECT value FROM json_each(?))`)
    .all(method, JSON.stringify(versions)) as { v: string }[];
  return new Set(rows.map((r) => r.v));
}

export function recordPassedLayouts(db: Db, passes: readonly { layoutVersion: string; reads: number }[], method: string, at: string): void {
  const insert = db.prepare(`INSERT OR REPLACE INTO layout_self_tests (layout_version, method, passed_at, reads) VALUES (?, ?, ?, ?)`);
  writeTransaction(db, () => {
    for (const p of passes) insert.run(p.layoutVersion, method, at, p.reads);
  });
}
