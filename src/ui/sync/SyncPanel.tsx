import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError, type OutputOf } from '../api';
import { ErrorView, Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { useStationEvents } from '../events';
import './sync.css';

type Status = OutputOf<'syncStatus'>;
type Progress = { chunks: number; highWater: number };

/** The station's sync with the district (issue 12): what is still to go up, the last success and error, the schedule, "Sync now". */
export function SyncPanel() {
  const { t } = useTranslation('sync');
  const status = useHandler('syncStatus', {});
  const [progress, setProgress] = useState<Progress | null>(null);
  const [refusal, setRefusal] = useState<HandlerError | null>(null);
  const [starting, setStarting] = useState(false);
  useStationEvents((e) => {
    if (e.type === 'sync_started') setProgress({ chunks: 0, highWater: 0 });
    else if (e.type === 'sync_progress') setProgress({ chunks: Number(e.chunks), highWater: Number(e.highWater) });
    else if (e.type === 'sync_finished') {
      setProgress(null);
      status.reload();
    }
  });
  const syncNow = async () => {
    setRefusal(null);
    setStarting(true);
    const r = await call('syncNow', {});
    setStarting(false);
    if (!r.ok) setRefusal(r.error);
    status.reload();
  };
  return (
    <section id="sync-panel" className="panel sync-panel" aria-labelledby="sync-panel-title">
      <h2 id="sync-panel-title">{t('title')}</h2>
      <Loadable state={status} reload={status.reload} isEmpty={(s) => s.enrolment.state === 'none'} empty={<NotEnrolled />}>
        {(s) => (
          <>
            <SyncDetails status={s} />
            <div className="sync-panel-actions">
              <button type="button" id="sync-now" className="primary" onClick={() => void syncNow()} disabled={starting || s.running || progress !== null}>
                {t('syncNow')}
              </button>
              {s.scanRunning ? <span className="warn" data-sync-scan-running="">{t('scanRunning')}</span> : null}
            </div>
            {progress || s.running ? (
              <p className="sync-panel-progress" role="status" data-sync-progress="">
                {progress && progress.chunks > 0 ? t('progress', { count: progress.chunks, highWater: progress.highWater }) : t('starting')}
              </p>
            ) : null}
            {refusal ? <ErrorView error={refusal} /> : null}
          </>
        )}
      </Loadable>
    </section>
  );
}

function NotEnrolled() {
  const { t } = useTranslation('sync');
  return (
    <div data-sync-empty="">
      <p>{t('notEnrolled')}</p>
      <p className="muted">
        {t('notEnrolledFix')} <code>paperloop sync enrol --district http://DISTRICT-HOST:8470</code>
      </p>
    </div>
  );
}

function SyncDetails({ status: s }: { status: Status }) {
  const { t, i18n } = useTranslation('sync');
  const when = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
  const e = s.enrolment;
  return (
    <>
      <dl className="sync-panel-facts">
        <dt>{t('district')}</dt>
        <dd data-sync-enrolment={e.state}>
          {e.state === 'approved' ? t('approved', { districtId: e.districtId, url: e.url }) : e.state === 'pending' ? t('pending', { url: e.url }) : null}
          {e.state === 'pending' && e.code ? (
            <>
              {' '}
              {t('approvalCode')} <strong data-sync-code="">{e.code}</strong>
            </>
          ) : null}
        </dd>
        <dt>{t('toSend')}</dt>
        <dd data-sync-pending={s.pending}>{s.pending === 0 ? t('nothingToSend') : t('entries', { count: s.pending, formatted: new Intl.NumberFormat(i18n.language).format(s.pending) })}</dd>
        <dt>{t('lastSuccess')}</dt>
        <dd data-sync-last-success={s.lastSuccess ?? ''}>{s.lastSuccess ? when(s.lastSuccess) : t('never')}</dd>
        <dt>{t('nextRun')}</dt>
        <dd data-sync-next-run={s.schedule?.nextRun ?? ''}>
          {!s.schedule ? t('noSchedule') : s.schedule.running && s.schedule.nextRun ? when(s.schedule.nextRun) : t('scheduleStopped', { pattern: s.schedule.pattern })}
        </dd>
      </dl>
      {s.lastError ? (
        <div className="sync-panel-error" data-sync-error="">
          <h3>{t('lastError', { when: when(s.lastError.at) })}</h3>
          <p>{s.lastError.message}</p>
          {s.lastError.fix ? (
            <p>
              <strong>{t('fix')}</strong> {s.lastError.fix}
            </p>
          ) : null}
        </div>
      ) : null}
    </>
  );
}
