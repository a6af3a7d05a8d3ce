// Regenerates fixtures/scans/: pages printed by PaperLoop, filled by the synthetic pen model, scanned
// through the synth profiles (damaged ones through the harshest), with the generator's truth beside them.
// The reader is never run here: tests/golden.test.ts checks what it reads against this truth.
// Run: node --import tsx tests/support/makeGolden.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROFILES, type DegradationProfile } from '../../src/synth/degrade';
import type { DamageKind } from '../../src/synth/damage';
import { generateStack } from '../../src/synth/generate';
import { answerKeyFromItems, type ImageTruth } from '../../src/synth/truth';
import { printSet } from './stack';
import { tempStation } from './station';

/** Scan resolution of the fixtures: the reader's lowest usual setting keeps the repository small. */
const DPI = 200;
/** Modest JPEG qualities. */
const SMALL: Record<'clean' | 'typical' | 'harsh', DegradationProfile> = {
  clean: { ...PROFILES.clean, jpegQuality: [65, 72] },
  typical: { ...PROFILES.typical, jpegQuality: [55, 65] },
  harsh: { ...PROFILES.harsh, jpegQuality: [30, 45] },
};

type Case = { name: string; page: 'workbook' | 'blank_back'; nth: number; profile: keyof typeof SMALL; upsideDown: number; foreign?: boolean; damage?: DamageKind[] };
const CASES: Case[] = [
  { name: '01-clean-upright', page: 'workbook', nth: 0, profile: 'clean', upsideDown: 0 },
  { name: '02-typical-upside-down', page: 'workbook', nth: 1, profile: 'typical', upsideDown: 1 },
  { name: '03-harsh', page: 'workbook', nth: 2, profile: 'harsh', upsideDown: 0 },
  { name: '04-blank-back', page: 'blank_back', nth: 0, profile: 'typical', upsideDown: 0 },
  { name: '05-foreign', page: 'workbook', nth: 0, profile: 'typical', upsideDown: 0, foreign: true },
  { name: '06-harsh-upside-down', page: 'workbook', nth: 3, profile: 'harsh', upsideDown: 1 },
  { name: '07-fold', page: 'workbook', nth: 0, profile: 'harsh', upsideDown: 0, damage: ['fold'] },
  { name: '08-tear', page: 'workbook', nth: 1, profile: 'harsh', upsideDown: 0, damage: ['tear'] },
  { name: '09-smudge', page: 'workbook', nth: 2, profile: 'harsh', upsideDown: 0, damage: ['smudge'] },
  { name: '10-rotation', page: 'workbook', nth: 3, profile: 'harsh', upsideDown: 0, damage: ['rotation'] },
  { name: '11-missing-corner', page: 'workbook', nth: 0, profile: 'harsh', upsideDown: 0, damage: ['missing_corner'] },
  { name: '12-dark-erasure', page: 'workbook', nth: 2, profile: 'harsh', upsideDown: 0, damage: ['dark_erasure'] },
];

const OUT = join(import.meta.dirname, '..', '..', 'fixtures', 'scans');
const ctx = tempStation();
try {
  ctx.settings.duplex = 'blank_backs'; // so the job has a marked blank back to scan
  const printed = await printSet(ctx, '7A', 20, 'golden');
  const indexOf = (c: Case) => printed.pages.map((p, i) => ({ p, i })).filter(({ p }) => p.kind === c.page)[c.nth]!.i;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const images: { file: string; profile: string; truth: ImageTruth }[] = [];
  for (const c of CASES) {
    const stack = generateStack({
      pdf: printed.pdf, pages: printed.pages, dpi: DPI, seed: c.name, profile: SMALL[c.profile], answers: 'mixed', answerKey: answerKeyFromItems(ctx.store.currentItems()),
      pageIndices: [indexOf(c)], count: c.foreign ? 0 : 1, upsideDownRate: c.upsideDown, foreignPages: c.foreign ? 1 : 0, ...(c.damage ? { damage: c.damage } : {}),
      fileName: () => `${c.name}.jpg`,
    });
    for await (const img of stack) {
      writeFileSync(join(OUT, img.fileName), img.bytes);
      images.push({ file: img.fileName, profile: c.profile, truth: img.truth });
    }
  }
  const used = new Set(images.map((i) => i.truth.pageId).filter((id) => id !== null));
  writeFileSync(join(OUT, 'layout.json'), JSON.stringify({ format: 'paperloop.printed-pages/1', jobId: printed.pages[0]!.jobId, pages: printed.pages.filter((p) => used.has(p.pageId)) }, null, 1) + '\n');
  writeFileSync(join(OUT, 'truth.json'), JSON.stringify({ format: 'paperloop.golden-truth/1', dpi: DPI, images }, null, 1) + '\n');
  writeFileSync(
    join(OUT, 'README.md'),
    `# Golden scans

Twelve fixed scans of pages printed by PaperLoop, filled by the synthetic pen model and scanned through the synth
profiles at ${DPI} dpi (see docs/synth.md): clean, typical upside down, harsh, a printed blank back, a foreign sheet, and
damaged sheets through the harsh profile (fold, tear, smudge, a badly skewed feed, a missing corner, a dark erasure).
\`truth.json\` is what was drawn (the generator's truth, with the damage); the reader never wrote anything here.
\`layout.json\` holds the PrintedPages they need. \`tests/golden.test.ts\` reads every image and checks it against the truth.

Regenerate (only when the page layout or the synth changes on purpose): \`node --import tsx tests/support/makeGolden.ts\`.
`,
  );
  console.log(`wrote ${readdirSync(OUT).filter((f) => f.endsWith('.jpg')).length} golden scans to ${OUT}`);
} finally {
  ctx.db.close();
  rmSync(ctx.dir, { recursive: true, force: true });
}
