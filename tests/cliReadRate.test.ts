import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedPage } from '../src/layout/printedPage';
import { REPO_ROOT } from '../src/station/context';
import { removeStation } from './support/cleanup';
import { tempStation } from './support/station';

// `read` and `ingest` of several files go through the vision worker pool and end with their reading rate on stderr,
// so that the JSON on stdout stays clean for a script.
const DIR = join(REPO_ROOT, 'fixtures', 'scans');
const paperloop = (dataDir: string, args: string[]) =>
  spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'paperloop.mjs'), '--data', dataDir, ...args], { encoding: 'utf8', timeout: 240_000 });

describe('read and ingest report pages/s on stderr', () => {
  const ctx = tempStation();
  const golden = (JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { images: { file: string; truth: { kind: string; pageId: string | null } }[] }).images;
  const pages = golden.filter((g) => g.truth.kind === 'workbook').slice(0, 2);
  beforeAll(() => {
    const layout = JSON.parse(readFileSync(join(DIR, 'layout.json'), 'utf8')) as { jobId: string; pages: PrintedPage[] };
    ctx.store.insertPrintJob({ id: layout.jobId, setId: null, kind: 'golden', optionsJson: '{}', pages: layout.pages });
  });
  afterAll(() => removeStation(ctx));

  it('read: every page in the JSON on stdout, the rate alone on stderr', () => {
    const r = paperloop(ctx.dir, ['read', ...pages.map((p) => join(DIR, p.file))]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pages: { ok: boolean; pageId?: string }[]; pagesPerSecond: number };
    expect(out.pages.map((p) => p.pageId)).toEqual(pages.map((p) => p.truth.pageId));
    expect(r.stderr.trim()).toBe(`paperloop read: 2 pages, ${out.pagesPerSecond} pages/s`);
  }, 240_000);

  it('ingest --json: the summary on stdout, the rate on stderr', () => {
    const r = paperloop(ctx.dir, ['ingest', '--json', ...pages.map((p) => join(DIR, p.file))]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { stored: number; pagesPerSecond: number };
    expect(out.stored).toBe(2);
    expect(r.stderr.trim()).toBe(`paperloop ingest: 2 pages, ${out.pagesPerSecond} pages/s`);
  }, 240_000);
});
