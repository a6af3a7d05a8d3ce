import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { usePrintFormat } from './format';

/** 作业公示: the day's approved homework of a class as parents and the school see it (the publish handler). */
export function Publication({ classId, date, version }: { classId: string; date: string; version: number }) {
  const { t } = useTranslation('print');
  const f = usePrintFormat();
  const notice = useHandler('publish', { classId, date }, `${classId}/${date}/${version}`);
  return (
    <section id="publication" className="panel" aria-labelledby="publication-title">
      <h2 id="publication-title">{t('publication.title')}</h2>
      <Loadable state={notice} reload={notice.reload} isEmpty={(v) => v.subjects.length === 0} empty={t('publication.empty')}>
        {(v) => (
          <>
            <p>
              {v.className} · {f.date(v.date)}
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('publication.subject')}</th>
                  <th scope="col">{t('publication.minutes')}</th>
                  <th scope="col">{t('publication.tiers')}</th>
                </tr>
              </thead>
              <tbody>
                {v.subjects.map((s) => (
                  <tr key={s.setId} data-set-id={s.setId}>
                    <td>{f.subject(s.subject)}</td>
                    <td>{s.minutesMin === s.minutesMax ? f.minutes(s.minutesMax) : `${f.number(s.minutesMin)}–${f.minutes(s.minutesMax)}`}</td>
                    <td>
                      {Object.entries(s.tiers)
                        .map(([tier, count]) => t('publication.tierCount', { tier: t(`tier.${tier}`), count }))
                        .join(' · ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">{t('publication.longest', { max: f.number(v.maxStudentMinutes), cap: v.capMinutes })}</p>
          </>
        )}
      </Loadable>
    </section>
  );
}
