/**
 * Opens the district database for a command: DATABASE_URL when set; otherwise the embedded PostgreSQL of
 * the district data folder, reusing the one `district serve` already runs there (postmaster.pid) or
 * starting it for the length of the command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import { err, ok, type Result } from '../domain/result';
import { openDistrictPool, startEmbeddedPostgres } from './database';
import { ensureDistrictIdentity, type DistrictIdentity } from './identity';

export type OpenDistrict = { pool: pg.Pool; identity: DistrictIdentity; database: string; close: () => Promise<void> };

export const defaultDistrictDir = () => resolve(process.env.PAPERLOOP_DISTRICT_DATA ?? 'paperloop-district');

const DATABASE = 'paperloop_district';

/** The port of a PostgreSQL already running on this data folder (line 4 of postmaster.pid), if its process is alive. */
function runningPort(folder: string): number | null {
  const pidFile = join(folder, 'pgdata', 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(lines[0]), 0);
  } catch {
    return null;
  }
  return Number(lines[3]) || null;
}

export async function openDistrict(folder: string, districtId?: string): Promise<Result<OpenDistrict, string>> {
  let url = process.env.DATABASE_URL;
  let stop = async () => {};
  let database = url ? 'DATABASE_URL' : '';
  if (!url) {
    const port = runningPort(folder);
    if (port) {
      const password = readFileSync(join(folder, 'postgres-password'), 'utf8').trim();
      url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`;
    } else {
      try {
        const server = await startEmbeddedPostgres(folder);
        await server.createDatabase(DATABASE);
        url = server.url(DATABASE);
        stop = () => server.stop();
      } catch (e) {
        return err(`cannot start the embedded PostgreSQL in ${folder} (${(e as Error).message})`);
      }
    }
    database = `embedded PostgreSQL in ${join(folder, 'pgdata')}`;
  }
  const opened = await openDistrictPool(url);
  if (!opened.ok) {
    await stop();
    return opened;
  }
  const pool = opened.value;
  const identity = await ensureDistrictIdentity(pool, folder, districtId);
  return ok({ pool, identity, database, close: async () => { await pool.end(); await stop(); } });
}
