import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SaveRow, useSaveSettings, type StationSettingsView } from './useSave';

const MODULES = ['personalisation', 'review', 'prerequisites', 'remediation', 'tiering', 'flowers'] as const;
type Module = (typeof MODULES)[number];

/** The learning loop's modules, each on or off (the teacher decides how much the station decides). */
export function ModulesForm({ settings, onSaved }: { settings: StationSettingsView; onSaved: () => void }) {
  const { t } = useTranslation('settings');
  const [on, setOn] = useState<Record<Module, boolean>>(() => ({ ...settings.learning.modules }));
  const { state, save } = useSaveSettings(onSaved);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save(Object.fromEntries(MODULES.map((m) => [`learning.modules.${m}`, on[m]])));
  };
  return (
    <form id="settings-modules" className="panel settings-section" onSubmit={submit} aria-labelledby="settings-modules-title">
      <h2 id="settings-modules-title">{t('modules.title')}</h2>
      <ul className="settings-checks">
        {MODULES.map((m) => (
          <li key={m}>
            <label>
              <input id={`settings-module-${m}`} type="checkbox" checked={on[m]} onChange={(e) => setOn({ ...on, [m]: e.target.checked })} />
              <span>
                <strong>{t(`modules.${m}.name`)}</strong> <span className="muted">{t(`modules.${m}.explain`)}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <SaveRow state={state} />
    </form>
  );
}
