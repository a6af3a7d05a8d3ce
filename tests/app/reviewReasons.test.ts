/**
 * Every reason the reader can give for sending a field to review is worded for the teacher in both languages
 * (the Review screen shows the raw code for a reason it has no words for).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/station/context';

const sourcesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourcesUnder(path) : /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [path] : [];
  });

/** Codes written as reasons.push('x'), reasons.push(`x:${…}`), reasons: ['x'] or reasons: [...r.reasons, 'x']. */
function readerReasonCodes(): string[] {
  const codes = new Set<string>();
  const files = [...sourcesUnder(join(REPO_ROOT, 'src', 'vision')), join(REPO_ROOT, 'src', 'scan', 'gradePage.ts')];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/reasons\.push\(\s*['`]([a-z_]+)/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/reasons: \[([^\]]*)\]/g)) for (const c of m[1]!.matchAll(/'([a-z_]+)'/g)) codes.add(c[1]!);
  }
  return [...codes].sort();
}

it('every reader reason has words in en and zh-Hans', () => {
  const codes = readerReasonCodes();
  expect(codes).toEqual(expect.arrayContaining(['marginal_mark', 'off_centre', 'placed_from_anchors', 'scanner_streak', 'field_not_read']));
  for (const lang of ['en', 'zh-Hans']) {
    const reasons = (JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'ui', 'locales', lang, 'review.json'), 'utf8')) as { reason: Record<string, string> }).reason;
    expect(codes.filter((c) => !reasons[c]), lang).toEqual([]);
  }
});
