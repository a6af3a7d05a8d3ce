#!/usr/bin/env node
// Builds the teacher's app (src/ui, React + Vite) into dist/ui/. Runs at install (`prepare`), and again
// from `paperloop start|serve` and the test setup whenever a file under src/ui is newer than the build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const UI_SOURCE = join(root, 'src', 'ui');
export const UI_BUILD = join(root, 'dist', 'ui');

function newestMs(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    const ms = e.isDirectory() ? newestMs(path) : statSync(path).mtimeMs;
    if (ms > newest) newest = ms;
  }
  return newest;
}

/** True when dist/ui/index.html exists and is newer than every file under src/ui (and the handler types it uses). */
export function uiIsFresh() {
  const index = join(UI_BUILD, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= newestMs(UI_SOURCE);
}

export async function buildUi() {
  const started = performance.now();
  const { build } = await import('vite');
  await build({ configFile: join(UI_SOURCE, 'vite.config.ts'), logLevel: 'warn' });
  return Math.round(performance.now() - started);
}

export async function buildUiIfStale(log = (line) => process.stderr.write(`${line}\n`)) {
  if (uiIsFresh()) return false;
  log('paperloop: building the app (src/ui → dist/ui)…');
  const ms = await buildUi();
  log(`paperloop: app built in ${ms} ms`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await buildUi();
  process.stdout.write(`paperloop: built the app into dist/ui in ${ms} ms\n`);
}
