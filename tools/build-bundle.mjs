#!/usr/bin/env node
// Bundles the CLI and the vision worker with esbuild into dist/cli/, so `paperloop` starts without
// compiling TypeScript (tsx) on every run. Runs at install (`prepare`); the bundle is not committed.
// bin/paperloop.mjs falls back to tsx when the bundle is missing or older than the sources.
// Packages stay external (native addons, wasm and worker scripts are found in node_modules as before), except the
// small pure-JavaScript ones in BUNDLED: node loads a package file by file, and zod alone is hundreds of files.
import { build } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// dist/cli/ sits two folders below the repository, like src/station/: REPO_ROOT and the
// worker and model paths (relative to import.meta.url) resolve the same in the bundle.
const outdir = join(root, 'dist', 'cli');

export const BUNDLE_ENTRIES = {
  station: 'src/station/cli.ts',
  district: 'src/district/cli.ts',
  readWorker: 'src/scan/readWorker.ts',
  selfTestWorker: 'src/station/selfTestWorker.ts',
};

/**
 * Large CommonJS packages that most commands never use: in the bundle, each import of them gets a stand-in that
 * loads the package on its first use (a call, `new`, or a property read), so `paperloop --help` and `paperloop read`
 * do not pay for the HTTP server, libvips, the XML parser or the font engine at start. Behaviour is the same, only later.
 */
const LOAD_ON_FIRST_USE = ['sharp', 'fastify', 'fast-xml-parser', 'qrcode', 'fontkit', 'tesseract.js'];

/** Pure JavaScript packages (and whatever they import) compiled into the bundle. */
const BUNDLED = ['zod', 'commander', 'croner', 'ts-fsrs', 'cli-progress'];

const packageOf = (specifier) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:')) return { path: args.path, external: true };
      const fromBundledPackage = args.importer.includes('/node_modules/');
      return fromBundledPackage || BUNDLED.includes(packageOf(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

const loadOnFirstUse = {
  name: 'load-on-first-use',
  setup(b) {
    const filter = new RegExp(`^(${LOAD_ON_FIRST_USE.join('|')})$`);
    b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'load-on-first-use' }));
    b.onLoad({ filter: /.*/, namespace: 'load-on-first-use' }, (args) => {
      const names = Object.keys(createRequire(join(root, 'package.json'))(args.path)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== 'default');
      const contents = [
        `import { createRequire } from 'node:module';`,
        `let loaded;`,
        `const mod = () => (loaded ??= createRequire(import.meta.url)(${JSON.stringify(args.path)}));`,
        `const later = (pick) => new Proxy(function () {}, {`,
        `  apply: (_t, self, args) => Reflect.apply(pick(), self, args),`,
        `  construct: (_t, args) => Reflect.construct(pick(), args),`,
        `  get: (_t, key) => Reflect.get(pick(), key),`,
        `  set: (_t, key, value) => Reflect.set(pick(), key, value),`,
        `  has: (_t, key) => Reflect.has(pick(), key),`,
        `});`,
        `export default later(mod);`,
        ...names.map((n) => `export const ${n} = later(() => mod()[${JSON.stringify(n)}]);`),
      ].join('\n');
      return { contents, loader: 'js', resolveDir: root };
    });
  },
};

/**
 * zod's namespace carries every locale of its error messages (`z.locales`, 40-odd files that node compiles at every start,
 * in each worker too); PaperLoop uses the English default only, so the bundle's `z.locales` holds `en` alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: join(dirname(args.importer), '..', 'locales', 'en.js'), namespace: 'zod-english-only' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({ contents: `export { default as en } from ${JSON.stringify(args.path)};`, loader: 'js', resolveDir: root }));
  },
};

export async function buildBundle({ quiet = false } = {}) {
  const t0 = performance.now();
  const entryPoints = Object.fromEntries(Object.entries(BUNDLE_ENTRIES).filter(([, file]) => existsSync(join(root, file))).map(([name, file]) => [name, join(root, file)]));
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [zodEnglishOnly, loadOnFirstUse, externalPackages],
    // The bundled CommonJS packages require node's own modules; ES modules have no `require` of their own.
    banner: { js: `import { createRequire as createRequireOfBundle } from 'node:module'; const require = createRequireOfBundle(import.meta.url);` },
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    logLevel: quiet ? 'error' : 'warning',
  });
  cpSync(join(root, 'src', 'vision', 'models'), join(outdir, 'models'), { recursive: true });
  if (!quiet) console.log(`paperloop: bundled ${Object.keys(entryPoints).join(', ')} into dist/cli in ${Math.round(performance.now() - t0)} ms`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await buildBundle();
  } catch (e) {
    // The tsx fallback still runs every command, so a failed bundle never breaks an install.
    console.warn(`paperloop: could not bundle the CLI (${e.message}); it will run through tsx, slower to start.`);
  }
}
