// Runs dependency-cruiser over our code with the layer rules, and fails when it checked 0 modules
// (a run over nothing is a silent pass).
// Run from the folder to check (the repository, or a test's temporary tree); the tools come from this repository.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(import.meta.dirname, '..');
const roots = ['src', 'native-bridge', 'electron', 'bench', 'tests'].filter((root) => existsSync(root));
let output;
try {
  output = execFileSync(join(repo, 'node_modules/.bin/depcruise'), ['--config', join(repo, '.dependency-cruiser.cjs'), '--output-type', 'json', ...roots], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
} catch (e) {
  output = e.stdout;
  if (!output) {
    console.error(e.stderr || e.message);
    process.exit(1);
  }
}
const result = JSON.parse(output);
const ourModules = result.modules.filter((m) => /^(src|native-bridge|electron)\//.test(m.source));
/**
 * dependency-cruiser leaves `sharp` out of its graph, so its rule cannot see it: the pure layers and the
 * vision stages must not import sharp (vision/decode.ts, the edge where images are decoded, may).
 */
const sharpAllowed = (file) => /\.test\.tsx?$/.test(file) || file === 'src/vision/decode.ts';
const filesUnder = (dir) =>
  existsSync(dir) ? readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : /\.tsx?$/.test(name) ? [join(dir, name)] : [])) : [];
const sharpImports = ['src/domain', 'src/layout', 'src/vision']
  .flatMap(filesUnder)
  .filter((file) => !sharpAllowed(file) && /(from\s+|import\(\s*|require\(\s*)['"]sharp['"]/.test(readFileSync(file, 'utf8')))
  .map((file) => ({ rule: { name: 'no-sharp-in-pure-layers-and-vision-stages', severity: 'error' }, from: file, to: 'sharp' }));
const violations = [...result.summary.violations.filter((v) => v.rule.severity === 'error'), ...sharpImports];
for (const v of violations) console.error(`layer rule ${v.rule.name}: ${v.from} → ${v.to}`);
if (ourModules.length === 0) {
  console.error('dependency-cruiser checked 0 of our modules: the layer check would pass silently. Fix the config or tsconfig.');
  process.exit(1);
}
if (violations.length > 0) {
  console.error(`${violations.length} forbidden import(s). See the layer table in ARCHITECTURE.md.`);
  process.exit(1);
}
console.log(`layers ok: ${ourModules.length} modules checked, 0 forbidden imports`);
