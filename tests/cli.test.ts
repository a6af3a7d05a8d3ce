import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/station/context';

const BIN = join(REPO_ROOT, 'bin', 'paperloop.mjs');

function paperloop(dataDir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, PAPERLOOP_DATA: dataDir }, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('paperloop CLI, as a new user runs it', () => {
  const data = mkdtempSync(join(tmpdir(), 'pl-cli-'));

  it('init, import the demo, list items as JSON', () => {
    expect(paperloop(data, 'init').code).toBe(0);
    expect(paperloop(data, 'import', 'skills', 'fixtures/demo/skills-math-g7.json').code).toBe(0);
    const imported = paperloop(data, 'import', 'items', 'fixtures/demo/items-math-g7.json');
    expect(imported.code, imported.err).toBe(0);
    expect(imported.out).toMatch(/150 added/);
    const again = paperloop(data, 'import', 'items', 'fixtures/demo/items-math-g7.json');
    expect(again.out).toMatch(/0 added, 0 new versions, 150 unchanged/);
    const listed = paperloop(data, 'list', 'items', '--json');
    expect(listed.code).toBe(0);
    const items = JSON.parse(listed.out) as { id: string; version: number }[];
    expect(items).toHaveLength(150);
    expect(new Set(items.map((i) => i.version))).toEqual(new Set([1]));
  });

  it('gives every bad row of a broken CSV, line-numbered, and imports nothing', () => {
    const before = JSON.parse(paperloop(data, 'list', 'items', '--json').out).length;
    const r = paperloop(data, 'import', 'items', 'fixtures/bad/items-10-broken.csv');
    expect(r.code).not.toBe(0);
    const lines = r.err.trim().split('\n');
    expect(lines[0]).toMatch(/^paperloop: import items: \d+ problem\(s\), nothing was imported/);
    const rowLines = new Set(lines.slice(1).map((l) => /items-10-broken\.csv:(\d+)/.exec(l)?.[1]).filter(Boolean));
    expect(rowLines.size).toBe(10);
    expect(JSON.parse(paperloop(data, 'list', 'items', '--json').out).length).toBe(before);
  });

  it('versions an item whose content changed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-cli-items-'));
    const item = (stem: string) => ({ format: 'paperloop.items/1', items: [{ id: 'v-1', subject: 'math', grade: 7, skills: ['g7.frac.equiv'], stem: { en: stem }, minutes: 1, tier: 'basic', type: 'true_false', answer: true }] });
    writeFileSync(join(dir, 'a.json'), JSON.stringify(item('1/2 = 2/4')));
    writeFileSync(join(dir, 'b.json'), JSON.stringify(item('1/2 = 3/6')));
    expect(paperloop(data, 'import', 'items', join(dir, 'a.json')).out).toMatch(/1 added/);
    expect(paperloop(data, 'import', 'items', join(dir, 'b.json')).out).toMatch(/1 new versions/);
    const listed = JSON.parse(paperloop(data, 'list', 'items', '--json').out) as { id: string; version: number }[];
    expect(listed.find((i) => i.id === 'v-1')?.version).toBe(2);
  });

  it('fails with a one-line reason and a non-zero exit', () => {
    const r = paperloop(data, 'compose', '--class', 'NOPE', '--subject', 'math', '--date', '2026-11-25', '--minutes', '20');
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/class "NOPE" is not on this station/);
    const noStation = spawnSync(process.execPath, [BIN, 'list', 'classes'], { env: { ...process.env, PAPERLOOP_DATA: join(data, 'missing') }, encoding: 'utf8' });
    expect(noStation.status).toBe(1);
    expect(noStation.stderr).toMatch(/paperloop init/);
  });
});
