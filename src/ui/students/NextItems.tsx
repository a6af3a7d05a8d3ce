import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorView, Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { contentLanguageOf, useFormats } from './format';
import { useLiveReload } from './useLiveReload';
import { useOverride } from './useOverride';

/**
 * The student's items for a day with the reason each was chosen. The station proposes the day after the last
 * graded work ("tomorrow" for the stack just scanned); the teacher can look at another day.
 */
export function NextItems({ studentId, classId, excluded, onChanged }: { studentId: string; classId: string; excluded: ReadonlySet<string>; onChanged: () => void }) {
  const { t, i18n } = useTranslation('students');
  const f = useFormats();
  const [date, setDate] = useState<string | null>(null);
  const override = useOverride(classId, studentId, onChanged);
  const items = useHandler('studentNextItems', { studentId, classId, language: contentLanguageOf(i18n.language), ...(date ? { date } : {}) });
  useLiveReload(items.reload);
  const shownDate = date ?? (items.status === 'ready' ? items.value.date : '');
  return (
    <div className="panel students-next" id="next-items">
      <h2 id="next-title">{t('next.title')}</h2>
      <label>
        {t('next.day')}
        <input id="next-date" type="date" value={shownDate} onChange={(e) => e.target.value && setDate(e.target.value)} />
      </label>
      <Loadable state={items} reload={items.reload} isEmpty={(v) => v.workbooks.length === 0} empty={t('next.none', { date: shownDate ? f.day(shownDate) : '' })}>
        {(v) =>
          v.workbooks.map((w) => (
            <table key={w.setId} data-set-id={w.setId}>
              <caption>{t('next.workbook', { subject: w.subject, tier: t(`tier.${w.tier}`, { defaultValue: w.tier }), minutes: f.number(w.minutes), count: w.items.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('next.item')}</th>
                  <th scope="col">{t('next.minutes')}</th>
                  <th scope="col">{t('next.reason')}</th>
                  <th scope="col">{t('next.change')}</th>
                </tr>
              </thead>
              <tbody>
                {w.items.map((i, n) => (
                  <tr key={`${i.itemId}-${n}`} data-item-id={i.itemId} data-reason-key={i.reasonKey}>
                    <td>
                      <span className="muted">{i.itemId}</span> {i.stem}
                    </td>
                    <td>{f.number(i.minutes)}</td>
                    <td className="students-reason">{i.reason}</td>
                    <td>
                      {excluded.has(i.itemId) ? (
                        <span className="muted">{t('next.excluded')}</span>
                      ) : (
                        <button type="button" className="students-exclude" aria-label={t('next.excludeItem', { id: i.itemId })} disabled={override.busy} onClick={() => void override.send({ exclude: i.itemId })}>
                          {t('next.exclude')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))
        }
      </Loadable>
      {override.error ? <ErrorView error={override.error} /> : null}
    </div>
  );
}
