import type { Skill } from '../../skills';

/**
 * A grade-7 mathematics unit graph (15 skills, 人教版七年级上 style) used by the cohort simulator,
 * tests and benches until the real demo graph (fixtures/demo/skills-math-g7.json) is passed in.
 */
const s = (id: string, zh: string, en: string, prerequisites: string[] = []): Skill => ({
  id,
  subject: 'math',
  grade: 7,
  name: { zh, en },
  prerequisites,
});

export const G7_MATH_SKILLS: readonly Skill[] = [
  s('g7.rat.concept', '有理数的概念', 'rational numbers'),
  s('g7.rat.line', '数轴与相反数', 'number line and opposites', ['g7.rat.concept']),
  s('g7.rat.abs', '绝对值', 'absolute value', ['g7.rat.line']),
  s('g7.rat.compare', '有理数比较大小', 'comparing rational numbers', ['g7.rat.abs']),
  s('g7.rat.addsub', '有理数加减法', 'adding and subtracting rationals', ['g7.rat.abs']),
  s('g7.rat.muldiv', '有理数乘除法', 'multiplying and dividing rationals', ['g7.rat.addsub']),
  s('g7.rat.power', '有理数的乘方', 'powers of rationals', ['g7.rat.muldiv']),
  s('g7.rat.mixed', '有理数混合运算', 'mixed operations', ['g7.rat.power', 'g7.rat.addsub']),
  s('g7.rat.sci', '科学记数法', 'scientific notation', ['g7.rat.power']),
  s('g7.alg.expr', '用字母表示数', 'letters for numbers', ['g7.rat.concept']),
  s('g7.alg.like', '合并同类项', 'combining like terms', ['g7.alg.expr', 'g7.rat.addsub']),
  s('g7.alg.brackets', '去括号', 'removing brackets', ['g7.alg.like', 'g7.rat.muldiv']),
  s('g7.eq.concept', '一元一次方程的概念', 'linear equations', ['g7.alg.expr']),
  s('g7.eq.solve', '解一元一次方程', 'solving linear equations', ['g7.eq.concept', 'g7.alg.brackets']),
  s('g7.eq.apply', '一元一次方程的应用', 'word problems with linear equations', ['g7.eq.solve', 'g7.rat.mixed']),
];

/** Every skill of the graph. */
export const G7_MATH_ALL: readonly string[] = G7_MATH_SKILLS.map((k) => k.id);

/** Chapter 1, rational numbers (9 skills): about four weeks of lessons, the simulator's default unit. */
export const G7_RATIONAL_UNIT: readonly string[] = G7_MATH_ALL.filter((id) => id.startsWith('g7.rat.'));
