import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/station/context';

/** What `bin/paperloop.mjs` reads at run time. */
const RUNTIME_PARTS = ['bin', 'src', 'native-bridge', 'templates', 'package.json', 'tsconfig.json'];

/**
 * A copy of the checkout that every user may read, for running the CLI as another user (nobody)
 * wherever the checkout lies (a clone in a private 0700 folder included). The sources are copied and
 * opened to all; node_modules is hard-linked when it is on the same file system and world-readable
 * (as npm installs it), else copied and opened too.
 */
export function readableCheckout(): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'pl-checkout-'));
  chmodSync(root, 0o755);
  for (const part of RUNTIME_PARTS) cpSync(join(REPO_ROOT, part), join(root, part), { recursive: true });
  run('chmod', ['-R', 'a+rX', root]);
  const modules = join(root, 'node_modules');
  const linked = spawnSync('cp', ['-al', join(REPO_ROOT, 'node_modules'), modules]).status === 0;
  const closed = linked && spawnSync('find', [modules, '!', '-perm', '-o+r', '-print', '-quit'], { encoding: 'utf8' }).stdout.trim() !== '';
  if (!linked || closed) {
    rmSync(modules, { recursive: true, force: true });
    run('cp', ['-a', join(REPO_ROOT, 'node_modules'), modules]);
    run('chmod', ['-R', 'a+rX', modules]);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

function run(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
}
