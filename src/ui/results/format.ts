import { useTranslation } from 'react-i18next';

/** Item stems and skill names arrive in every language the bank has ({ zh, en }); the app shows the one it speaks. */
export type LocalText = Record<string, string>;

/** Numbers, percentages, days and bank texts in the app's current language. */
export function useLocalFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const content = lang.startsWith('zh') ? 'zh' : 'en';
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const dayFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'full', timeZone: 'UTC' });
  return {
    lang,
    pct: (x: number) => percent.format(x),
    num: (x: number) => decimal.format(x),
    /** A calendar day stored as 2026-11-25. */
    day: (iso: string) => dayFormat.format(new Date(`${iso}T00:00:00Z`)),
    text: (t: LocalText | null | undefined, fallback: string) => (t ? (t[content] ?? t.en ?? t.zh ?? Object.values(t)[0] ?? fallback) : fallback),
  };
}
