/**
 * The CUPS file queue .ci/run sets up (PaperLoopFile → /var/spool/paperloop/out.prn), for tests that print on
 * real CUPS and read the pages back. The queue writes each job over the same file, so test files that
 * print take turns (a lock folder), and each reads the file once its own request has completed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { printRequestState } from '../../src/station/printers';

export const FILE_QUEUE = 'PaperLoopFile';

function lpstat(...args: string[]): string | null {
  try {
    return execFileSync('lpstat', args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? null : ((e as { stdout?: string }).stdout ?? '');
  }
}

/** null when CUPS's client is not installed (the only reason a printing test may skip). */
export const lpstatInstalled = lpstat('-r') !== null;

/** The file the queue writes to, or why the queue cannot be used (with the fix). */
export function fileQueueOutput(): { ok: true; path: string } | { ok: false; why: string } {
  const fix = 'Fix: run the CUPS part of .ci/run (as root): it installs cups, starts cupsd and adds the queue.';
  if (!/scheduler is running/.test(lpstat('-r') ?? '')) return { ok: false, why: `the CUPS scheduler is not running. ${fix}` };
  const device = /device for \S+: (?:file:)?(\/\/\/?\S+)/.exec(lpstat('-v', FILE_QUEUE) ?? '')?.[1];
  if (!device) return { ok: false, why: `CUPS has no queue ${FILE_QUEUE}. ${fix}` };
  return { ok: true, path: device.replace(/^\/\/(?=\/)/, '') };
}

const LOCK = join(tmpdir(), 'paperloop-cups-file-queue.lock');
const STALE_LOCK_MS = 10 * 60_000;

/** Runs `body` while no other test uses the queue (its output file, its accept/reject state). */
export async function withFileQueue<T>(body: (outputPath: string) => Promise<T>): Promise<T> {
  const queue = fileQueueOutput();
  if (!queue.ok) throw new Error(queue.why);
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (existsSync(LOCK) && Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await body(queue.path);
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/**
 * Runs `send` (which prints and returns the CUPS request id) while no other test uses the queue, waits until
 * CUPS has completed that request, and returns what the queue wrote.
 */
export function printedThroughFileQueue(send: () => Promise<string>): Promise<Buffer> {
  return withFileQueue(async (output) => {
    rmSync(output, { force: true });
    const requestId = await send();
    await expect.poll(() => printRequestState(requestId), { timeout: 120_000, interval: 250 }).toBe('completed');
    return readFileSync(output);
  });
}

/** Runs `body` while the queue refuses new jobs (cupsreject), as a printer that is out of service. */
export function withQueueRejecting<T>(reason: string, body: () => Promise<T>): Promise<T> {
  return withFileQueue(async () => {
    execFileSync('cupsreject', ['-r', reason, FILE_QUEUE]);
    try {
      return await body();
    } finally {
      execFileSync('cupsaccept', [FILE_QUEUE]);
    }
  });
}

/** What the Generic PDF Printer driver wrote: PJL job lines, the PDF, and the PJL end of job. */
export function splitPjl(output: Buffer): { pjl: string; pdf: Buffer } {
  const start = output.indexOf('%PDF-');
  const end = output.lastIndexOf('%%EOF');
  if (start < 0 || end < start) throw new Error(`the queue's output holds no PDF (${output.length} bytes: ${JSON.stringify(output.subarray(0, 80).toString('latin1'))}…)`);
  return { pjl: output.subarray(0, start).toString('latin1'), pdf: output.subarray(start, end + 5) };
}
