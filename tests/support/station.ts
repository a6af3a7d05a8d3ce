import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseItemsJson } from '../../src/domain/import/itemsJson';
import { parseRosterCsv } from '../../src/domain/import/rosterCsv';
import type { Roster } from '../../src/domain/roster';
import { Skill, SkillGraphFile } from '../../src/domain/skills';
import { openStation, REPO_ROOT, type StationContext } from '../../src/station/context';

export const DEMO = join(REPO_ROOT, 'fixtures', 'demo');

export function demoSkills(file = 'skills-math-g7.json'): Skill[] {
  const raw = SkillGraphFile.parse(JSON.parse(readFileSync(join(DEMO, file), 'utf8')));
  return raw.skills.map((s) => Skill.parse(s));
}

export function demoItems(file = 'items-math-g7.json') {
  const r = parseItemsJson(readFileSync(join(DEMO, file), 'utf8'), file);
  if (!r.ok) throw new Error(`demo items do not import: ${JSON.stringify(r.error.slice(0, 3))}`);
  return r.value;
}

/** A small grade-7 class: Chinese and English print languages, one large-print student. */
/** The demo school's roster (fixtures/demo/roster-classes.csv). */
export function demoRoster(): Roster {
  const roster = parseRosterCsv(readFileSync(join(DEMO, 'roster-classes.csv'), 'utf8'), 'roster-classes.csv');
  if (!roster.ok) throw new Error('demo roster');
  return roster.value;
}

export const SMALL_ROSTER: Roster = {
  classes: [{ id: '7A', name: '初一(1)班', grade: 7 }],
  students: [
    { id: 'S01', displayName: '王小明', grade: 7, language: 'zh', largePrint: false },
    { id: 'S02', displayName: '李华', grade: 7, language: 'zh', largePrint: true },
    { id: 'S03', displayName: 'Emma Clarke', grade: 7, language: 'en', largePrint: false },
    { id: 'S04', displayName: '陈思远', grade: 7, language: 'zh', largePrint: false },
  ],
  enrollments: ['S01', 'S02', 'S03', 'S04'].map((studentId) => ({ classId: '7A', studentId })),
};

export function tempStation(roster: Roster = SMALL_ROSTER, dir: string = mkdtempSync(join(tmpdir(), 'pl-station-'))): StationContext & { dir: string } {
  const opened = openStation(dir, { create: true, clock: () => new Date('2026-11-24T16:00:00Z') });
  if (!opened.ok) throw new Error(opened.error);
  const ctx = opened.value;
  ctx.store.importSkills(demoSkills());
  ctx.store.importItems(demoItems());
  ctx.store.importRoster(roster);
  return Object.assign(ctx, { dir });
}
