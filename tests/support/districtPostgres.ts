/**
 * One embedded PostgreSQL per test file, in a temporary folder removed afterwards, and a fresh migrated
 * database per test (so tests do not see each other's rows).
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDistrictPool, startEmbeddedPostgres, type EmbeddedServer } from '../../src/district/database';

export type TestPostgres = { server: EmbeddedServer; folder: string; freshPool: () => Promise<pg.Pool>; freshUrl: () => Promise<string>; stop: () => Promise<void> };

let databases = 0;

export async function startTestPostgres(): Promise<TestPostgres> {
  // As root, PostgreSQL runs as the `postgres` user: it must be able to enter the run's temporary folder.
  const root = tmpdir();
  chmodSync(root, statSync(root).mode | 0o711);
  const folder = mkdtempSync(join(root, 'district-pg-'));
  const server = await startEmbeddedPostgres(folder, { persistent: false });
  const pools: pg.Pool[] = [];
  const freshUrl = async () => {
    const name = `t${process.pid}_${++databases}`;
    await server.createDatabase(name);
    return server.url(name);
  };
  return {
    server,
    folder,
    freshUrl,
    freshPool: async () => {
      const opened = await openDistrictPool(await freshUrl());
      if (!opened.ok) throw new Error(opened.error);
      pools.push(opened.value);
      return opened.value;
    },
    stop: async () => {
      for (const p of pools) await p.end().catch(() => {});
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
