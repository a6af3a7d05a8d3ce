import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError, type OutputOf } from '../api';
import { ErrorView } from '../components/Loadable';

export type SettingsView = OutputOf<'settings'>;
export type StationSettingsView = SettingsView['settings'];
type SaveState = { status: 'idle' | 'saving' | 'saved' } | { status: 'error'; error: HandlerError };

/**
 * Saving one section of the Settings screen: the changes go to updateSettings by dotted key (null restores the
 * default); the station checks them and answers with the error that names the key and the fix.
 */
export function useSaveSettings(onSaved: () => void) {
  const [state, setState] = useState<SaveState>({ status: 'idle' });
  const save = async (changes: Record<string, unknown>, confirmThresholds = false) => {
    setState({ status: 'saving' });
    const r = await call('updateSettings', { changes, confirmThresholds });
    if (!r.ok) return setState({ status: 'error', error: r.error });
    setState({ status: 'saved' });
    onSaved();
  };
  return { state, save, reset: () => setState({ status: 'idle' }) };
}

/** What became of the last save: nothing yet, saved, or the station's error in plain words. */
export function SaveStatus({ state }: { state: SaveState }) {
  const { t } = useTranslation('settings');
  if (state.status === 'error') return <ErrorView error={state.error} />;
  return (
    <span className="settings-status" role="status" data-save-status={state.status}>
      {state.status === 'saved' ? t('saved') : state.status === 'saving' ? t('saving') : ''}
    </span>
  );
}

/** A section's Save button with what became of the last save beside it. */
export function SaveRow({ state, disabled = false }: { state: SaveState; disabled?: boolean }) {
  const { t } = useTranslation('settings');
  return (
    <div className="settings-save">
      <button type="submit" className="primary" disabled={disabled || state.status === 'saving'}>
        {t('save')}
      </button>
      <SaveStatus state={state} />
    </div>
  );
}

/** A number field's text as a setting: empty restores the default (null), anything else goes to the station as typed. */
export const numberOrDefault = (text: string): number | null => (text.trim() === '' ? null : Number(text));
