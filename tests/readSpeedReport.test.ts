import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedPage } from '../src/layout/printedPage';
import { REPO_ROOT } from '../src/station/context';
import { invoke } from '../src/station/invoke';
import { removeStation } from './support/cleanup';
import { tempStation } from './support/station';

// `read` hands every page to the worker pool at once and keeps the input order; `read` and `ingest` say how fast they went.
const DIR = join(REPO_ROOT, 'fixtures', 'scans');

describe('read and ingest report pages per second', () => {
  const ctx = tempStation();
  const golden = (JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8')) as { images: { file: string; truth: { kind: string; pageId: string | null } }[] }).images;
  const workbook = golden.filter((g) => g.truth.kind === 'workbook').slice(0, 3);
  beforeAll(() => {
    const layout = JSON.parse(readFileSync(join(DIR, 'layout.json'), 'utf8')) as { jobId: string; pages: PrintedPage[] };
    ctx.store.insertPrintJob({ id: layout.jobId, setId: null, kind: 'golden', optionsJson: '{}', pages: layout.pages });
  });
  afterAll(() => removeStation(ctx));

  it('read: pages in the order given, and a pages/s figure', async () => {
    const r = await invoke(ctx, 'read', { paths: workbook.map((g) => join(DIR, g.file)) });
    if (!r.ok) throw new Error(r.error.message);
    expect((r.value.pages as { pageId?: string }[]).map((p) => p.pageId)).toEqual(workbook.map((g) => g.truth.pageId));
    expect(r.value.pagesPerSecond).toBeGreaterThan(0);
  }, 300_000);

  it('ingest: a pages/s figure beside the counts', async () => {
    const r = await invoke(ctx, 'ingest', { paths: workbook.map((g) => join(DIR, g.file)) });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.stored).toBe(workbook.length);
    expect(r.value.pagesPerSecond).toBeGreaterThan(0);
  }, 300_000);
});
