import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type OutputOf } from '../api';
import { ErrorView } from '../components/Loadable';
import { usePrintFormat } from './format';
import { SubjectSelect } from './SubjectSelect';
import { useAction } from './useAction';

type Setup = OutputOf<'printSetup'>;
type Chosen = OutputOf<'next'>;
const REASONS = ['pinned', 'review', 'review_sibling', 'remediate', 'next_step', 'practice', 'class', 'maintain'] as const;

/**
 * Tomorrow's personal workbooks: the station picks each student's items from mastery, prerequisites and spaced review of
 * past mistakes, within the day's cap (the `next` handler), and approves the set; it then prints like any other set.
 */
export function NextDayForm({ setup, classId, date, onChosen }: { setup: Setup; classId: string; date: string; onChosen: (setId: string) => void }) {
  const { t } = useTranslation('print');
  const f = usePrintFormat();
  const cls = setup.classes.find((c) => c.id === classId) ?? setup.classes[0]!;
  const [subject, setSubject] = useState(cls.subjects[0] ?? '');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const { busy, error, run } = useAction();
  const subjectOk = cls.subjects.includes(subject) ? subject : (cls.subjects[0] ?? '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setChosen(null);
    void run(() => call('next', { classId: cls.id, date, subject: subjectOk }), (v) => {
      setChosen(v);
      onChosen(v.setId);
    });
  };

  return (
    <form id="next-day" className="panel print-compose" onSubmit={submit} aria-labelledby="next-day-title">
      <h2 id="next-day-title">{t('nextDay.title')}</h2>
      <p className="muted">{t('nextDay.explain', { className: cls.name, date: f.date(date) })}</p>
      <div className="print-fields">
        <SubjectSelect id="next-day-subject" subjects={cls.subjects} value={subjectOk} onChange={setSubject} />
      </div>
      <button type="submit" id="next-day-submit" className="primary" disabled={busy || !subjectOk}>
        {busy ? t('nextDay.busy') : t('nextDay.submit')}
      </button>
      {error ? <ErrorView error={error} /> : null}
      {chosen ? (
        <div id="next-day-result" role="status" data-set={chosen.setId}>
          <p>{t('nextDay.result', { count: chosen.students, min: chosen.minutes.min, max: chosen.minutes.max })}</p>
          <ul>
            {REASONS.filter((r) => chosen.reasons[r]).map((r) => (
              <li key={r} data-reason={r}>
                {t(`nextDay.reasons.${r}`, { count: chosen.reasons[r] })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
