import { useTranslation } from 'react-i18next';

/** Item texts and skill names come from the station in the language the teacher reads the app in. */
export type ContentLanguage = 'en' | 'zh';
export const contentLanguageOf = (uiLanguage: string): ContentLanguage => (uiLanguage.startsWith('zh') ? 'zh' : 'en');

/** Number and date formats in the app's language. */
export function useFormats() {
  const { i18n } = useTranslation();
  const lang = i18n.language;
  const percent = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeZone: 'UTC' });
  const moment = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    contentLanguage: contentLanguageOf(lang),
    percent: (x: number) => percent.format(x),
    /** A calendar day stored as 2026-11-25. */
    day: (iso: string) => day.format(new Date(`${iso}T00:00:00Z`)),
    /** A timestamp stored as an ISO string, in the teacher's time zone. */
    moment: (iso: string) => moment.format(new Date(iso)),
    number: (x: number) => x.toLocaleString(lang),
  };
}
