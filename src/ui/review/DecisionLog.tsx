import { useTranslation } from 'react-i18next';

/** A decision made on this screen: what was recorded for which reads, by whom and when; and its undo, if any. */
export type LoggedDecision = {
  responseIds: number[];
  itemId: string;
  students: string[];
  answer: string;
  by: string;
  at: string;
  undone?: { by: string; at: string };
};

/** The decisions of this visit, newest first, each with who and when; the newest can be undone (Backspace). */
export function DecisionLog({ decisions, busy, onUndo }: { decisions: readonly LoggedDecision[]; busy: boolean; onUndo: () => void }) {
  const { t, i18n } = useTranslation('review');
  const time = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'medium' });
  const canUndo = decisions.some((d) => !d.undone);
  return (
    <section className="review-log panel" aria-labelledby="review-log-title">
      <h2 id="review-log-title">{t('log.title')}</h2>
      {decisions.length === 0 ? <p className="muted">{t('log.none')}</p> : null}
      <ol reversed>
        {[...decisions].reverse().slice(0, 50).map((d) => (
          <li key={`${d.responseIds[0]}-${d.at}`} data-decision={d.responseIds.join(',')} className={d.undone ? 'undone' : undefined}>
            <span className="review-log-what">
              {t('log.what', { id: d.itemId, answer: d.answer, students: d.students.length > 2 ? t('log.students', { count: d.students.length }) : d.students.join(t('log.and')) })}
            </span>
            <span className="review-log-who">{t('log.who', { by: d.by, at: time.format(new Date(d.at)) })}</span>
            {d.undone ? <span className="review-log-undone">{t('log.undone', { by: d.undone.by, at: time.format(new Date(d.undone.at)) })}</span> : null}
          </li>
        ))}
      </ol>
      <button type="button" id="review-undo" disabled={busy || !canUndo} onClick={onUndo}>
        <kbd>⌫</kbd> {t('log.undo')}
      </button>
    </section>
  );
}
