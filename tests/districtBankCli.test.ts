/**
 * `paperloop district import-items` and `publish` as teaching-research staff run them: real child processes on a
 * district folder whose embedded PostgreSQL each command starts for its length.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage, manifest, QTI_FLAGS, SAMPLE_ITEMS } from './support/qtiPackages';

const bin = join(import.meta.dirname, '..', 'bin', 'paperloop.mjs');
const { DATABASE_URL: _ignored, ...env } = process.env;

let root: string;
beforeAll(() => {
  const tmp = tmpdir();
  chmodSync(tmp, statSync(tmp).mode | 0o711);
  root = mkdtempSync(join(tmp, 'bank-cli-'));
  chmodSync(root, 0o711);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const district = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, 'district', '--dir', join(root, 'district'), ...args], { encoding: 'utf8', env, timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
};

describe('paperloop district import-items and publish', () => {
  it('refuses a broken package naming the file inside it, imports a good one, and publishes it with a workbook set and parameters', async () => {
    const broken = join(root, 'broken.zip');
    writeFileSync(broken, await buildPackage({ 'items/bad.xml': '<assessmentItem identifier="bad"/>' }, manifest([...Object.keys(SAMPLE_ITEMS), 'items/bad.xml'])));
    const refused = district('import-items', broken, ...QTI_FLAGS);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('broken.zip/items/bad.xml');
    expect(refused.err).toMatch(/nothing was imported/);

    const good = join(root, 'bank.zip');
    writeFileSync(good, await buildPackage());
    const imported = district('import-items', good, ...QTI_FLAGS);
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/4 added, 0 new versions/);

    const sets = join(root, 'sets.json');
    writeFileSync(sets, JSON.stringify({ format: 'paperloop.workbook-sets/1', sets: [{ id: 'weekend-g7', name: 'Weekend', subject: 'math', grade: 7, itemIds: ['choice_simple'] }] }));
    const params = join(root, 'params.json');
    writeFileSync(params, JSON.stringify({ format: 'paperloop.item-parameters/1', parameters: [{ itemId: 'choice_simple', difficulty: 0.8 }] }));
    const published = district('publish', '--workbook-sets', sets, '--parameters', params);
    expect(published.code, published.err).toBe(0);
    expect(published.out).toMatch(/v1: 4 bank item\(s\).*1 workbook set\(s\), 1 item parameter\(s\)/);

    const nothing = district('publish');
    expect(nothing.code).toBe(1);
    expect(nothing.err).toMatch(/nothing to publish/);
  });
});
