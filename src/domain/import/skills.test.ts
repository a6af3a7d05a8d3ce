import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIssue } from './issues';
import { parseSkillsCsv } from './skillsCsv';
import { formatCycle, parseSkillsJson } from './skillsJson';
import { applyMutations, expectCleanResult, mutationsArb, RUNS } from './testSupport';

const F = 'skills.json';
const skill = (id: string, prerequisites: string[] = [], extra: object = {}) => ({ id, subject: 'math', grade: 4, name: { zh: id, en: id }, prerequisites, ...extra });
const file = (skills: unknown[]) => JSON.stringify({ format: 'paperloop.skills/1', skills }, null, 2);
const issuesOf = (r: ReturnType<typeof parseSkillsJson>) => {
  if (r.ok) throw new Error('expected issues');
  return r.error;
};

/** A random DAG: skill i may need only skills with a smaller index. */
const dagArb = fc.integer({ min: 2, max: 12 }).chain((n) =>
  fc.tuple(...Array.from({ length: n }, (_, i) => fc.subarray(Array.from({ length: i }, (_, j) => `s${j}`), { maxLength: Math.min(3, i) }))).map((prereqs) =>
    prereqs.map((p, i) => skill(`s${i}`, p)),
  ),
);

describe('parseSkillsJson', () => {
  it('reads a valid graph', () => {
    const r = parseSkillsJson(file([skill('a'), skill('b', ['a'])]), F);
    expect(r.ok && r.value.map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('names a cycle as a → b → c → a, at the line of its first skill', () => {
    const text = file([skill('a', ['b']), skill('b', ['c']), skill('c', ['a']), skill('d', ['a'])]);
    const issues = issuesOf(parseSkillsJson(text, F));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain('a → b → c → a');
    expect(issues[0]?.line).toBe(text.split('\n').findIndex((l) => l === '    {') + 1);
    expect(formatIssue(issues[0] as never)).toMatch(/^skills\.json:4: field "skills\[0\]\.prerequisites": the prerequisites form a cycle: a → b → c → a/);
  });

  it('reports unknown prerequisites, repeated ids, bad fields with their lines', () => {
    const text = file([skill('a', ['zz']), skill('a'), skill('b', [], { grade: 13 }), skill('c', [], { nmae: 'x' })]);
    const issues = issuesOf(parseSkillsJson(text, F));
    expect(issues.map((i) => i.field)).toEqual(['skills[0].prerequisites[0]', 'skills[1].id', 'skills[2].grade', 'skills[3].nmae']);
    expect(issues.every((i) => (i.line ?? 0) > 1)).toBe(true);
  });

  it('accepts prerequisites from the existing graph', () => {
    expect(parseSkillsJson(file([skill('b', ['a'])]), F, new Set(['a'])).ok).toBe(true);
  });

  it('finds every cycle it is given (property): a random DAG with a cycle of 2 to 6 skills laid through it', () => {
    const withCycleArb = dagArb.chain((skills) =>
      fc.tuple(fc.constant(skills), fc.uniqueArray(fc.integer({ min: 0, max: skills.length - 1 }), { minLength: 2, maxLength: Math.min(6, skills.length) })),
    );
    let longest = 0;
    fc.assert(
      fc.property(withCycleArb, ([skills, members]) => {
        expect(parseSkillsJson(file(skills), F).ok).toBe(true);
        // Chain the chosen skills in index order (each needs the one before: still a DAG), then close the loop.
        const ring = [...members].sort((a, b) => a - b).map((i) => `s${i}`);
        const withCycle = skills.map((s) => ({ ...s, prerequisites: [...s.prerequisites] }));
        const byId = new Map(withCycle.map((s) => [s.id, s.prerequisites]));
        ring.forEach((id, k) => {
          const needs = ring[(k + ring.length - 1) % ring.length]!;
          const list = byId.get(id)!;
          if (!list.includes(needs)) list.push(needs);
        });
        longest = Math.max(longest, ring.length);
        const issues = issuesOf(parseSkillsJson(file(withCycle), F));
        const cycleIssue = issues.find((i) => /cycle/.test(i.message));
        if (!cycleIssue) throw new Error(`no cycle reported for the ring ${ring.join(' → ')}`);
        const named = /cycle: (.+?) \(/.exec(cycleIssue.message)?.[1]?.split(' → ');
        if (!named) throw new Error(`the cycle is not named: ${cycleIssue.message}`);
        // a → b means "a needs b": every step is a real prerequisite, and the walk comes back to its start.
        expect(named.length).toBeGreaterThanOrEqual(3);
        expect(named[0]).toBe(named[named.length - 1]);
        expect(new Set(named.slice(0, -1)).size).toBe(named.length - 1);
        for (let i = 0; i + 1 < named.length; i++) expect(byId.get(named[i]!), `${named[i]} → ${named[i + 1]}`).toContain(named[i + 1]);
        expect(formatCycle(named)).toBe(named.join(' → '));
      }),
      RUNS,
    );
    expect(longest).toBeGreaterThan(2);
  });

  it('never throws on random or damaged skill files', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), dagArb.chain((s) => mutationsArb.map((ms) => applyMutations(file(s), ms)))), (text) => {
        expectCleanResult(parseSkillsJson(text, F), { files: [F], lines: true });
      }),
      RUNS,
    );
  });
});

describe('parseSkillsCsv', () => {
  const C = 'skills.csv';
  it('reads skills with names per language and |-separated prerequisites', () => {
    const r = parseSkillsCsv('id,subject,grade,name_zh,name_en,prerequisites\na,math,4,加法,Addition,\nb,math,4,乘法,Multiplication,a\nc,math,4,,Division,a|b\n', C);
    expect(r.ok && r.value).toEqual([
      { id: 'a', subject: 'math', grade: 4, name: { zh: '加法', en: 'Addition' }, prerequisites: [] },
      { id: 'b', subject: 'math', grade: 4, name: { zh: '乘法', en: 'Multiplication' }, prerequisites: ['a'] },
      { id: 'c', subject: 'math', grade: 4, name: { en: 'Division' }, prerequisites: ['a', 'b'] },
    ]);
  });

  it('names a cycle at the line of its first skill, and every bad row', () => {
    const r = parseSkillsCsv('id,subject,grade,name_en,prerequisites\nx,m,4,X,y\ny,m,4,Y,x\nz,m,four,Z,\nw,m,4,,\n', C);
    if (r.ok) throw new Error('expected issues');
    expect(r.error.map((i) => [i.line, i.field])).toEqual([
      [2, 'prerequisites'],
      [4, 'grade'],
      [5, 'name_en'],
    ]);
    expect(r.error[0]?.message).toContain('x → y → x');
  });

  it('never throws on random or damaged skill CSVs', () => {
    const base = 'id,subject,grade,name_zh,name_en,prerequisites\na,math,4,加法,Addition,\nb,math,4,乘法,"Multiplication, basic",a\n';
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutationsArb.map((ms) => applyMutations(base, ms))), (text) => {
        expectCleanResult(parseSkillsCsv(text, C), { files: [C], lines: true });
      }),
      RUNS,
    );
  });
});
