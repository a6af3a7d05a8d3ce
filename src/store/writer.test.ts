import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';

describe('the station sequence across processes', () => {
  it('gives every caller its own number when two processes take numbers at the same time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pl-seq-'));
    const path = join(dir, 'station.db');
    const created = openDatabase(path);
    if (!created.ok) throw new Error('open');
    created.value.close();
    const go = join(dir, 'go');
    const script = `import { existsSync } from 'node:fs';
      import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, 'database.ts'))};
      import { StationWriter } from ${JSON.stringify(join(import.meta.dirname, 'writer.ts'))};
      const db = openDatabase(${JSON.stringify(path)}); if (!db.ok) throw new Error('open');
      const store = new StationWriter(db.value);
      process.stdout.write('ready\\n');
      while (!existsSync(${JSON.stringify(go)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
      const got = []; for (let i = 0; i < 500; i++) got.push(store.nextSeq());
      const pages = store.allocatePageIds(5);
      process.stdout.write(JSON.stringify({ got, pages }) + '\\n');`;
    let ready = 0;
    let everyoneReady = () => undefined as void;
    const allReady = new Promise<void>((r) => (everyoneReady = r));
    const run = () =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d) => {
          if (out === '' && ++ready === 2) everyoneReady();
          out += d;
        });
        child.stderr.on('data', (d) => (err += d));
        child.on('exit', (code) => resolve({ code, out, err }));
      });
    const runs = [run(), run()];
    await allReady;
    writeFileSync(go, '');
    const results = await Promise.all(runs);
    const numbers: number[] = [];
    const pageIds: string[] = [];
    for (const r of results) {
      expect(r.code, r.err).toBe(0);
      const { got, pages } = JSON.parse(r.out.split('\n')[1]!) as { got: number[]; pages: string[] };
      numbers.push(...got);
      pageIds.push(...pages);
    }
    expect(new Set(numbers).size).toBe(1000);
    expect(Math.max(...numbers)).toBe(1000);
    expect(new Set(pageIds).size).toBe(10);
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
