import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { ErrorView } from '../components/Loadable';
import { hrefOf } from '../router';
import type { ScanStatus } from './useLiveStatus';

export type Run = NonNullable<ScanStatus['run']>;

/** The scan under way: the live sheet count, its pace, what became of the pages, and the buttons its state allows. */
export function RunPanel({ run, onNewScan }: { run: Run; onNewScan: () => void }) {
  const { t, i18n } = useTranslation('scan');
  const [error, setError] = useState<HandlerError | null>(null);
  const [busy, setBusy] = useState(false);
  const number = (n: number, digits = 0) => new Intl.NumberFormat(i18n.language, { maximumFractionDigits: digits }).format(n);
  const act = async (action: () => Promise<{ ok: true } | { ok: false; error: HandlerError }>) => {
    setBusy(true);
    const r = await action();
    setBusy(false);
    setError(r.ok ? null : r.error);
  };
  const decide = (decision: 'continue' | 'finish' | 'cancel') => act(() => call('scanDecision', { decision }));
  /** The figures beside the count: [label key, element id, value]. */
  const figures: [string, string | undefined, string][] = [
    ['pages', 'scan-pages', number(run.pages)],
    ['pagesPerSecond', 'scan-rate', number(run.pagesPerSecond, 1)],
    ['graded', 'scan-graded', number(run.counts.graded)],
    ['needsReview', 'scan-review', number(run.counts.needsReview)],
    ['refused', 'scan-refused', number(run.counts.refused)],
    ['blankBacks', undefined, number(run.counts.blankBacks)],
    ['duplicates', undefined, number(run.counts.duplicates)],
    ['waiting', undefined, number(run.counts.waiting)],
  ];
  const live = run.state === 'starting' || run.state === 'scanning' || run.state === 'paused';
  return (
    <section className={`panel scan-run scan-run-${run.state}`} aria-labelledby="scan-run-title" data-state={run.state}>
      <h2 id="scan-run-title">
        <span id="scan-state" role="status">
          {t(`state.${run.state}`)}
        </span>
      </h2>
      <div className="scan-figures">
        <div className="scan-count">
          <span id="scan-sheets" className="scan-count-number" data-sheets={run.sheets}>
            {number(run.sheets)}
          </span>
          <span className="scan-count-label">{t('run.sheets', { count: run.sheets })}</span>
        </div>
        <dl className="scan-rates">
          {figures.map(([key, id, value]) => (
            <div key={key}>
              <dt>{t(`run.${key}`)}</dt>
              <dd id={id}>{value}</dd>
            </div>
          ))}
        </dl>
      </div>

      {run.state === 'starting' && run.waitingFor ? (
        <div id="scan-waiting" className="scan-notice">
          <p className="scan-notice-title">{t('run.waitingForStation')}</p>
          <p className="muted scan-detail">{run.waitingFor}</p>
        </div>
      ) : null}
      {run.state === 'paused' && run.pause ? (
        <div id="scan-paused" className="scan-notice" data-reason={run.pause.kind}>
          <p className="scan-notice-title">{t(`pause.${run.pause.kind}.title`)}</p>
          <p>{t(`pause.${run.pause.kind}.todo`)}</p>
          <p className="muted scan-detail">{run.pause.message}</p>
          <p>{t('run.safe')}</p>
        </div>
      ) : null}
      {run.state === 'stopped' ? (
        <div id="scan-fault" className="scan-notice scan-notice-bad" data-fault={run.faultKind ?? 'other'}>
          <p className="scan-notice-title">{t(`fault.${run.faultKind ?? 'other'}`)}</p>
          <p className="muted scan-detail">{run.fault}</p>
          <p>{t('run.safe')}</p>
        </div>
      ) : null}
      {run.state === 'finished' ? (
        <p id="scan-finished" className="scan-notice">
          {t('run.finished', { pages: run.pages, review: run.counts.needsReview, refused: run.counts.refused })}{' '}
          {run.counts.needsReview ? <a href={hrefOf('review')}>{t('run.toReview')}</a> : null}
        </p>
      ) : null}

      <div className="scan-actions">
        {run.state === 'scanning' || run.state === 'starting' ? (
          <button type="button" id="scan-stop" className="primary" disabled={busy} onClick={() => act(() => call('controlScan', { action: 'stop' }))}>
            {t('action.stop')}
          </button>
        ) : null}
        {run.state === 'paused' ? (
          <>
            <button type="button" id="scan-continue" className="primary" disabled={busy} onClick={() => decide('continue')}>
              {t('action.continue')}
            </button>
            <button type="button" id="scan-finish" disabled={busy} onClick={() => decide('finish')}>
              {t('action.finish')}
            </button>
          </>
        ) : null}
        {live ? (
          <button type="button" id="scan-cancel" className="scan-cancel" disabled={busy} onClick={() => decide('cancel')}>
            {t('action.cancel')}
          </button>
        ) : null}
        {run.state === 'stopped' ? (
          <button type="button" id="scan-restart" className="primary" disabled={busy} onClick={() => act(() => call('restartScan', {}))}>
            {t('action.continue')}
          </button>
        ) : null}
        {!live ? (
          <button type="button" id="scan-new" onClick={onNewScan}>
            {t('action.newScan')}
          </button>
        ) : null}
      </div>
      {error ? <ErrorView error={error} /> : null}

      {run.thumbnails.length ? (
        <div className="scan-thumbs-wrap">
          <h3>{t('run.latest')}</h3>
          <ol className="scan-thumbs" id="scan-thumbs">
            {run.thumbnails.map((p) => (
              <li key={p.key} className={`scan-thumb scan-thumb-${p.outcome}`} data-image-id={p.imageId} data-outcome={p.outcome}>
                <img src={`/scan-image/${p.imageId}?w=120`} alt={t('run.thumbAlt', { id: p.imageId, outcome: t(`outcome.${p.outcome}`) })} width={60} loading="lazy" />
                <span>{t(`outcome.${p.outcome}`)}</span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
