import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '..');

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pl-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  copyFileSync(join(repo, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  return dir;
}

/** The layer check as `npm test` runs it, over a tree of files: its error lines. */
function checkLayers(files: Record<string, string>): string[] {
  const dir = tree(files);
  try {
    execFileSync(process.execPath, [join(repo, 'tests/check-layers.mjs')], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (e) {
    return String((e as { stderr: string }).stderr).split('\n').filter((line) => line.startsWith('layer rule'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cruise(files: Record<string, string>): { violations: { rule: { name: string }; from: string; to: string }[]; modules: number } {
  const dir = tree(files);
  let out: string;
  try {
    out = execFileSync(join(repo, 'node_modules/.bin/depcruise'), ['--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json', 'src'], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    out = (e as { stdout: string }).stdout;
  }
  const json = JSON.parse(out) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] }; modules: unknown[] };
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

  it('fail when a vision stage reads files or decodes with sharp (decoding happens at the edge, in vision/decode.ts)', () => {
    const errors = checkLayers({
      'src/vision/stage.ts': `import { readFileSync } from 'node:fs';\nimport sharp from 'sharp';\nexport const f = [readFileSync, sharp];\n`,
      'src/vision/decode.ts': `import sharp from 'sharp';\nexport const g = sharp;\n`,
    });
    // (sharp is not installed in the temporary tree, hence also not-to-unresolvable)
    expect(errors.filter((e) => !e.includes('not-to-unresolvable'))).toEqual(['layer rule vision-stages-no-node-io: src/vision/stage.ts → fs', 'layer rule no-sharp-in-pure-layers-and-vision-stages: src/vision/stage.ts → sharp']);
  });

  it('fail when vision imports code from layout where the table allows only its types', () => {
    const r = cruise({
      'src/vision/reads.ts': `import { pageWidth } from '../layout/page';\nimport type { Page } from '../layout/types';\nexport const w: Page = pageWidth;\n`,
      'src/layout/page.ts': 'export const pageWidth = 210;\n',
      'src/layout/types.ts': 'export type Page = number;\n',
    });
    expect(r.violations.filter((v) => v.rule.name === 'types-only-src-vision').map((v) => v.to)).toEqual(['src/layout/page.ts']);
  });

  it('pass a downward import', () => {
    const r = cruise({ 'src/store/ok.ts': `import { x } from '../domain/x';\nexport const y = x;\n`, 'src/domain/x.ts': 'export const x = 1;\n' });
    expect(r.violations).toEqual([]);
  });
});
