import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');

function cruise(files: Record<string, string>): { violations: { rule: { name: string } }[]; modules: number } {
  const dir = mkdtempSync(join(tmpdir(), 'pl-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  copyFileSync(join(repo, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  let out: string;
  try {
    out = execFileSync(join(repo, 'node_modules/.bin/depcruise'), ['--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json', 'src'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  const json = JSON.parse(out) as { summary: { violations: { rule: { name: string } }[] }; modules: unknown[] };
  return { violations: json.summary.violations, modules: json.modules.length };
}

describe('layer rules', () => {
  it('fail when the pure domain imports the store', () => {
    const r = cruise({ 'src/domain/bad.ts': `import { x } from '../store/db';\nexport const y = x;\n`, 'src/store/db.ts': 'export const x = 1;\n' });
    expect(r.modules).toBe(2);
    expect(r.violations.map((v) => v.rule.name)).toContain('layer-src-domain');
  });

  it('fail when the domain reads files', () => {
    const r = cruise({ 'src/domain/io.ts': `import { readFileSync } from 'node:fs';\nexport const f = readFileSync;\n` });
    expect(r.violations.map((v) => v.rule.name)).toContain('pure-layers-no-node-io');
  });

  it('pass a downward import', () => {
    const r = cruise({ 'src/store/ok.ts': `import { x } from '../domain/x';\nexport const y = x;\n`, 'src/domain/x.ts': 'export const x = 1;\n' });
    expect(r.violations).toEqual([]);
  });
});
