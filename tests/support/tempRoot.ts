/**
 * vitest globalSetup: every temporary folder a test run makes (os.tmpdir() in the test workers and in the
 * CLI processes they start) goes under one folder for the run, removed when the run ends, pass or fail.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'paperloop-test-run-'));
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    try {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
    } catch (e) {
      console.warn(`could not remove the test run's temporary folder ${root}: ${(e as Error).message}`);
    }
  };
}
