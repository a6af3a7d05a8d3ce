import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PrintedPage } from '../src/layout/printedPage';
import { REPO_ROOT } from '../src/station/context';
import { invoke } from '../src/station/invoke';
import { tempStation } from './support/station';

const DIR = join(REPO_ROOT, 'fixtures', 'scans');

type Expected = { file: string; ok: boolean; pageId?: string; orientation?: number; reason?: string; fields?: { fieldId: string; value: string | null; status: string }[] };

describe('golden scans (fixtures/scans)', () => {
  it('reads every golden scan exactly as recorded', async () => {
    const ctx = tempStation();
    const layout = JSON.parse(readFileSync(join(DIR, 'layout.json'), 'utf8')) as { jobId: string; pages: PrintedPage[] };
    ctx.store.insertPrintJob({ id: layout.jobId, setId: null, kind: 'golden', optionsJson: '{}', pages: layout.pages });
    const expected = (JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { images: Expected[] }).images;
    const r = await invoke(ctx, 'read', { paths: expected.map((e) => join(DIR, e.file)) });
    if (!r.ok) throw new Error(r.error.message);
    const pages = r.value.pages as (Expected & { fields?: { fieldId: string; value: string | null; status: string; confidence: number }[] })[];
    expected.forEach((e, i) => {
      const got = pages[i]!;
      expect(got.ok, e.file).toBe(e.ok);
      if (!e.ok) return expect(got.reason, e.file).toBe(e.reason);
      expect(got.pageId).toBe(e.pageId);
      expect(got.orientation).toBe(e.orientation);
      expect(got.fields!.map((f) => ({ fieldId: f.fieldId, value: f.value, status: f.status }))).toEqual(e.fields);
      for (const f of got.fields!) expect(f.confidence).toBeGreaterThanOrEqual(0);
    });
  });
});
