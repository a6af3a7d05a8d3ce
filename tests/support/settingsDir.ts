import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Data folders holding only a settings.json, removed after the test file. */
export function settingsDirs(prefix: string): (settings: unknown) => string {
  const folders: string[] = [];
  afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));
  return (settings) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    folders.push(dir);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
    return dir;
  };
}
