import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Result } from '../result';
import { formatIssue, type ImportIssue } from './issues';
import { parseItemsCsv } from './itemsCsv';
import { parseItemsJson } from './itemsJson';
import { parseOneRoster } from './oneRoster';
import { parseQtiItem } from './qti';
import { parseRosterCsv } from './rosterCsv';
import { parseSkillsCsv } from './skillsCsv';
import { parseSkillsJson } from './skillsJson';

const doc = readFileSync(new URL('../../../docs/formats.md', import.meta.url), 'utf8');
/** Code blocks that follow a `<!-- example: NAME -->` line. */
const examples = [...doc.matchAll(/<!-- example: (\S+) -->\r?\n```[a-z]*\r?\n([\s\S]*?)```/g)].map((m) => ({ name: m[1] ?? '', text: m[2] ?? '' }));

const mustImport = (r: Result<unknown, ImportIssue[]>) => {
  if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
  return r.value;
};

describe('docs/formats.md examples', () => {
  it('has examples for every format', () => {
    expect(examples.map((e) => e.name)).toEqual(
      expect.arrayContaining(['items.json', 'items.csv', 'skills.json', 'skills.csv', 'roster.csv', 'oneroster/users.csv', 'oneroster/classes.csv', 'oneroster/enrollments.csv', 'qti/choice.xml']),
    );
  });

  it('every example imports without issues', () => {
    const oneRoster: Record<string, string> = {};
    for (const { name, text } of examples) {
      if (name.startsWith('oneroster/')) oneRoster[name] = text;
      else if (name.startsWith('qti/')) mustImport(parseQtiItem(text, name, { subject: 'geo', grade: 5, skills: ['capitals'], tier: 'core', minutes: 1, language: 'en' }));
      else if (name.endsWith('items.json')) mustImport(parseItemsJson(text, name));
      else if (name.endsWith('items.csv')) mustImport(parseItemsCsv(text, name));
      else if (name.endsWith('skills.json')) mustImport(parseSkillsJson(text, name));
      else if (name.endsWith('skills.csv')) mustImport(parseSkillsCsv(text, name));
      else if (name.endsWith('roster.csv')) mustImport(parseRosterCsv(text, name));
      else throw new Error(`no importer for example ${name}`);
    }
    const { roster } = mustImport(parseOneRoster(oneRoster)) as { roster: unknown };
    expect(roster).toEqual({
      classes: [{ id: 'ALG-1-P2', name: 'Algebra I (period 2)', grade: 9 }],
      students: [{ id: '604863', displayName: 'Mary Archer', grade: 9, language: 'en', largePrint: false }],
      enrollments: [{ classId: 'ALG-1-P2', studentId: '604863' }],
    });
  });

  it('the QTI example gives what the page says', () => {
    const qti = examples.find((e) => e.name === 'qti/choice.xml')?.text ?? '';
    const r = parseQtiItem(qti, 'choice.xml', { subject: 'geo', grade: 5, skills: ['capitals'], tier: 'core', minutes: 1, language: 'en' });
    expect(r.ok && r.value.item).toMatchObject({ type: 'single_choice', stem: { en: 'What is the capital of France?' }, answer: 'C', options: [{ text: { en: 'London' } }, { text: { en: 'Berlin' } }, { text: { en: 'Paris' } }] });
  });
});
