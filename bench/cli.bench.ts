// Start-up of the `paperloop` command, from process start to output (median of runs), as a teacher types it:
//  - cli_help_ms: `paperloop --help`;
//  - cli_first_result_ms: `paperloop read` of one 300 dpi page (bench:read's throughput stack) to its JSON.
// Both through the bundle (dist/cli, built here first when missing or stale) and, for comparison, through tsx.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../src/station/context';
import { removeStation } from '../tests/support/cleanup';
import { throughputStation } from './lib/throughputStack';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const out = (figure: string, value: number, unit: string, goal?: string, extra: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ bench: 'cli', figure, value: Math.round(value), unit, ...(goal ? { goal } : {}), ...extra }));

const { ctx, files } = await throughputStation();
const page = files[0]!;

const built = spawnSync(process.execPath, [join(REPO_ROOT, 'tools', 'build-bundle.mjs')], { encoding: 'utf8' });
if (built.status !== 0) throw new Error(`the bundle did not build: ${built.stderr}`);

function timed(args: string[], env: Record<string, string>, check: (stdout: string) => void): { median: number; runs: number[] } {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'paperloop.mjs'), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    runs.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`paperloop ${args.join(' ')} failed: ${r.stderr}`);
    check(r.stdout);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, runs: runs.map(Math.round) };
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
  out(mode === 'bundle' ? 'cli_help_ms' : 'cli_help_tsx_ms', help.median, 'ms', mode === 'bundle' ? '<=150' : undefined, { runs: help.runs });
  const read = timed(readArgs, env, readOk);
  out(mode === 'bundle' ? 'cli_first_result_ms' : 'cli_first_result_tsx_ms', read.median, 'ms', mode === 'bundle' ? '<=600' : undefined, { runs: read.runs });
}
removeStation(ctx);
