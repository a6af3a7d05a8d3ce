import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { numberOrDefault, SaveRow, useSaveSettings, type StationSettingsView } from './useSave';

const BANDS = ['grades1to2', 'grades3to6', 'grades7to9', 'grades10to12'] as const;

/** Daily homework caps per grade band, in minutes (every subject of the day together). */
export function CapsForm({ settings, onSaved }: { settings: StationSettingsView; onSaved: () => void }) {
  const { t } = useTranslation('settings');
  const [caps, setCaps] = useState(() => Object.fromEntries(BANDS.map((b) => [b, String(settings.caps[b])])) as Record<(typeof BANDS)[number], string>);
  const { state, save } = useSaveSettings(onSaved);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(Object.fromEntries(BANDS.map((b) => [`caps.${b}`, numberOrDefault(caps[b])])));
  };
  return (
    <form id="settings-caps" className="panel settings-section" onSubmit={submit} noValidate aria-labelledby="settings-caps-title">
      <h2 id="settings-caps-title">{t('caps.title')}</h2>
      <p className="muted">{t('caps.explain')}</p>
      <div className="settings-fields">
        {BANDS.map((band) => (
          <label key={band}>
            {t(`caps.${band}`)}
            <input id={`settings-cap-${band}`} type="number" step="any" inputMode="numeric" value={caps[band]} onChange={(e) => setCaps({ ...caps, [band]: e.target.value })} />
            {t('minutes')}
          </label>
        ))}
      </div>
      <SaveRow state={state} />
    </form>
  );
}
