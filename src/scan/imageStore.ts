import { createHash, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { err, ok, throwIllegalValue, type Result } from '../domain/result';
import { fsyncPathOffThread } from '../store/fsync';
import { isAlive } from '../store/stationLock';

export type StoredImage = { sha256: string; path: string; bytes: number; alreadyStored: boolean };
export type StoreImageError = { kind: 'disk_full' | 'not_writable' | 'io'; path: string; detail: string };

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/tiff': 'tif',
  'image/x-portable-graymap': 'pgm',
};

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The same hash, computed in libuv's thread pool instead of on the calling thread. */
export async function sha256OffThread(bytes: Uint8Array): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', bytes)).toString('hex');
}

/** Images being written live here until they are whole (then renamed into place); one folder to sweep. */
export const INCOMING_DIR = '.incoming';

export function imagePath(imagesDir: string, hash: string, mediaType: string): string {
  return join(imagesDir, hash.slice(0, 2), hash.slice(2, 4), `${hash}.${EXTENSIONS[mediaType] ?? 'bin'}`);
}

/** storeImageOffThread with the hash computed here (for callers that do not have it yet). */
export async function storeImageDurably(imagesDir: string, bytes: Uint8Array, mediaType: string): Promise<Result<StoredImage, StoreImageError>> {
  return storeImageOffThread(imagesDir, bytes, mediaType, sha256(bytes));
}

function writeErrorOf(e: unknown, imagesDir: string, path: string): StoreImageError {
  const code = (e as NodeJS.ErrnoException).code;
  const kind = code === 'ENOSPC' || code === 'EDQUOT' ? 'disk_full' : code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? 'not_writable' : 'io';
  return { kind, path: kind === 'io' ? path : imagesDir, detail: (e as Error).message };
}

/** The folders that hold a stored image's entry, from its own up to the images folder. */
function foldersUpTo(imagesDir: string, path: string): string[] {
  const folders: string[] = [];
  for (let d = dirname(path); d.length >= imagesDir.length; d = dirname(d)) folders.push(d);
  return folders;
}

/** Flushes a stored image and the folders above it, off the event loop (an image a killed run wrote may be unsynced). */
export async function makeStoredImageDurable(imagesDir: string, path: string): Promise<void> {
  await Promise.all([fsyncPathOffThread(path), ...foldersUpTo(imagesDir, path).map(fsyncPathOffThread)]);
}

/**
 * Writes an image durably under its content hash before anything else happens to it: temp file → fsync → rename →
 * fsync of every folder up to the images folder, so the new entries survive a power cut too. Every write and fsync
 * runs in libuv's thread pool, so the caller's thread dispatches reads and records results while the disk works;
 * images stored at the same time have their fsyncs in flight together (one journal commit). Storing the same bytes
 * again flushes them again and writes nothing. A write that fails (a full disk) removes its temp file.
 * `hash`: the bytes' sha256 (sha256OffThread).
 */
export async function storeImageOffThread(imagesDir: string, bytes: Uint8Array, mediaType: string, hash: string): Promise<Result<StoredImage, StoreImageError>> {
  const path = imagePath(imagesDir, hash, mediaType);
  const stored = (alreadyStored: boolean) => ok({ sha256: hash, path, bytes: bytes.length, alreadyStored });
  const tmp = join(imagesDir, INCOMING_DIR, `${hash}.${process.pid}.tmp`);
  try {
    if (await access(path).then(() => true, () => false)) {
      // Its writer may have been killed before its fsyncs: flush it and its entries before anything refers to it.
      await makeStoredImageDurable(imagesDir, path);
      return stored(true);
    }
    await mkdir(dirname(tmp), { recursive: true });
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await mkdir(dirname(path), { recursive: true });
    await rename(tmp, path);
    // Every folder from the image's up to the images folder: another store in flight may have created one of them
    // and not yet synced it.
    await Promise.all(foldersUpTo(imagesDir, path).map(fsyncPathOffThread));
  } catch (e) {
    // Swept at the next session start when this fails too (and there is none when the image was already stored).
    await rm(tmp, { force: true }).catch(() => undefined);
    return err(writeErrorOf(e, imagesDir, path));
  }
  return stored(false);
}

/**
 * Removes temp files that no running process is writing: what a crash or a full disk left in the
 * images folder. A file whose writer (the pid in its name) still runs is left alone. Best effort:
 * a file that cannot be removed stays until the next session. The first time (no .incoming
 * folder yet), temp files of older versions, written beside their image, are swept from the tree once.
 */
export function removeUnfinishedWrites(imagesDir: string): number {
  const incoming = join(imagesDir, INCOMING_DIR);
  const firstTime = !existsSync(incoming);
  let names: string[];
  try {
    names = firstTime && existsSync(imagesDir) ? (readdirSync(imagesDir, { recursive: true }) as string[]) : readdirSync(incoming).map((n) => join(INCOMING_DIR, n));
    if (firstTime) mkdirSync(incoming, { recursive: true });
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const pid = Number(/\.(\d+)\.tmp$/.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    try {
      rmSync(join(imagesDir, name), { force: true });
      removed++;
    } catch {
      // Left for the next session.
    }
  }
  return removed;
}

/** Reads a stored image back and checks it against its hash (a corrupt file is reported, not used). */
export function readStoredImage(path: string, expectedSha: string): Result<Uint8Array, StoreImageError> {
  try {
    const bytes = readFileSync(path);
    if (sha256(bytes) !== expectedSha) return err({ kind: 'io', path, detail: 'content does not match its hash (corrupt file)' });
    return ok(bytes);
  } catch (e) {
    return err({ kind: 'io', path, detail: (e as Error).message });
  }
}

/**
 * A failed write to the station database as a storage error (the disk is full, the folder is read
 * only), or null when the error is something else. better-sqlite3 names SQLite's result codes.
 */
export function storageErrorOf(e: unknown, path: string): StoreImageError | null {
  const code = String((e as { code?: unknown }).code ?? '');
  const detail = (e as Error).message ?? String(e);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return { kind: 'disk_full', path, detail };
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return { kind: 'not_writable', path, detail };
  // EIO: a fsync failed (GroupCommit's of the WAL); what it was to flush may never reach the disk.
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return { kind: 'io', path, detail };
  return null;
}

export function describeStoreError(e: StoreImageError): string {
  switch (e.kind) {
    case 'disk_full':
      return `the disk holding ${e.path} is full. Scanning stopped; pages already stored are safe. Fix: free space, then scan the remaining pages again.`;
    case 'not_writable':
      return `cannot write to ${e.path} (${e.detail}). Scanning stopped; pages already stored are safe. Fix: make the data folder writable.`;
    case 'io':
      return `${e.path}: ${e.detail}`;
    default:
      return throwIllegalValue(e.kind, 'image store error');
  }
}
