import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError, type OutputOf } from '../api';
import { ErrorView } from '../components/Loadable';
import { SaveStatus, useSaveSettings, type SettingsView } from './useSave';

type Preview = OutputOf<'previewThresholds'> & { definite: number; marginal: number };

/**
 * The mark thresholds for bubbles. A change is never saved blind: "Show what this changes" decides the last stack's
 * stored reads again with the new values, and only then can the teacher confirm.
 */
export function ThresholdsForm({ view, onSaved }: { view: SettingsView; onSaved: () => void }) {
  const { t, i18n } = useTranslation('settings');
  const current = view.markThresholds;
  const [definite, setDefinite] = useState(String(current.definite));
  const [marginal, setMarginal] = useState(String(current.marginal));
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<HandlerError | null>(null);
  const { state, save, reset } = useSaveSettings(() => {
    setPreview(null);
    onSaved();
  });
  const proposed = { definite: Number(definite), marginal: Number(marginal) };
  const unchanged = proposed.definite === current.definite && proposed.marginal === current.marginal;
  const edit = (set: (v: string) => void) => (value: string) => {
    set(value);
    setPreview(null);
    setPreviewError(null);
    reset();
  };
  const showEffect = async (e: FormEvent) => {
    e.preventDefault();
    setPreviewError(null);
    const r = await call('previewThresholds', proposed);
    if (r.ok) setPreview({ ...r.value, ...proposed });
    else setPreviewError(r.error);
  };
  const n = (v: number) => new Intl.NumberFormat(i18n.language).format(v);
  return (
    <form id="settings-thresholds" className="panel settings-section" onSubmit={showEffect} noValidate aria-labelledby="settings-thresholds-title">
      <h2 id="settings-thresholds-title">{t('thresholds.title')}</h2>
      <p className="muted">{t('thresholds.explain', { definite: current.defaults.definite, marginal: current.defaults.marginal })}</p>
      <div className="settings-fields">
        <label>
          {t('thresholds.definite')}
          <input id="settings-definite" type="number" step="0.01" value={definite} onChange={(e) => edit(setDefinite)(e.target.value)} />
        </label>
        <label>
          {t('thresholds.marginal')}
          <input id="settings-marginal" type="number" step="0.01" value={marginal} onChange={(e) => edit(setMarginal)(e.target.value)} />
        </label>
      </div>
      <button type="submit" id="settings-thresholds-preview" disabled={unchanged}>
        {t('thresholds.preview')}
      </button>
      {previewError ? <ErrorView error={previewError} /> : null}
      {preview ? (
        <div id="settings-thresholds-effect" className="settings-effect" role="status">
          <p>{preview.sessionId ? t('thresholds.onLastStack', { pages: n(preview.pages), reads: n(preview.reads) }) : t('thresholds.noStack')}</p>
          <ul>
            <li data-effect="changed">{t('thresholds.changed', { count: preview.changed, n: n(preview.changed) })}</li>
            <li data-effect="toReview">{t('thresholds.toReview', { count: preview.toReview, n: n(preview.toReview) })}</li>
            <li data-effect="leaveReview">{t('thresholds.leaveReview', { count: preview.leaveReview, n: n(preview.leaveReview) })}</li>
          </ul>
          <p className="warn">{t('thresholds.confirmExplain')}</p>
          <button type="button" id="settings-thresholds-confirm" className="primary" onClick={() => void save({ 'reading.bubbles.definite': preview.definite, 'reading.bubbles.marginal': preview.marginal }, true)}>
            {t('thresholds.confirm')}
          </button>
        </div>
      ) : null}
      <SaveStatus state={state} />
    </form>
  );
}
