import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api';
import { Loadable } from '../components/Loadable';
import type { Route } from '../router';
import { IntegrityPanel } from '../scan/IntegrityPanel';
import { ProblemCard } from '../scan/ProblemCard';
import { RunPanel } from '../scan/RunPanel';
import { SetupForm } from '../scan/SetupForm';
import { useLiveStatus } from '../scan/useLiveStatus';
import '../scan/scan.css';

/**
 * The Scan screen: Ready (pick a scanner, source and resolution, Start), then the scan as it goes —
 * the live count, Stop, a pause with its reason (Continue, Finish, Cancel), the stack against the
 * printed manifest, and a card for every sheet that was not used.
 */
export function ScanScreen(_props: { route: Route }) {
  const { t } = useTranslation('scan');
  const status = useLiveStatus();
  // After a scan ends, the teacher may go back to Ready while its result stays on the station.
  const [dismissed, setDismissed] = useState<string | null>(null);
  return (
    <div className="scan-screen">
      <h1>{t('title')}</h1>
      {status.stale && status.status === 'ready' ? (
        <p id="scan-offline" className="scan-notice scan-notice-bad" role="alert">
          {t('offline')}
        </p>
      ) : null}
      <Loadable state={status} reload={status.refresh}>
        {({ run, interrupted }) => {
          const key = run ? `${run.sessionIds.join()}:${run.deviceId}` : null;
          const showRun = run && (run.state === 'starting' || run.state === 'scanning' || run.state === 'paused' || dismissed !== key);
          return (
            <>
              {interrupted && interrupted.waiting > 0 ? (
                <div className="panel scan-notice" id="scan-interrupted">
                  <p>{t('interrupted.text', { count: interrupted.waiting })}</p>
                  <button type="button" onClick={() => void call('readInterrupted', {}).then(status.refresh)}>
                    {t('interrupted.read')}
                  </button>
                </div>
              ) : null}
              {showRun ? (
                <div className="scan-layout">
                  <div>
                    <RunPanel run={run} onNewScan={() => setDismissed(key)} />
                    {run.problems.length ? (
                      <section className="panel" aria-labelledby="scan-problems-title" id="scan-problems">
                        <h2 id="scan-problems-title">{t('problem.title', { count: run.problems.length })}</h2>
                        <div className="scan-problems">
                          {run.problems.map((p) => (
                            <ProblemCard key={p.key} problem={p} />
                          ))}
                        </div>
                      </section>
                    ) : null}
                  </div>
                  <IntegrityPanel integrity={run.integrity} />
                </div>
              ) : (
                <SetupForm onStarted={status.refresh} />
              )}
            </>
          );
        }}
      </Loadable>
    </div>
  );
}
