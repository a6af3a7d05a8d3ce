import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from './database';
import { gateObservationsOf, syncGateObservations, type GateObservationRow } from './gateObservations';
import { clearLessonPlan, lessonPlanOf, saveLessonPlan } from './lessonPlans';
import { MIGRATIONS } from './migrations';

function db11() {
  const db = new Database(':memory:');
  migrate(db, ':memory:', MIGRATIONS, 11);
  db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
  return db;
}
const row = (pageId: string, itemId: string, seq: number, outcome: number, ready = true): GateObservationRow => ({ pageId, itemId, seq, ready, readyP: ready ? 0.9 : 0.1, practisedBefore: true, outcome, predicted: 0.6 });

describe('migration 10: lesson plans and the gate check evidence', () => {
  it('adds both tables on top of 9, keeping earlier rows; one plan per class and subject, one observation per answer slot', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 9);
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
    expect(migrate(db, ':memory:', MIGRATIONS, 10)).toEqual({ ok: true, value: 10 });
    expect(db.prepare('SELECT name FROM classes').get()).toEqual({ name: 'Class 7A' });
    const obs = db.prepare(`INSERT INTO gate_observations VALUES ('7A', 'math', 'P1', 'i1', 1, 1, 1, 1, 0.5)`);
    obs.run();
    expect(() => obs.run()).toThrow(/UNIQUE/);
    const plan = db.prepare(`INSERT INTO lesson_plans VALUES ('7A', 'math', '[]', '2026-12-07', 1, 't', 'now')`);
    plan.run();
    expect(() => plan.run()).toThrow(/UNIQUE/);
  });

  it('keeps a class plan per subject, replaced whole and removable', () => {
    const db = db11();
    const plan = { classId: '7A', subject: 'math', skills: ['a', 'b'], startDate: '2026-12-07', daysPerSkill: 2, teacher: 'Ms Li', at: '2026-12-06T10:00:00Z' };
    saveLessonPlan(db, plan);
    saveLessonPlan(db, { ...plan, skills: ['b', 'c'] });
    expect(lessonPlanOf(db, '7A', 'math')).toEqual({ ...plan, skills: ['b', 'c'] });
    expect(lessonPlanOf(db, '7A', 'chinese')).toBeNull();
    expect(clearLessonPlan(db, '7A', 'math')).toBe(true);
    expect(clearLessonPlan(db, '7A', 'math')).toBe(false);
    expect(lessonPlanOf(db, '7A', 'math')).toBeNull();
  });

  it('syncing the same observations again changes nothing; a known slot takes only the new outcome; a gone slot is removed', () => {
    const db = db11();
    const first = [row('P1', 'i1', 1, 1), row('P1', 'i2', 2, 0, false), row('P2', 'i1', 3, 1)];
    expect(syncGateObservations(db, '7A', 'math', first)).toEqual({ added: 3, updated: 0, removed: 0 });
    const stored = gateObservationsOf(db, '7A', 'math');
    expect(stored).toEqual(first);
    expect(syncGateObservations(db, '7A', 'math', first)).toEqual({ added: 0, updated: 0, removed: 0 });
    expect(gateObservationsOf(db, '7A', 'math')).toEqual(stored);
    // A re-scan of P1 (a later seq, another prediction) and an override of its second answer: the slot keeps what was first seen but the outcome.
    const rescanned = [{ ...row('P1', 'i1', 9, 1), predicted: 0.9 }, row('P1', 'i2', 10, 1, true), row('P2', 'i1', 3, 1)];
    expect(syncGateObservations(db, '7A', 'math', rescanned)).toEqual({ added: 0, updated: 1, removed: 0 });
    expect(gateObservationsOf(db, '7A', 'math')).toEqual([first[0], { ...first[1], outcome: 1 }, first[2]]);
    expect(syncGateObservations(db, '7A', 'math', rescanned.slice(0, 2))).toEqual({ added: 0, updated: 0, removed: 1 });
    expect(gateObservationsOf(db, '7A', 'math').map((r) => r.pageId + r.itemId)).toEqual(['P1i1', 'P1i2']);
    expect(gateObservationsOf(db, '7A', 'chinese')).toEqual([]);
  });
});

describe('migration 11: the gate check evidence keeps P(ready)', () => {
  it('keeps the evidence counted before it (no probability: read by its flag) and stores each new answer with its probability', () => {
    const db = new Database(':memory:');
    migrate(db, ':memory:', MIGRATIONS, 10);
    db.prepare(`INSERT INTO classes (id, name, grade) VALUES ('7A', 'Class 7A', 7)`).run();
    db.prepare(`INSERT INTO gate_observations VALUES ('7A', 'math', 'P1', 'i1', 1, 1, 1, 1, 0.5)`).run();
    db.prepare(`INSERT INTO lesson_plans VALUES ('7A', 'math', '[]', '2026-12-07', 1, 't', 'now')`).run();
    expect(migrate(db, ':memory:', MIGRATIONS, 11)).toEqual({ ok: true, value: 11 });
    expect(gateObservationsOf(db, '7A', 'math')).toEqual([{ pageId: 'P1', itemId: 'i1', seq: 1, ready: true, practisedBefore: true, outcome: 1, predicted: 0.5 }]);
    expect(lessonPlanOf(db, '7A', 'math')).not.toBeNull();
    const uncertain = { ...row('P1', 'i2', 2, 1), readyP: 0.45 };
    syncGateObservations(db, '7A', 'math', [{ pageId: 'P1', itemId: 'i1', seq: 1, ready: true, practisedBefore: true, outcome: 1, predicted: 0.5 }, uncertain]);
    expect(gateObservationsOf(db, '7A', 'math')[1]).toEqual(uncertain);
  });
});
