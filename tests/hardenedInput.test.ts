import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CSV_ROWS } from '../src/domain/import/csv';
import { ROSTER_CSV_COLUMNS } from '../src/domain/import/rosterCsv';
import { REPO_ROOT } from '../src/station/context';
import { invoke } from '../src/station/invoke';
import { tempStation } from './support/station';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
const ENCODINGS = join(REPO_ROOT, 'fixtures', 'encodings');

function paperloop(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, PAPERLOOP_DATA: dataDir }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A graded response row as the scan writer stores it, for the item and answer given. */
function insertResponse(ctx: ReturnType<typeof tempStation>, seq: number, studentId: string, itemId: string, answer: string | null): number {
  const item = ctx.store.item(itemId);
  if (!item) throw new Error(`no item ${itemId}`);
  const r = ctx.db
    .prepare(
      `INSERT INTO responses (seq, page_id, image_sha256, field_id, student_id, item_id, item_version, answer, score, max_score, correct, confidence, status, date)
       VALUES (?, ?, 'feed', ?, ?, ?, ?, ?, 0, 1, 0, 0.99, 'graded', '2026-11-25')`,
    )
    .run(seq, `P-${studentId}`, `f-${itemId}`, studentId, itemId, item.version, answer);
  return Number(r.lastInsertRowid);
}

describe('teacher input over the handlers and the CLI', () => {
  let ctx: ReturnType<typeof tempStation>;
  const ids = { choice: 0, numeric: 0, comb: 0 };

  beforeAll(() => {
    ctx = tempStation();
    // a single choice, a signed numeric grid, a text comb; three students answered the comb with a formula
    ids.choice = insertResponse(ctx, 900_001, 'S01', 'g7-int-numberline-001', 'A');
    ids.numeric = insertResponse(ctx, 900_002, 'S01', 'g7-int-numberline-004', '-1');
    ids.comb = insertResponse(ctx, 900_003, 'S01', 'g7-eq-expr-005', '@SUM(A1)');
    insertResponse(ctx, 900_004, 'S02', 'g7-eq-expr-005', '@SUM(A1)');
    insertResponse(ctx, 900_005, 'S03', 'g7-eq-expr-005', '=1+1');
  });
  afterAll(() => {
    ctx.db.close();
    rmSync(ctx.dir, { recursive: true, force: true });
  });

  it('the report CSV guards a formula that came in as an answer', async () => {
    const csv = join(ctx.dir, 'out', 'report.csv');
    const r = await invoke(ctx, 'report', { classId: '7A', date: '2026-11-25', csv });
    if (!r.ok) throw new Error(r.error.message);
    const text = readFileSync(csv, 'utf8');
    expect(text).toMatch(/^g7-eq-expr-005,.*,"'@SUM\(A1\)",/m);
    expect(text).not.toMatch(/(^|,)[=+@]/m);
  });

  it('resolve refuses an answer the item cannot hold, over the handler', async () => {
    const wrong = [
      [ids.choice, 'E', /not an option.*A, B, C, D/],
      [ids.choice, '$(touch /tmp/x)', /not an option/],
      [ids.numeric, '1.5', /1 decimal but the grid has 0/],
      [ids.comb, 'a;b|c', /character ";"/],
    ] as const;
    for (const [responseId, answer, message] of wrong) {
      const r = await invoke(ctx, 'resolve', { responseId, answer });
      expect(r.ok, answer).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('bad_answer');
        expect(r.error.message).toMatch(message);
        expect(r.error.message).toMatch(/Fix: /);
      }
      expect(ctx.store.scans.overridesOf(responseId)).toEqual([]);
    }
    const right = await invoke(ctx, 'resolve', { responseId: ids.choice, answer: 'b' });
    expect(right.ok && right.value).toMatchObject({ answer: 'B', score: 1 });
  });

  it('resolve refuses an answer the item cannot hold, over the CLI', () => {
    const r = paperloop(ctx.dir, 'resolve', '--response', String(ids.numeric), '--answer', 'abc');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/"abc" is not a number.*Fix: give a number its answer grid can hold/);
    expect(ctx.store.scans.overridesOf(ids.numeric)).toEqual([]);
    const ok = paperloop(ctx.dir, 'resolve', '--response', String(ids.numeric), '--answer', '-2');
    expect(ok.code, ok.err).toBe(0);
  });

  it('imports a GB18030 roster (Excel on Chinese Windows) with its Chinese names, over the CLI', () => {
    const r = paperloop(ctx.dir, 'import', 'roster', join(ENCODINGS, 'roster-gb18030.csv'));
    expect(r.code, r.err).toBe(0);
    const names = ctx.store.students('7A').map((s) => s.displayName);
    expect(names).toEqual(expect.arrayContaining(['王小明', '李华', '欧阳娜娜', 'Emma Clarke']));
    expect(ctx.store.schoolClass('7A')?.name).toBe('初一(1)班');
  });

  it('refuses an undecodable roster with the line and "save as CSV UTF-8", importing nothing', () => {
    const file = join(ctx.dir, 'latin1.csv');
    copyFileSync(join(ENCODINGS, 'roster-windows-1252.csv'), file);
    const before = ctx.store.students().length;
    const r = paperloop(ctx.dir, 'import', 'roster', file);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/latin1\.csv:2: byte 0xEB is not UTF-8.*fix: save as CSV UTF-8/);
    expect(ctx.store.students().length).toBe(before);
  });

  it('refuses a roster over the row cap, naming the cap and the fix', async () => {
    const file = join(ctx.dir, 'huge.csv');
    const rows = Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) => `9Z,Big,9,B${i},Student ${i},9,en,false`);
    writeFileSync(file, [ROSTER_CSV_COLUMNS.join(','), ...rows].join('\n'));
    const r = await invoke(ctx, 'importRoster', { paths: [file] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/more than 100,000 rows.*fix: split it/);
    expect(ctx.store.schoolClass('9Z')).toBeFalsy();
  });
});
