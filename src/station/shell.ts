import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { CliIO } from './cliSupport';
import { REPO_ROOT } from './context';

/** Starts the Electron shell when its binary is installed (it is optional: its download fails on offline machines). */
export function openElectronIfPresent(io: CliIO): boolean {
  let binary: string;
  try {
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    return false;
  }
  if (typeof binary !== 'string') return false;
  io.out('\nOpening the PaperLoop window (Electron)…');
  spawn(binary, [join(REPO_ROOT, 'electron', 'main.cjs')], { stdio: 'inherit', detached: true }).unref();
  return true;
}
