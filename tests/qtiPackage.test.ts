/**
 * IMS content packages (zip + imsmanifest.xml) and folders of QTI items, imported whole by the station's
 * `import items` (a real child process on a real SQLite data folder). The packages are built here from the
 * QTI samples in fixtures/external/qti (licences in fixtures/external/PROVENANCE.md).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_LIMITS, readQtiPackage, unzipPackage } from '../src/domain/import/qtiPackage';
import { REPO_ROOT } from '../src/station/context';
import { readQtiSource } from '../src/station/handlers/qtiSource';
import { buildPackage, DEFAULTS, manifest, QTI_FLAGS, SAMPLE_ITEMS } from './support/qtiPackages';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'pl-qtipkg-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function paperloop(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, PAPERLOOP_DATA: dataDir }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function freshStation(name: string): string {
  const data = join(dir, name);
  expect(paperloop(data, 'init').code).toBe(0);
  return data;
}

const itemCount = (data: string) => JSON.parse(paperloop(data, 'list', 'items', '--json').out).length as number;

describe('station: import items from a QTI content package or folder', () => {
  it('imports every item a package lists (QTI 2.1, 2.2, 3.0; the essay as an open item), skipping the test resource', async () => {
    const data = freshStation('pkg');
    const zipPath = join(dir, 'bank.zip');
    writeFileSync(zipPath, await buildPackage());
    const r = paperloop(data, 'import', 'items', zipPath, ...QTI_FLAGS);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/4 added/);
    const items = JSON.parse(paperloop(data, 'list', 'items', '--json').out) as { id: string; type: string }[];
    expect(items.map((i) => i.id).sort()).toEqual(['addition-no-feedback', 'choice_simple', 'qti3-choice-single', 'qti3-extended-text'].sort());
  });

  it('imports a folder of items (no manifest), where a folder used to fail with EISDIR', () => {
    const data = freshStation('folder');
    const folder = join(dir, 'items-folder');
    mkdirSync(join(folder, 'sub'), { recursive: true });
    cpSync(SAMPLE_ITEMS['items/choice22.xml'], join(folder, 'a.xml'));
    cpSync(SAMPLE_ITEMS['items/choice30.xml'], join(folder, 'sub', 'b.xml'));
    const r = paperloop(data, 'import', 'items', folder, ...QTI_FLAGS);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/2 added/);
  });

  it('imports nothing when one item of the package is broken, and names the file inside the package', async () => {
    const data = freshStation('broken');
    const zipPath = join(dir, 'broken.zip');
    const hrefs = [...Object.keys(SAMPLE_ITEMS), 'items/broken.xml'];
    writeFileSync(zipPath, await buildPackage({ 'items/broken.xml': '<assessmentItem identifier="x"><itemBody></assessmentItem>' }, manifest(hrefs)));
    const r = paperloop(data, 'import', 'items', zipPath, ...QTI_FLAGS);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/nothing was imported/);
    expect(r.err).toContain('broken.zip/items/broken.xml');
    expect(itemCount(data)).toBe(0);
  });

  it('refuses a package without subject, grade and skills, with the fix', async () => {
    const data = freshStation('noflags');
    const zipPath = join(dir, 'bank2.zip');
    writeFileSync(zipPath, await buildPackage());
    const r = paperloop(data, 'import', 'items', zipPath);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/--subject, --grade and --skills/);
  });
});

describe('the package reader', () => {
  const entry = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) });
  const choice = readFileSync(SAMPLE_ITEMS['items/choice22.xml'], 'utf8');

  it('finds a manifest inside the one folder a zip tool wrapped the package in, with percent-escaped hrefs', () => {
    const r = readQtiPackage([entry('bank/imsmanifest.xml', manifest(['items/my%20item.xml'])), entry('bank/items/my item.xml', choice), entry('bank/test.xml', '<x/>')], 'wrapped.zip', DEFAULTS);
    expect(r.ok ? r.value.items.map((i) => i.id) : r.error).toEqual(['choice_simple']);
  });

  it('reports a malformed href as a missing file instead of throwing', () => {
    const r = readQtiPackage([entry('imsmanifest.xml', manifest(['items/%E0%A4%A.xml']))], 'odd.zip', DEFAULTS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]!.message).toMatch(/does not contain it/);
  });
});

describe('the package reader refuses hostile packages', () => {
  it('a path-traversal entry', async () => {
    const r = await unzipPackage(await buildPackage({ '../../evil.xml': '<x/>' }), 'evil.zip');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]!.message).toMatch(/outside the package/);
  });

  it('an absolute entry path', async () => {
    const r = await unzipPackage(await buildPackage({ '/etc/evil.xml': '<x/>' }), 'abs.zip');
    expect(r.ok).toBe(false);
  });

  it('a zip bomb: an entry that unpacks beyond the limit stops there', async () => {
    const bomb = new Uint8Array(PACKAGE_LIMITS.maxEntryBytes + 1024 * 1024);
    const zipped = await buildPackage({ 'items/zeros.bin': bomb });
    expect(zipped.length).toBeLessThan(200_000);
    const r = await unzipPackage(zipped, 'bomb.zip');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]!.message).toMatch(/zip bomb/);
  });

  it('a folder beyond the file limit (or one linking back into itself) stops at the limit', async () => {
    const folder = join(dir, 'huge-folder');
    mkdirSync(folder);
    for (let i = 0; i <= PACKAGE_LIMITS.maxEntries; i++) writeFileSync(join(folder, `f${i}.txt`), '');
    const r = await readQtiSource(folder, DEFAULTS);
    expect(r?.ok).toBe(false);
    if (r && !r.ok) expect(r.error[0]!.message).toMatch(/more than 5000 files/);
    const looped = join(dir, 'looped-folder');
    mkdirSync(looped);
    cpSync(SAMPLE_ITEMS['items/choice22.xml'], join(looped, 'a.xml'));
    symlinkSync(looped, join(looped, 'again'));
    const l = await readQtiSource(looped, DEFAULTS);
    expect(l?.ok).toBe(false);
  });

  it('a DOCTYPE in the manifest', async () => {
    const text = manifest(Object.keys(SAMPLE_ITEMS), '<!DOCTYPE manifest [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n');
    const unzipped = await unzipPackage(await buildPackage({}, text), 'dtd.zip');
    expect(unzipped.ok).toBe(true);
    const r = readQtiPackage(unzipped.ok ? unzipped.value : [], 'dtd.zip', DEFAULTS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]!.message).toMatch(/DOCTYPE/);
  });

  it('a manifest that lists a file the package lacks', async () => {
    const unzipped = await unzipPackage(await buildPackage({}, manifest([...Object.keys(SAMPLE_ITEMS), 'items/missing.xml'])), 'short.zip');
    const r = readQtiPackage(unzipped.ok ? unzipped.value : [], 'short.zip', DEFAULTS);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error[0]!.file).toBe('short.zip/items/missing.xml');
  });
});
