import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { OFFLINE, UNAUTHORISED, type HandlerError } from '../api';
import { errorText } from './errorText';
import type { Loaded } from './useHandler';

/**
 * The plain-words view of a failure, in the teacher's language: what happened, what to do, how much of a group was
 * recorded before it, and the list it carries; below, the station's own (English) words, which name the very key,
 * file or fault for whoever helps.
 */
export function ErrorView({ error, onRetry }: { error: HandlerError; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const text = errorText(i18n, error);
  const recorded = error.params?.recorded;
  // The client's own failures (no answer, no session) have no station words to add.
  const stationSaid = text.translated && error !== OFFLINE && error !== UNAUTHORISED;
  return (
    <div className="error" role="alert" data-error-code={error.code} data-translated={text.translated}>
      <strong>{t('error.title')}</strong>
      <p data-error-message="">{text.message}</p>
      {typeof recorded === 'number' && recorded > 0 ? <p data-error-recorded={recorded}>{t('error.recorded', { count: recorded })}</p> : null}
      {text.fix ? (
        <p data-error-fix="">
          <strong>{t('error.fix')}</strong> {text.fix}
        </p>
      ) : null}
      {error.details?.length ? (
        <ul>
          {error.details.slice(0, 20).map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
      ) : null}
      {stationSaid ? (
        <p className="muted" data-error-station="">
          {t('error.stationSaid')} <span lang="en">{error.message}</span>
        </p>
      ) : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
    </div>
  );
}

/** Every screen's three states besides the content: loading, error (with retry) and empty. */
export function Loadable<T>({ state, isEmpty, empty, reload, children }: { state: Loaded<T>; isEmpty?: (value: T) => boolean; empty?: ReactNode; reload?: () => void; children: (value: T) => ReactNode }) {
  const { t } = useTranslation();
  if (state.status === 'loading')
    return (
      <p className="loading" role="status" aria-busy="true">
        {t('loading')}
      </p>
    );
  if (state.status === 'error') return <ErrorView error={state.error} {...(reload ? { onRetry: reload } : {})} />;
  if (isEmpty?.(state.value))
    return (
      <div className="empty" role="status">
        {empty ?? t('empty')}
      </div>
    );
  return <>{children(state.value)}</>;
}
