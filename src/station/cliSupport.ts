import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { Result } from '../domain/result';
import { defaultDataDir, openStation, type StationContext } from './context';
import type { HandlerError } from './handlers/types';

/** Thrown inside a command to end it with a message on stderr and a non-zero exit. */
export class CliFailure extends Error {
  constructor(message: string, readonly details: string[] = [], readonly exitCode = 1) {
    super(message);
  }
}

export type CliIO = { out: (s: string) => void; err: (s: string) => void };
export const stdio: CliIO = { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };

export function dataDirOf(cmd: Command): string {
  const opts = cmd.optsWithGlobals() as { data?: string };
  return opts.data ? resolve(opts.data) : defaultDataDir();
}

export function station(cmd: Command, create = false): StationContext {
  const opened = openStation(dataDirOf(cmd), { create });
  if (!opened.ok) throw new CliFailure(opened.error);
  return opened.value;
}

export function unwrap<T>(r: Result<T, HandlerError>): T {
  if (!r.ok) throw new CliFailure(r.error.message, r.error.details ?? []);
  return r.value;
}

export function emit(io: CliIO, json: boolean, value: unknown, human: () => string): void {
  io.out(json ? JSON.stringify(value, null, 2) : human());
}

