/** A real station database (SQLite) with graded responses, wired to a district URL, for sync tests and the bench. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, StationWriter, type Db } from '../../src/store';
import { stationKeyPair } from '../../src/sync/state';
import type { SyncContext } from '../../src/sync/upload';
import type { ItemInput } from '../../src/domain/item';

export type TestStation = SyncContext & { dataDir: string; close: () => void };

export function makeStation(stationId: string, baseUrl: string, clock: () => Date = () => new Date()): TestStation {
  const dataDir = mkdtempSync(join(tmpdir(), `station-${stationId}-`));
  const opened = openDatabase(join(dataDir, 'station.db'));
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  const db: Db = opened.value;
  const store = new StationWriter(db, dataDir);
  return {
    db, store, dataDir,
    client: { baseUrl, stationId, keys: stationKeyPair(dataDir), clock },
    close: () => {
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `count` graded responses, each with its own seq, spread over students and days from `firstDay`. */
export function addResponses(s: Pick<TestStation, 'db' | 'store'>, count: number, firstDay = '2026-09-01'): number[] {
  const insert = s.db.prepare(
    `INSERT INTO responses (seq, page_id, image_sha256, field_id, student_id, item_id, item_version, answer, score, max_score, correct, confidence, status, date)
     VALUES (?, ?, 'sha', ?, ?, ?, 1, 'A', ?, 1, ?, 0.99, 'graded', ?)`,
  );
  const start = Date.parse(`${firstDay}T00:00:00Z`);
  return s.store.transaction(() =>
    Array.from({ length: count }, (_, i) => {
      const seq = s.store.nextSeq();
      const day = new Date(start + Math.floor(i / 200) * 86_400_000).toISOString().slice(0, 10);
      insert.run(seq, `P-${Math.floor(i / 10)}`, `f${i % 10}`, `stu-${i % 37}`, `item-${i % 15}`, i % 3 === 0 ? 0 : 1, i % 3 === 0 ? 0 : 1, day);
      return seq;
    }),
  );
}

export function sampleItem(id: string, stem = 'What is 2 + 3?'): ItemInput {
  return {
    id, type: 'single_choice', subject: 'math', grade: 3, skills: ['add'], stem: { en: stem }, points: 1, minutes: 1, difficulty: 0, tier: 'core',
    options: [{ key: 'A', text: { en: '5' } }, { key: 'B', text: { en: '6' } }], answer: 'A',
  };
}
