/** The words printed on a workbook page, by language (English when a language has none). */
const LABELS: Record<string, Record<string, string>> = {
  zh: { name: '姓名', page: '页', of: '/', minutes: '分钟', true: '对', false: '错', score: '得分', blank: '此页有意留白', flowers: '我的小红花', answer: '答案', why: '为什么' },
  en: { name: 'Name', page: 'page', of: 'of', minutes: 'min', true: 'True', false: 'False', score: 'Score', blank: 'This page is intentionally blank', flowers: 'My red flowers', answer: 'Answer', why: 'why' },
};
const TIER_LABELS: Record<string, Record<string, string>> = {
  zh: { basic: '基础', core: '标准', stretch: '拓展' },
  en: { basic: 'basic', core: 'core', stretch: 'stretch' },
};
const SUBJECTS: Record<string, Record<string, string>> = {
  math: { zh: '数学', en: 'Maths' },
  chinese: { zh: '语文', en: 'Chinese' },
  english: { zh: '英语', en: 'English' },
  science: { zh: '科学', en: 'Science' },
};

export const subjectLabel = (subject: string, lang: string) => SUBJECTS[subject]?.[lang] ?? SUBJECTS[subject]?.en ?? subject;
export const tierLabel = (tier: string, lang: string) => (TIER_LABELS[lang] ?? TIER_LABELS.en!)[tier] ?? tier;
export const label = (lang: string, key: string) => (LABELS[lang] ?? LABELS.en!)[key] ?? LABELS.en![key] ?? key;
/** An item's localised text in `lang`, else English, else Chinese, else any. */
export const localText = (t: Record<string, string> | undefined, lang: string) => (t ? (t[lang] ?? t.en ?? t.zh ?? Object.values(t)[0] ?? '') : '');
