import { useTranslation } from 'react-i18next';
import { usePrintFormat } from './format';

/** The subjects a class has skills in, by name in the app's language. */
export function SubjectSelect({ id, subjects, value, onChange }: { id: string; subjects: readonly string[]; value: string; onChange: (subject: string) => void }) {
  const { t } = useTranslation('print');
  const f = usePrintFormat();
  return (
    <label>
      {t('compose.subject')}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={subjects.length === 0}>
        {subjects.map((s) => (
          <option key={s} value={s}>
            {f.subject(s)}
          </option>
        ))}
      </select>
    </label>
  );
}
