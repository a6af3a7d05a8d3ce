// Regenerates fixtures/scans/: a few real pipeline outputs (printed → filled → scanned) with the
// reader's expected JSON, checked against the generator's truth before it is written.
// Run: node --import tsx tests/support/makeGolden.ts
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { invoke } from '../../src/station/invoke';
import type { ImageTruth } from '../../src/synth/truth';
import { printSet, writeStack } from './stack';
import { tempStation } from './station';

const OUT = join(import.meta.dirname, '..', '..', 'fixtures', 'scans');
const ctx = tempStation();
ctx.settings.duplex = 'blank_backs'; // so the job has a marked blank back to scan
const printed = await printSet(ctx, '7A', 15, 'golden');
const workbookPages = printed.pages.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === 'workbook');
const blank = printed.pages.findIndex((p) => p.kind === 'blank_back');
const cases: { name: string; index: number; profile: 'clean' | 'typical' | 'harsh'; upsideDown: number; foreign?: boolean }[] = [
  { name: '01-clean-upright', index: workbookPages[0]!.i, profile: 'clean', upsideDown: 0 },
  { name: '02-typical-upside-down', index: workbookPages[1]!.i, profile: 'typical', upsideDown: 1 },
  { name: '03-harsh', index: workbookPages[2]!.i, profile: 'harsh', upsideDown: 0 },
  { name: '04-blank-back', index: blank, profile: 'typical', upsideDown: 0 },
  { name: '05-foreign', index: workbookPages[0]!.i, profile: 'typical', upsideDown: 0, foreign: true },
];
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const tmp = join(ctx.dir, 'golden');
const truths: Record<string, ImageTruth> = {};
for (const c of cases) {
  const dir = join(tmp, c.name);
  const t = await writeStack(ctx, dir, {
    pdf: printed.pdf, pages: printed.pages, seed: c.name, profile: c.profile, answers: 'mixed', pageIndices: [c.index], count: c.foreign ? 0 : 1,
    upsideDownRate: c.upsideDown, foreignPages: c.foreign ? 1 : 0,
  });
  const file = readdirSync(dir).find((f) => f.endsWith('.jpg'))!;
  copyFileSync(join(dir, file), join(OUT, `${c.name}.jpg`));
  truths[c.name] = t[0]!;
}
const used = new Set(cases.filter((c) => !c.foreign).map((c) => printed.pages[c.index]!.pageId));
writeFileSync(join(OUT, 'layout.json'), JSON.stringify({ format: 'paperloop.printed-pages/1', jobId: printed.pages[0]!.jobId, pages: printed.pages.filter((p) => used.has(p.pageId)) }, null, 1));
const r = await invoke(ctx, 'read', { paths: cases.map((c) => join(OUT, `${c.name}.jpg`)) });
if (!r.ok) throw new Error(r.error.message);
const expected = (r.value.pages as { source: string; ok: boolean; pageId?: string; reason?: string; orientation?: number; fields?: { fieldId: string; value: string | null; status: string }[] }[]).map((p, i) => {
  const c = cases[i]!;
  const truth = truths[c.name]!;
  if (p.ok) {
    if (p.pageId !== truth.pageId) throw new Error(`${c.name}: read page ${p.pageId}, truth ${truth.pageId}`);
    for (const f of p.fields ?? []) {
      const t = truth.fields.find((x) => x.fieldId === f.fieldId);
      if (!t || f.status !== 'ok' || t.kind === 'write_in') continue;
      const want = t.kind === 'bubbles' ? (t.marked.length ? t.marked.join(',') : null) : t.kind === 'digit_grid' ? t.text : t.kind === 'score' ? t.marked : t.text || null;
      const same = t.kind === 'digit_grid' ? Number(f.value) === Number(want) : f.value === want;
      if (!same) throw new Error(`${c.name} ${f.fieldId}: read ${f.value} (ok), truth ${want}: refusing to bless a silent error`);
    }
  } else if (truth.kind === 'workbook') throw new Error(`${c.name}: a workbook page was refused (${p.reason})`);
  return { file: `${c.name}.jpg`, ok: p.ok, ...(p.ok ? { pageId: p.pageId, orientation: p.orientation, fields: p.fields!.map((f) => ({ fieldId: f.fieldId, value: f.value, status: f.status })) } : { reason: p.reason }) };
});
writeFileSync(join(OUT, 'expected.json'), JSON.stringify({ format: 'paperloop.golden-reads/1', images: expected }, null, 1) + '\n');
writeFileSync(
  join(OUT, 'README.md'),
  `# Golden scans\n\nReal outputs of the whole pipeline: demo items printed by PaperLoop, filled by the synthetic pen model, scanned\nthrough the degradation model (clean, typical upside-down, harsh), a marked blank back and a foreign sheet.\n\`expected.json\` is what \`paperloop read\` must say about each; it was checked against the generator's truth when made\n(no confident read that disagrees with the truth is ever blessed). \`layout.json\` holds the PrintedPages they need.\n\nRegenerate (only when the page layout or the reader changes on purpose): \`node --import tsx tests/support/makeGolden.ts\`.\n`,
);
console.log(`wrote ${cases.length} golden scans to ${OUT}`);
