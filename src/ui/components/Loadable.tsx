import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { HandlerError } from '../api';
import type { Loaded } from './useHandler';

/** The plain-words view of a failure: the station's own message, and the transport's in the teacher's language. */
export function ErrorView({ error, onRetry }: { error: HandlerError; onRetry?: () => void }) {
  const { t } = useTranslation();
  const message = error.code === 'offline' || error.code === 'unauthorised' ? t(`error.${error.message}`) : error.message;
  return (
    <div className="error" role="alert" data-error-code={error.code}>
      <strong>{t('error.title')}</strong>
      <p>{message}</p>
      {error.details?.length ? (
        <ul>
          {error.details.slice(0, 20).map((d) => (
            <li key={d}>{d}</li>
          ))}
        </ul>
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
