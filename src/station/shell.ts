import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CliFailure, unwrap, type CliIO } from './cliSupport';
import { REPO_ROOT, type StationContext } from './context';
import { checkTokens } from './httpAccess';
import { invoke } from './invoke';

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

/**
 * Browser mode (`serve`, and `start` without Electron): checks the tokens, finishes an interrupted
 * scan, then serves the UI with the station's live events until stopped. It prints a one-time
 * launch link that signs the first browser in, and a fresh one each time a link is used.
 */
export async function serveBrowserMode(ctx: StationContext, io: CliIO, o: { host?: string; port: number; printUrl?: boolean }): Promise<never> {
  const tokens = { ...(process.env.PAPERLOOP_TOKEN ? { token: process.env.PAPERLOOP_TOKEN } : {}), ...(process.env.PAPERLOOP_ADMIN_TOKEN ? { adminToken: process.env.PAPERLOOP_ADMIN_TOKEN } : {}) };
  const checked = checkTokens(tokens);
  if (!checked.ok) throw new CliFailure(checked.error);
  const resumed = unwrap(await invoke(ctx, 'resumeScans', {}));
  if (resumed.resumed) io.out(`finished ${resumed.resumed} pages of a scan that was interrupted`);
  const { startHttp } = await import('./http');
  const server = await startHttp(ctx, { ...(o.host ? { host: o.host } : {}), port: o.port, ...tokens, events: ctx.events, onLaunchUrl: (next) => io.out(`(launch link used; for another browser open ${next})`) }).catch((e: Error) => {
    throw new CliFailure(e.message);
  });
  if (o.printUrl) io.out(`PAPERLOOP_URL=${server.url}\nPAPERLOOP_LAUNCH_URL=${server.launchUrl}`);
  else {
    io.out(`PaperLoop station (browser mode): open ${server.launchUrl}`);
    io.out(`  The link signs one browser in.${tokens.token || tokens.adminToken ? ` On other machines, sign in at ${server.url.replace('127.0.0.1', o.host ?? '127.0.0.1')} with the station token.` : ''} Press Ctrl+C to stop.`);
  }
  return new Promise<never>(() => undefined);
}
