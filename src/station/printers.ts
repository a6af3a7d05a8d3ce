import { execFile } from 'node:child_process';
import { err, ok, type Result } from '../domain/result';

/**
 * The station's edge to CUPS: which print queues there are (`lpstat`) and sending a PDF to one (`lp`).
 * The commands run with LC_ALL=C so their answers can be read; nothing goes through a shell.
 */
export type Printer = { name: string; isDefault: boolean; enabled: boolean };
/** Why there is no printer to offer: CUPS is not installed, its scheduler is not running, or it has no queues. */
export type NoPrinter = { kind: 'not_installed' | 'no_scheduler' | 'no_queues'; detail: string };
export type PrintOptions = { queue: string; copies: number; duplex: boolean; paper: string; title: string };
export type LpError = { kind: 'not_installed' | 'refused'; detail: string };

type Run = { code: number | 'missing'; stdout: string; stderr: string };

function run(command: string, args: readonly string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { env: { ...process.env, LC_ALL: 'C', LANG: 'C' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOENT') return resolve({ code: 'missing', stdout: '', stderr: '' });
      resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr: stderr || (error && !stdout ? error.message : '') });
    });
  });
}

/** A queue name as CUPS allows it (no spaces, "/", "#" or control characters), so it cannot pass for an option. */
export const QUEUE_NAME = /^[^\s/#\-\p{Cc}][^\s/#\p{Cc}]{0,126}$/u;

/** `lpstat -p`: "printer NAME is idle.  enabled since …" or "printer NAME disabled since …". */
export function parsePrinters(lpstatP: string, lpstatD: string): Printer[] {
  const defaultName = /^system default destination: (\S+)/m.exec(lpstatD)?.[1];
  return lpstatP
    .split('\n')
    .map((line) => /^printer (\S+) (.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!, isDefault: m[1] === defaultName, enabled: !/^disabled/.test(m[2]!) }));
}

export async function listPrinters(): Promise<Result<Printer[], NoPrinter>> {
  const scheduler = await run('lpstat', ['-r']);
  if (scheduler.code === 'missing') return err({ kind: 'not_installed', detail: 'lpstat was not found (the CUPS client is not installed)' });
  if (!/scheduler is running/.test(scheduler.stdout)) return err({ kind: 'no_scheduler', detail: (scheduler.stdout + scheduler.stderr).trim() || 'the CUPS scheduler is not running' });
  const [printers, destination] = await Promise.all([run('lpstat', ['-p']), run('lpstat', ['-d'])]);
  const found = parsePrinters(printers.stdout, destination.stdout);
  if (found.length === 0) return err({ kind: 'no_queues', detail: (printers.stderr || printers.stdout).trim() || 'CUPS has no print queues' });
  return ok(found);
}

/** Sends a PDF to a queue; the CUPS request id ("Office-12") when CUPS took it. */
export async function sendToPrinter(pdfPath: string, o: PrintOptions): Promise<Result<{ requestId: string }, LpError>> {
  if (!QUEUE_NAME.test(o.queue)) return err({ kind: 'refused', detail: `"${o.queue}" is not a print queue name` });
  const args = ['-d', o.queue, '-n', String(o.copies), '-o', `sides=${o.duplex ? 'two-sided-long-edge' : 'one-sided'}`, '-o', `media=${o.paper}`, '-t', o.title, '--', pdfPath];
  const r = await run('lp', args);
  if (r.code === 'missing') return err({ kind: 'not_installed', detail: 'lp was not found (the CUPS client is not installed)' });
  const id = /request id is (\S+)/.exec(r.stdout)?.[1];
  if (r.code !== 0 || !id) return err({ kind: 'refused', detail: (r.stderr || r.stdout).trim() || `lp exited with ${r.code}` });
  return ok({ requestId: id });
}

/** Where a CUPS request is: still queued or printing, completed, or unknown to CUPS (cancelled long ago, another scheduler). */
export async function printRequestState(requestId: string): Promise<'pending' | 'completed' | 'unknown'> {
  const queue = requestId.replace(/-\d+$/, '');
  if (!QUEUE_NAME.test(queue)) return 'unknown';
  const listed = async (which: string) => (await run('lpstat', ['-W', which, '-o', queue])).stdout.split('\n').some((line) => line.split(/\s+/)[0] === requestId);
  if (await listed('not-completed')) return 'pending';
  return (await listed('completed')) ? 'completed' : 'unknown';
}
