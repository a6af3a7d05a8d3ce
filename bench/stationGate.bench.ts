/**
 * What the station's `next` adds for the class lesson: the prerequisite gate check (replay of the
 * class's answers one sheet date at a time, the evidence synced to SQLite, the verdict), beside the
 * learning-state rebuild `next` already did. Answers come from the test world of tests/lessonPlan.test.ts
 * (GATE_STUDENTS students × GATE_DAYS school days × 9 answers, stored through the station's write path).
 *   node --import tsx bench/stationGate.bench.ts
 */
import { rmSync } from 'node:fs';
import { checkGate } from '../src/station/learning/gate';
import { learningState } from '../src/station/learning/state';
import { answerDays, gateRoster } from '../tests/support/gateWorld';
import { tempStation } from '../tests/support/station';
import { emit, medianMs } from './lib/emit';

const students = Number(process.env.GATE_STUDENTS ?? 50);
const days = Number(process.env.GATE_DAYS ?? 40);
const ctx = tempStation(gateRoster('7X', students));
answerDays(ctx, '7X', { gateHolds: false, seed: 'bench', days, startDate: '2026-09-01' });
const skills = ctx.store.skills({ subject: 'math' });
const unit = skills.filter((s) => s.grade === 7).map((s) => s.id);
const answers = ctx.store.scans.responses({ classId: '7X' }).length;
const note = `${students} students, ${days} school days, ${answers} answers`;
const verdict = checkGate(ctx, '7X', 'math', unit, skills);
emit({ bench: 'station_gate', figure: 'station_gate_check_ms', value: medianMs(() => checkGate(ctx, '7X', 'math', unit, skills), 5, 1), unit: 'ms', note });
emit({ bench: 'station_gate', figure: 'station_learning_state_ms', value: medianMs(() => learningState(ctx, { classId: '7X' }), 5, 1), unit: 'ms', note: `${note}; the rebuild next did before` });
emit({ bench: 'station_gate', figure: 'station_gate_answers_counted', value: verdict.readyAnswers + verdict.notReadyAnswers, unit: 'answers', note: `verdict ${verdict.kind}, gap ${verdict.gap.toFixed(3)}` });
ctx.db.close();
rmSync(ctx.dir, { recursive: true, force: true });
