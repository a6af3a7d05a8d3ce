import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedPage } from '../src/layout/printedPage';
import { REPO_ROOT } from '../src/station/context';
import { removeStation } from './support/cleanup';
import { tempStation } from './support/station';

// The installed command runs the esbuild bundle (tools/build-bundle.mjs), whose large packages load on first use:
// it must behave as the sources do, for help and for a read that goes through the worker pool, sharp and zxing.
const DIR = join(REPO_ROOT, 'fixtures', 'scans');
const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'paperloop.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, PAPERLOOP_TSX: '0' }, timeout: 120_000 });

describe('the bundled CLI', () => {
  const ctx = tempStation();
  const golden = (JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { images: { file: string; truth: { kind: string; pageId: string | null } }[] }).images;
  const page = golden.find((g) => g.truth.kind === 'workbook')!;
  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'build-bundle.mjs')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    const layout = JSON.parse(readFileSync(join(DIR, 'layout.json'), 'utf8')) as { jobId: string; pages: PrintedPage[] };
    ctx.store.insertPrintJob({ id: layout.jobId, setId: null, kind: 'golden', optionsJson: '{}', pages: layout.pages });
  }, 120_000);
  afterAll(() => removeStation(ctx));

  it('is built into dist/cli with the worker and the digit model beside it', () => {
    for (const f of ['station.mjs', 'readWorker.mjs', 'selfTestWorker.mjs', 'models/digits-mlp.json']) expect(statSync(join(REPO_ROOT, 'dist', 'cli', f)).size).toBeGreaterThan(0);
  });

  it('prints its help', () => {
    const r = cli(['--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage');
    expect(r.stdout).toContain('read');
  });

  it('reads a scanned page to the same page id as the sources do', () => {
    const r = cli(['--data', ctx.dir, 'read', join(DIR, page.file)]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pages: { ok: boolean; pageId?: string }[]; pagesPerSecond: number };
    expect(out.pages.map((p) => p.pageId)).toEqual([page.truth.pageId]);
    expect(out.pages[0]!.ok).toBe(true);
  }, 120_000);
});
