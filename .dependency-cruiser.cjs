/**
 * The layer table of ../shared/ARCHITECTURE.md, as rules. A folder says where a file may run and
 * what it may import; dependencies point one way only.
 * Departure: src/synth/ (the synthetic-scan generator) is a tool layer above vision and print.
 * Departure: src/sim/ (the cohort simulator, for the benches) is a tool layer above domain; nothing of the product imports it.
 */
const ours = '^(src/[^/]+|native-bridge|electron)/';
const allowed = {
  'src/domain': ['src/domain'],
  'src/layout': ['src/domain', 'src/layout'],
  'src/vision': ['src/domain', 'src/layout', 'src/vision'],
  'src/print': ['src/domain', 'src/layout', 'src/print'],
  'src/store': ['src/domain', 'src/layout', 'src/store'],
  'src/synth': ['src/domain', 'src/layout', 'src/vision', 'src/print', 'src/synth'],
  'src/sim': ['src/domain', 'src/sim'],
  'src/scan': ['src/domain', 'src/layout', 'src/vision', 'src/store', 'src/scan', 'native-bridge'],
  'src/sync': ['src/domain', 'src/store', 'src/sync'],
  'src/district': ['src/domain', 'src/sync', 'src/district'],
  'src/station': ['src/domain', 'src/layout', 'src/vision', 'src/print', 'src/store', 'src/synth', 'src/scan', 'src/sync', 'src/station', 'native-bridge'],
  'src/ui': ['src/domain', 'src/station', 'src/ui'],
  electron: ['src/station', 'electron'],
  'native-bridge': ['native-bridge'],
};
/** Where the table says "types": these imports must be type-only (`import type`), so no code of that layer runs here. */
const typesOnly = {
  'src/vision': ['src/layout'],
  'src/store': ['src/layout'],
  'src/district': ['src/sync'],
  'src/ui': ['src/domain', 'src/station'],
};
const escape = (s) => s.replace(/[/.]/g, '\\$&');
const nodeIo = '^(fs|node:fs|fs/promises|node:fs/promises|child_process|node:child_process|net|node:net|http|node:http|worker_threads|node:worker_threads|process|node:process)$';

module.exports = {
  forbidden: [
    ...Object.entries(allowed).map(([from, to]) => ({
      name: `layer-${from.replace('/', '-')}`,
      comment: `${from} may import only ${to.join(', ')} (ARCHITECTURE.md, layer table)`,
      severity: 'error',
      from: { path: `^${escape(from)}/` },
      to: { path: ours, pathNot: `^(${to.map(escape).join('|')})/` },
    })),
    ...Object.entries(typesOnly).map(([from, to]) => ({
      name: `types-only-${from.replace('/', '-')}`,
      comment: `${from} may import only types from ${to.join(', ')} (ARCHITECTURE.md, layer table)`,
      severity: 'error',
      from: { path: `^${escape(from)}/`, pathNot: '(\\.test\\.tsx?$|/testing/)' },
      to: { path: `^(${to.map(escape).join('|')})/`, dependencyTypesNot: ['type-only'] },
    })),
    {
      name: 'vision-stages-no-node-io',
      comment:
        'vision stages work on typed arrays: no fs or process. Images are decoded at the edge: src/vision/decode.ts is the one node-only module (sharp, and the paths of the wasm and model files). dependency-cruiser does not report sharp imports, so tests/check-layers.mjs checks sharp itself',
      severity: 'error',
      from: { path: '^src/vision/', pathNot: '(\\.test\\.ts$|^src/vision/decode\\.ts$)' },
      to: { path: nodeIo },
    },
    {
      name: 'pure-layers-no-node-io',
      comment: 'domain and layout are pure: no fs, process, child_process, net or worker threads (sharp: see tests/check-layers.mjs)',
      severity: 'error',
      from: { path: '^src/(domain|layout)/', pathNot: '\\.test\\.ts$' },
      to: { path: nodeIo },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    // electron is an optional dependency whose install fails offline; everything else must resolve.
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true, pathNot: '^electron$' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|out)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
  },
};
