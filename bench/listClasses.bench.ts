// `list classes` on a large school: 20,000 students in 500 classes of 40. Before the enrollments_student index and the
// enrollment-driven class query it took 39 s (quadratic); goal < 1 s. Prints one JSON line.
// Run: node --import tsx bench/listClasses.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStation } from '../src/station/context';
import { invoke } from '../src/station/invoke';

const STUDENTS = 20_000;
const PER_CLASS = 40;
const dir = mkdtempSync(join(tmpdir(), 'pl-bench-list-'));
const opened = openStation(dir, { create: true });
if (!opened.ok) throw new Error(opened.error);
const ctx = opened.value;
const students = Array.from({ length: STUDENTS }, (_, i) => ({ id: `S${String(i).padStart(6, '0')}`, displayName: `Student ${i}`, grade: 7, language: 'en', largePrint: false }));
ctx.store.importRoster({
  classes: Array.from({ length: STUDENTS / PER_CLASS }, (_, i) => ({ id: `C${i}`, name: `Class ${i}`, grade: 7 })),
  students,
  enrollments: students.map((s, i) => ({ classId: `C${Math.floor(i / PER_CLASS)}`, studentId: s.id })),
});
const t0 = performance.now();
const listed = await invoke(ctx, 'list', { what: 'classes' });
const ms = performance.now() - t0;
if (!listed.ok) throw new Error(listed.error.message);
console.log(JSON.stringify({ bench: 'list_classes', students: STUDENTS, classes: listed.value.length, ms: Math.round(ms) }));
ctx.db.close();
rmSync(dir, { recursive: true, force: true });
