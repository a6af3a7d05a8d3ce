// Start-up of the `paperloop` command, from process start to output (median of runs), as a teacher types it:
//  - cli_help_ms: `paperloop --help`;
//  - cli_first_result_ms: `paperloop read` of one 300 dpi page (bench:read's throughput stack) to its JSON.
// Both through the bundle (dist/cli, built here first; PAPERLOOP_TSX=0 runs it even when a source changes meanwhile)
// and, for comparison, through tsx. Beside each median: the CPU time the runs took (user + system, all threads; on a
// busy machine it moves much less than the wall time).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/station/context';
import { removeStation } from '../tests/support/cleanup';
import { throughputStation } from './lib/throughputStack';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
// BENCH_CLI_RT=1: each command runs under `chrt -f 10` (real-time priority; root only), ahead of the other jobs of a
// busy machine: close to its quiet figure while other work loads the cores. Its lines say "priority": "rt".
const RT = process.env.BENCH_CLI_RT === '1';
const out = (figure: string, value: number, unit: string, goal?: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'cli', figure, value: Math.round(value), unit, ...(goal ? { goal } : {}), ...(RT ? { priority: 'rt' } : {}), ...extra }));

const { ctx, files } = await throughputStation();
const page = files[0]!;

const built = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'build-bundle.mjs')], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(`the bundle did not build: ${built.stderr}`);

/** CPU time of this process's finished children, in ms (Linux: cutime + cstime of /proc/self/stat, in 10 ms ticks). */
function childrenCpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timed(args: string[], env: Record<string, string>, check: (stdout: string) => void): { median: number; runs: number[]; cpu_median_ms: number } {
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu0 = childrenCpuMs();
    const t0 = performance.now();
    const command = [process.execPath, join(REPO_ROOT, 'bin', 'paperloop.mjs'), ...args];
    const r = spawnSync(RT ? 'chrt' : command[0]!, RT ? ['-f', '10', ...command] : command.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
    runs.push(performance.now() - t0);
    cpu.push(childrenCpuMs() - cpu0);
    if (r.status !== 0) throw new Error(`paperloop ${args.join(' ')} failed: ${r.stderr}`);
    check(r.stdout);
  }
  return { median: median(runs), runs: runs.map(Math.round), cpu_median_ms: median(cpu) };
}

const helpOk = (s: string) => {
  if (!s.includes('Usage')) throw new Error('no usage text');
};
const readOk = (s: string) => {
  const r = JSON.parse(s) as { pages: { ok: boolean }[] };
  if (!r.pages[0]?.ok) throw new Error(`the page was not read: ${s.slice(0, 300)}`);
};
const readArgs = ['--data', ctx.dir, 'read', page];
for (const [mode, env] of [['bundle', { PAPERLOOP_TSX: '0' }], ['tsx', { PAPERLOOP_TSX: '1' }]] as const) {
  const help = timed(['--help'], env, helpOk);
  out(mode === 'bundle' ? 'cli_help_ms' : 'cli_help_tsx_ms', help.median, 'ms', mode === 'bundle' ? '<=150' : undefined, { runs: help.runs, cpu_median_ms: help.cpu_median_ms });
  const read = timed(readArgs, env, readOk);
  out(mode === 'bundle' ? 'cli_first_result_ms' : 'cli_first_result_tsx_ms', read.median, 'ms', mode === 'bundle' ? '<=600' : undefined, { runs: read.runs, cpu_median_ms: read.cpu_median_ms });
}
removeStation(ctx);
