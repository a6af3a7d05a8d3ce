import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { PrintedPage } from '../src/layout/printedPage';
import { REPO_ROOT } from '../src/station/context';
import { invoke } from '../src/station/invoke';
import { cornersLost } from '../src/synth/damage';
import { ImageTruth } from '../src/synth/truth';
import type { PageFailureReason } from '../src/vision/readPage';
import { agreesWithTruth } from './support/truthAnswers';
import { removeStation } from './support/cleanup';
import { tempStation } from './support/station';

const DIR = join(REPO_ROOT, 'fixtures', 'scans');
const GoldenFile = z.object({ format: z.literal('paperloop.golden-truth/1'), dpi: z.number(), images: z.array(z.object({ file: z.string(), profile: z.string(), truth: ImageTruth })) });
type Golden = z.infer<typeof GoldenFile>['images'][number];
type FieldOut = { fieldId: string; kind: ImageTruth['fields'][number]['kind']; value: string | null; status: 'ok' | 'review' | 'blank' };
type PageOut = { ok: true; pageId: string; orientation: number; fields: FieldOut[] } | { ok: false; reason: PageFailureReason; pageId?: string };

/**
 * The typed refusals a page may get, from what was done to it. An undamaged page of ours must be read;
 * a page that lost a registration mark may be refused for it; a foreign sheet is always refused.
 */
function allowedRefusals(g: Golden, page: PrintedPage | undefined): PageFailureReason[] {
  const t = g.truth;
  if (t.kind === 'foreign') return t.foreign?.qrText ? ['not_paperloop_qr'] : ['missing_marks', 'ambiguous_orientation', 'no_qr', 'blank_page'];
  const damage = t.damage ?? [];
  const reasons: PageFailureReason[] = [];
  if (page && cornersLost(page, damage).length > 0) reasons.push('missing_marks');
  // Far beyond the feeder's usual skew: the marks may fall outside their search windows.
  if (damage.some((d) => d.kind === 'rotation')) reasons.push('missing_marks', 'ambiguous_orientation');
  return reasons;
}

/** Least share of the fields the reader decides (ok or blank), by scan profile and for damaged sheets. */
const DECIDED_FLOOR = { clean: 1, typical: 0.75, harsh: 0.6, damaged: 0.6 } as const;

describe('golden scans (fixtures/scans), judged against what was drawn', () => {
  const ctx = tempStation();
  const golden = GoldenFile.parse(JSON.parse(readFileSync(join(DIR, 'truth.json'), 'utf8'))).images;
  const layout = JSON.parse(readFileSync(join(DIR, 'layout.json'), 'utf8')) as { jobId: string; pages: PrintedPage[] };
  const pageOf = (id: string | null) => layout.pages.find((p) => p.pageId === id);
  let reads: PageOut[];

  beforeAll(async () => {
    ctx.store.insertPrintJob({ id: layout.jobId, setId: null, kind: 'golden', optionsJson: '{}', pages: layout.pages });
    const r = await invoke(ctx, 'read', { paths: golden.map((g) => join(DIR, g.file)) });
    if (!r.ok) throw new Error(r.error.message);
    reads = r.value.pages as PageOut[];
  }, 300_000);
  afterAll(() => removeStation(ctx));

  it('holds a dozen pages: every profile, a blank back, a foreign sheet and each kind of damage', () => {
    expect(golden.length).toBeGreaterThanOrEqual(12);
    const damage = new Set(golden.flatMap((g) => (g.truth.damage ?? []).map((d) => d.kind)));
    expect([...damage].sort()).toEqual(['dark_erasure', 'fold', 'missing_corner', 'rotation', 'smudge', 'tear']);
    expect(new Set(golden.map((g) => g.truth.kind))).toEqual(new Set(['workbook', 'blank_back', 'foreign']));
  });

  it('names every page of ours (or refuses it only for a reason its damage explains), upright or turned', () => {
    golden.forEach((g, i) => {
      const got = reads[i]!;
      const allowed = allowedRefusals(g, pageOf(g.truth.pageId) ?? undefined);
      if (!got.ok) {
        expect(allowed, `${g.file} refused: ${got.reason}`).toContain(got.reason);
        return;
      }
      expect(g.truth.kind, `${g.file} is not ours but was read`).not.toBe('foreign');
      expect(got.pageId, g.file).toBe(g.truth.pageId);
      expect(got.orientation, g.file).toBe(g.truth.scan.flipped ? 180 : 0);
      expect(got.fields.map((f) => f.fieldId).sort(), g.file).toEqual(g.truth.fields.map((f) => f.fieldId).sort());
    });
  });

  it('every field it decides (ok or blank) says what was drawn, on clean, harsh and damaged pages alike', () => {
    const wrong: string[] = [];
    golden.forEach((g, i) => {
      const got = reads[i]!;
      if (!got.ok) return;
      for (const f of got.fields) {
        if (f.status === 'review') continue;
        const t = g.truth.fields.find((x) => x.fieldId === f.fieldId)!;
        if (!agreesWithTruth({ kind: f.kind, value: f.value, status: f.status }, t)) wrong.push(`${g.file} ${f.fieldId}: read ${f.value} (${f.status}), drawn ${JSON.stringify(t)}`);
      }
    });
    expect(wrong).toEqual([]);
  });

  it('decides at least its floor share of the fields, by profile and for damaged pages', () => {
    const tally = new Map<string, { decided: number; fields: number }>();
    golden.forEach((g, i) => {
      const got = reads[i]!;
      if (!got.ok) return;
      const kind = (g.truth.damage ?? []).length > 0 ? 'damaged' : g.profile;
      const t = tally.get(kind) ?? { decided: 0, fields: 0 };
      t.decided += got.fields.filter((f) => f.status !== 'review').length;
      t.fields += got.fields.length;
      tally.set(kind, t);
    });
    const refused = golden.flatMap((g, i) => (reads[i]!.ok ? [] : [`${g.file}: ${(reads[i] as { reason: string }).reason}`]));
    console.log(JSON.stringify({ golden: 'decided_share', ...Object.fromEntries([...tally].map(([k, t]) => [k, `${t.decided}/${t.fields}`])), refused }));
    for (const [kind, floor] of Object.entries(DECIDED_FLOOR)) {
      const t = tally.get(kind);
      expect(t?.fields, kind).toBeGreaterThan(0);
      expect(t!.decided / t!.fields, kind).toBeGreaterThanOrEqual(floor);
    }
  });
});
