import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { G7_MATH_ALL, G7_MATH_SKILLS, G7_RATIONAL_UNIT, ktResponses, parseKtTsv, type KtRow } from '../../src/domain/learning';
import { Skill, SkillGraphFile, validateSkillGraph } from '../../src/domain/skills';
import type { GradedResponse } from '../../src/domain/response';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const KT_DIR = join(REPO, 'fixtures', 'external', 'kt');
export const DEMO_GRAPH = join(REPO, 'fixtures', 'demo', 'skills-math-g7.json');

/** The Spanish KT sample copied into fixtures/external/kt (see its PROVENANCE.md). */
export function loadSpanishKt(): { rows: KtRow[]; responses: GradedResponse[] } {
  const parsed = parseKtTsv(readFileSync(join(KT_DIR, 'lpp_spanish_preprocessed_data_test.csv'), 'utf8'));
  if (!parsed.ok) throw new Error(`bad KT file at line ${parsed.error.line}: ${parsed.error.message}`);
  return { rows: parsed.value, responses: ktResponses(parsed.value) };
}

/**
 * The grade-7 skill graph: fixtures/demo/skills-math-g7.json when present (paperloop.skills/1),
 * otherwise the built-in 15-skill graph. `unit` is every grade-7 skill; `chapter` a first chapter
 * of about nine skills (about four weeks of lessons).
 */
export function loadG7Graph(): { source: string; skills: Skill[]; unit: string[]; chapter: string[] } {
  if (existsSync(DEMO_GRAPH)) {
    const file = SkillGraphFile.safeParse(JSON.parse(readFileSync(DEMO_GRAPH, 'utf8')));
    if (file.success) {
      const skills = file.data.skills.map((s) => Skill.parse(s));
      const valid = validateSkillGraph(skills);
      if (valid.ok) {
        const unit = skills.filter((s) => s.grade === 7).map((s) => s.id);
        // The first chapter: integers and fractions (the skills no equation skill is needed for).
        const chapter = unit.filter((id) => !id.startsWith('g7.eq.'));
        return { source: 'fixtures/demo/skills-math-g7.json', skills, unit, chapter: chapter.length ? chapter : unit };
      }
      console.error(`demo graph rejected: ${JSON.stringify(valid.error)}; using the built-in graph`);
    } else console.error('demo graph is not paperloop.skills/1; using the built-in graph');
  }
  return { source: 'built-in G7_MATH_SKILLS', skills: [...G7_MATH_SKILLS], unit: [...G7_MATH_ALL], chapter: [...G7_RATIONAL_UNIT] };
}
