import { useTranslation } from 'react-i18next';

/** Minutes, dates and subject names in the teacher's language. */
export function usePrintFormat() {
  const { t, i18n } = useTranslation('print');
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 });
  const day = new Intl.DateTimeFormat(i18n.language, { weekday: 'short', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  return {
    minutes: (value: number) => t('minutes', { value: number.format(value) }),
    number: (value: number) => number.format(value),
    date: (iso: string) => day.format(new Date(`${iso}T00:00:00Z`)),
    subject: (id: string) => t(`subject.${id}`, { defaultValue: id }),
  };
}

/** Tomorrow in the teacher's own time zone, as YYYY-MM-DD: homework is composed the day before. */
export function tomorrow(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
