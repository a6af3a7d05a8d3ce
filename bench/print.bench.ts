// Print a class of 50 students × ~4 pages, mixed zh/en, to one PDF. Goal: < 1 s (median of 5 runs).
// Prints one JSON line per figure.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Roster } from '../src/domain/roster';
import { invoke } from '../src/station/invoke';
import { tempStation } from '../tests/support/station';

const STUDENTS = 50;
const RUNS = 5;
const roster: Roster = {
  classes: [{ id: 'B50', name: 'Bench 50', grade: 7 }],
  students: Array.from({ length: STUDENTS }, (_, i) => ({
    id: `B${String(i + 1).padStart(2, '0')}`,
    displayName: i % 2 ? `学生${i + 1}号` : `Student ${i + 1}`,
    grade: 7,
    language: i % 2 ? 'zh' : 'en',
    largePrint: i % 10 === 0,
  })),
  enrollments: Array.from({ length: STUDENTS }, (_, i) => ({ classId: 'B50', studentId: `B${String(i + 1).padStart(2, '0')}` })),
};

const ctx = tempStation(roster);
const composed = await invoke(ctx, 'compose', { classId: 'B50', subject: 'math', date: '2026-11-25', minutes: 30, tier: 'core', seed: 'bench' });
if (!composed.ok) throw new Error(composed.error.message);
// Approval self-tests every new page layout (src/station/layoutSelfTest.ts); again, the same layouts are not re-tested.
const approveCpu0 = process.cpuUsage();
const approved = await invoke(ctx, 'approve', { setId: composed.value.setId });
const approveCpu = process.cpuUsage(approveCpu0);
if (!approved.ok) throw new Error(approved.error.message);
const again = await invoke(ctx, 'compose', { classId: 'B50', subject: 'math', date: '2026-11-25', minutes: 30, tier: 'core', seed: 'bench' });
if (!again.ok) throw new Error(again.error.message);
const approvedAgain = await invoke(ctx, 'approve', { setId: again.value.setId });
if (!approvedAgain.ok) throw new Error(approvedAgain.error.message);
ctx.font(); // the font is parsed once per station process, as in production

const times: number[] = [];
// CPU time of this process per print: steadier than wall time when the machine is busy.
const cpuTimes: number[] = [];
let pages = 0;
let bytes = 0;
const out = mkdtempSync(join(tmpdir(), 'pl-bench-print-'));
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await invoke(ctx, 'print', { setId: composed.value.setId, out: join(out, `run${run}.pdf`) });
  times.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpuTimes.push((c.user + c.system) / 1000);
  if (!r.ok) throw new Error(r.error.message);
  pages = r.value.pages;
  bytes = readFileSync(join(out, `run${run}.pdf`)).length;
}
times.sort((a, b) => a - b);
cpuTimes.sort((a, b) => a - b);
const median = times[Math.floor(RUNS / 2)]!;
const line = (figure: string, value: number, unit: string, goal?: string) => console.log(JSON.stringify({ bench: 'print', figure, value: Math.round(value * 10) / 10, unit, ...(goal ? { goal } : {}) }));
line('class_pdf_median_ms', median, 'ms', '<1000');
line('class_pdf_cpu_median_ms', cpuTimes[Math.floor(RUNS / 2)]!, 'ms');
line('class_pages', pages, 'pages');
line('students', STUDENTS, 'students');
line('pdf_bytes_per_page', bytes / pages, 'bytes');
line('pdf_total_bytes', bytes, 'bytes');
const selfTest = approved.value.selfTest;
line('approve_self_test_ms', selfTest.ms, 'ms');
line('approve_self_test_cpu_ms', (approveCpu.user + approveCpu.system) / 1000, 'ms');
line('approve_self_test_layouts', selfTest.layouts, 'layouts');
line('approve_self_test_reads', selfTest.reads, 'reads');
line('approve_self_test_cached_ms', approvedAgain.value.selfTest.ms, 'ms');
