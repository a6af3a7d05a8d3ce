import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Result } from '../domain/result';
import type { StationContext } from './context';
import type { HandlerError } from './handlers/types';
import type { invoke as invokeNow } from './invoke';

// The CLI loads what a command needs when the command runs (`await import`), never at start: `paperloop --help` loads
// commander and the command definitions only, and each command pays only for the modules it uses.

/** Thrown inside a command to end it with a message on stderr and a non-zero exit. */
export class CliFailure extends Error {
  constructor(message: string, readonly details: string[] = [], readonly exitCode = 1) {
    super(message);
  }
}

export type CliIO = { out: (s: string) => void; err: (s: string) => void };
export const stdio: CliIO = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

export async function dataDirOf(cmd: Command): Promise<string> {
  const opts = cmd.optsWithGlobals() as { data?: string };
  return opts.data ? resolve(opts.data) : (await import('./context')).defaultDataDir();
}

export async function station(cmd: Command, create = false): Promise<StationContext> {
  const { openStation } = await import('./context');
  const opened = openStation(await dataDirOf(cmd), { create });
  if (!opened.ok) throw new CliFailure(opened.error);
  return opened.value;
}

/** `invoke` of the handler map, which loads on a command's first call. */
export const invoke = (async (...args: Parameters<typeof invokeNow>) => (await import('./invoke')).invoke(...args)) as typeof invokeNow;

export function unwrap<T>(r: Result<T, HandlerError>): T {
  if (!r.ok) throw new CliFailure(r.error.message, r.error.details ?? []);
  return r.value;
}

export function emit(io: CliIO, json: boolean, value: unknown, human: () => string): void {
  io.out(json ? JSON.stringify(value, null, 2) : human());
}
