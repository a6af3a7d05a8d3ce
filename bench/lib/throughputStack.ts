// The station and the 200-page 300 dpi stack of bench:read's throughput part, shared by the benches that read it
// (cached in bench/.cache, keyed by the printed job: page ids are per station).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
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
