// Runs dependency-cruiser over our code with the layer rules, and fails when it checked 0 modules
// (a run over nothing is a silent pass).
import { execFileSync } from 'node:child_process';

const roots = ['src', 'native-bridge', 'electron', 'bench', 'tests'];
let output;
try {
  output = execFileSync('npx', ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...roots], {
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
const violations = result.summary.violations.filter((v) => v.rule.severity === 'error');
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
