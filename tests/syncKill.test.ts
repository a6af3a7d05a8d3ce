/**
 * kill -9 of the district server (the real `paperloop district serve` process) while a station uploads:
 * after each kill no partial chunk is visible (no row beyond the high-water mark, every row up to it),
 * and in the end every response is in the district exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { seededRng } from '../src/domain/random';
import { freePort } from '../src/district/database';
import { enrol, fetchStationStatus, uploadPending } from '../src/sync/upload';
import { startTestPostgres, type TestPostgres } from './support/districtPostgres';
import { addResponses, makeStation } from './support/syncStation';

const bin = join(import.meta.dirname, '..', 'bin', 'paperloop.mjs');
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => postgres?.stop());

/** The district's data folder (its signing key): the same for every restart, never the checkout. */
let districtDir = '';
function serve(databaseUrl: string, port: number): Promise<ChildProcess> {
  districtDir ||= mkdtempSync(join(tmpdir(), 'district-kill-'));
  const child = spawn(process.execPath, [bin, 'district', '--dir', districtDir, 'serve', '--host', '127.0.0.1', '--port', String(port)], { env: { ...process.env, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
  let said = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      said += b.toString();
      if (said.includes('serving on')) resolve(child);
    });
    child.stderr!.on('data', (b: Buffer) => (said += b.toString()));
    child.once('exit', (code) => reject(new Error(`district serve exited ${code}: ${said}`)));
  });
}

it('kill -9 of the district during ingest (up to 10 times): no partial chunk visible, nothing lost, nothing twice', async () => {
  const seed = Number(process.env.SYNC_KILL_SEED ?? Date.now() % 100_000);
  console.log(`sync kill seed: ${seed} (rerun with SYNC_KILL_SEED=${seed})`);
  const rng = seededRng(seed);
  const url = await postgres.freshUrl();
  await (await postgres.freshPool()).end(); // migrated once, before the server starts
  const port = await freePort();
  let server = await serve(url, port);
  const check = new pg.Pool({ connectionString: url });
  // The test PostgreSQL's shutdown in afterAll may still find a closing connection of this pool: that is not a failure.
  check.on('error', () => {});
  const s = makeStation('KILL', `http://127.0.0.1:${port}`);
  try {
    const seqs = addResponses(s, 7000);
    const enrolled = await enrol(s);
    if (!enrolled.ok) throw new Error(enrolled.error);
    await check.query(`UPDATE stations SET status = 'approved' WHERE station_id = 'KILL'`);
    expect((await fetchStationStatus(s)).ok).toBe(true);

    let kills = 0;
    let done = false;
    while (!done) {
      const killing = kills < 10;
      let exited: Promise<unknown> = Promise.resolve();
      let killScheduled = false;
      const target = server;
      const up = await uploadPending(s, () => {
        if (!killing || killScheduled || target.exitCode !== null) return;
        killScheduled = true; // one kill per round, aimed at this round's server (never the next one)
        exited = new Promise((r) => target.once('exit', r));
        setTimeout(() => target.kill('SIGKILL'), Math.floor(rng() * 15));
      }).catch((e: Error) => ({ ok: false as const, error: e.message }));
      if (up.ok) done = true;
      if (killScheduled && !up.ok) {
        await exited;
        kills++;
        const hw = Number((await check.query(`SELECT high_water FROM stations WHERE station_id = 'KILL'`)).rows[0].high_water);
        const rows = (await check.query<{ beyond: number; upto: number }>(`SELECT count(*) FILTER (WHERE seq > $1)::int AS beyond, count(*) FILTER (WHERE seq <= $1)::int AS upto FROM responses`, [hw])).rows[0]!;
        expect(rows).toEqual({ beyond: 0, upto: seqs.filter((q) => q <= hw).length });
        server = await serve(url, port);
      }
    }
    console.log(`sync kill: ${kills} kills`);
    expect(kills).toBeGreaterThanOrEqual(5);
    const all = (await check.query<{ n: number; d: number }>('SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d FROM responses')).rows[0];
    expect(all).toEqual({ n: 7000, d: 7000 });
    expect(Number((await check.query(`SELECT high_water FROM stations`)).rows[0].high_water)).toBe(Math.max(...seqs));
  } finally {
    s.close();
    server.kill('SIGKILL');
    await check.end();
  }
}, 150_000);
