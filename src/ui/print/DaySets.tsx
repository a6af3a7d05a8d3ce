import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { hrefOf } from '../router';
import { usePrintFormat } from './format';

/** The class's sets on the chosen day (drafts and approved), each one click from its ledger and print panel. */
export function DaySets({ classId, date, selected, version }: { classId: string; date: string; selected: string | undefined; version: number }) {
  const { t } = useTranslation('print');
  const f = usePrintFormat();
  const day = useHandler('printDay', { classId, date }, `${classId}/${date}/${version}`);
  return (
    <section id="day-sets" className="panel" aria-labelledby="day-sets-title">
      <h2 id="day-sets-title">{t('day.title')}</h2>
      <Loadable state={day} reload={day.reload} isEmpty={(v) => v.sets.length === 0} empty={t('day.empty')}>
        {(v) => (
          <ul className="print-sets">
            {v.sets.map((s) => (
              <li key={s.setId} data-set-id={s.setId} data-status={s.status}>
                <span className={`print-status print-status-${s.status}`}>{t(`day.status.${s.status}`)}</span> <strong>{f.subject(s.subject)}</strong>{' '}
                <span className="muted">
                  {t('day.summary', { students: s.students, minutes: s.minutesMin === s.minutesMax ? f.minutes(s.minutesMax) : `${f.number(s.minutesMin)}–${f.minutes(s.minutesMax)}` })}
                  {s.jobs.length ? ` · ${t('day.printed', { count: s.jobs.length })}` : ''}
                </span>{' '}
                {s.setId === selected ? (
                  <span className="print-open-now">{t('day.opened')}</span>
                ) : (
                  <a className="print-open" href={hrefOf('print', classId, date, s.setId)}>
                    {t('day.open')}
                  </a>
                )}
              </li>
            ))}
          </ul>
        )}
      </Loadable>
    </section>
  );
}
