import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { hrefOf } from '../router';
import { ErrorView } from './Loadable';
import { useHandler } from './useHandler';
import '../settings/settings.css';

const DISMISSED = 'paperloop.recovery.dismissed';

/**
 * Start-up recovery, above every screen: pages an interrupted scan left unread, with "Finish them now", or what
 * the station already finished of one when it started (until the teacher dismisses it on this browser).
 */
export function Recovery() {
  const { t, i18n } = useTranslation('settings');
  const status = useHandler('recoveryStatus', {});
  const [finishing, setFinishing] = useState(false);
  const [finished, setFinished] = useState<number | null>(null);
  const [error, setError] = useState<HandlerError | null>(null);
  const [dismissed, setDismissed] = useState(() => localStorage.getItem(DISMISSED));
  if (status.status !== 'ready') return null;
  const { waiting, resumed } = status.value;
  const n = (v: number) => new Intl.NumberFormat(i18n.language).format(v);
  const finish = async () => {
    setFinishing(true);
    setError(null);
    const r = await call('resumeScans', {});
    setFinishing(false);
    if (r.ok) setFinished(r.value.resumed);
    else setError(r.error);
    status.reload();
  };
  if (finished !== null && waiting.pages === 0)
    return (
      <div id="recovery" className="recovery done" role="status" data-recovery="finished">
        <p>{t('recovery.finished', { count: finished, n: n(finished) })}</p>
        <a href={hrefOf('review')}>{t('recovery.toReview')}</a>
      </div>
    );
  if (waiting.pages > 0 || waiting.sessions > 0)
    return (
      <div id="recovery" className="recovery" role="region" aria-label={t('recovery.label')} data-recovery="waiting">
        <p>{t('recovery.waiting', { count: waiting.pages, n: n(waiting.pages) })}</p>
        <button type="button" id="recovery-finish" className="primary" disabled={finishing} aria-busy={finishing} onClick={() => void finish()}>
          {finishing ? t('recovery.finishing') : t('recovery.finish')}
        </button>
        {error ? <ErrorView error={error} /> : null}
      </div>
    );
  if (resumed && dismissed !== resumed.sessionId)
    return (
      <div id="recovery" className="recovery done" role="region" aria-label={t('recovery.label')} data-recovery="resumed">
        <p>{t('recovery.resumed', { count: resumed.pages, n: n(resumed.pages), toReview: n(resumed.toReview), refused: n(resumed.refused) })}</p>
        <a href={hrefOf('review')}>{t('recovery.toReview')}</a>
        <button
          type="button"
          onClick={() => {
            localStorage.setItem(DISMISSED, resumed.sessionId);
            setDismissed(resumed.sessionId);
          }}
        >
          {t('recovery.dismiss')}
        </button>
      </div>
    );
  return null;
}
