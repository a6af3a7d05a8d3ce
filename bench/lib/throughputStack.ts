// The station and the 200-page 300 dpi stack of bench:read's throughput part, shared by the benches that read it
// (cached in bench/.cache, keyed by the printed job: page ids are per station).
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { parseRosterCsv } from '../../src/domain/import/rosterCsv';
import { hash64 } from '../../src/layout/hash';
import { REPO_ROOT } from '../../src/station/context';
import { printSet, writeStack } from '../../tests/support/stack';
import { DEMO, tempStation } from '../../tests/support/station';

export async function throughputStation() {
  const roster = parseRosterCsv(readFileSync(join(DEMO, 'roster-classes.csv'), 'utf8'), 'roster-classes.csv');
  if (!roster.ok) throw new Error('demo roster does not import');
  const ctx = tempStation(roster.value);
  const printed = await printSet(ctx, '7A', 60, 'bench-read');
  const folder = join(REPO_ROOT, 'bench', '.cache', `throughput-200-${hash64(printed.pages.map((p) => p.pageId + p.layoutVersion).join()).slice(0, 10)}`);
  if (!existsSync(join(folder, 'truth.json'))) await writeStack(ctx, folder, { pdf: printed.pdf, pages: printed.pages, seed: 'tp', dpi: 300, profile: 'typical', answers: 'mixed', count: 200 });
  const files = readdirSync(folder).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(folder, f));
  return { ctx, printed, folder, files };
}

/**
 * The same stack as one-channel grey JPEGs, as a scanner in Gray mode sends them (cached beside it). The generator
 * writes its grey pages as three-channel JPEGs (sharp's default output for a one-channel input), whose full decode
 * pays a colour conversion of every pixel. Each page is re-encoded from its decoded grey at its own JPEG quality.
 */
export async function greyJpegCopy(folder: string): Promise<string> {
  const grey = `${folder}-grey`;
  if (existsSync(join(grey, 'truth.json'))) return grey;
  const truth = JSON.parse(readFileSync(join(folder, 'truth.json'), 'utf8')) as { images: { fileName: string; scan?: { jpegQuality?: number } }[] };
  mkdirSync(grey, { recursive: true });
  for (const image of truth.images) {
    const bytes = await sharp(readFileSync(join(folder, image.fileName))).toColourspace('b-w').jpeg({ quality: image.scan?.jpegQuality ?? 80, optimiseCoding: false }).toBuffer();
    writeFileSync(join(grey, image.fileName), bytes);
  }
  writeFileSync(join(grey, 'truth.json'), JSON.stringify(truth));
  return grey;
}
