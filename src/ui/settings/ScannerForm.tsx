import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useHandler } from '../components/useHandler';
import { numberOrDefault, SaveRow, useSaveSettings, type StationSettingsView } from './useSave';

const SOURCES = ['feeder', 'duplex', 'flatbed'] as const;

/** What the Scan screen starts with: the scanner, the paper source and the resolution. */
export function ScannerForm({ settings, onSaved }: { settings: StationSettingsView; onSaved: () => void }) {
  const { t } = useTranslation('settings');
  const devices = useHandler('devices', {});
  const [device, setDevice] = useState(settings.scanners.defaultDevice ?? '');
  const [source, setSource] = useState<string>(settings.scanners.defaultSource);
  const [dpi, setDpi] = useState(String(settings.scanDpi));
  const { state, save } = useSaveSettings(onSaved);
  const listed = devices.status === 'ready' ? devices.value.devices : [];
  const ids = [...new Set([...listed.map((d) => d.id), ...(device ? [device] : [])])];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save({ 'scanners.defaultDevice': device || null, 'scanners.defaultSource': source, scanDpi: numberOrDefault(dpi) });
  };
  return (
    <form id="settings-scanner" className="panel settings-section" onSubmit={submit} noValidate aria-labelledby="settings-scanner-title">
      <h2 id="settings-scanner-title">{t('scanner.title')}</h2>
      <div className="settings-fields">
        <label>
          {t('scanner.device')}
          <select id="settings-device" value={device} onChange={(e) => setDevice(e.target.value)} aria-busy={devices.status === 'loading'}>
            <option value="">{t('scanner.chooseEachTime')}</option>
            {ids.map((id) => {
              const d = listed.find((x) => x.id === id);
              return (
                <option key={id} value={id}>
                  {d ? `${d.vendor} ${d.model} (${d.id})` : t('scanner.notFound', { id })}
                </option>
              );
            })}
          </select>
        </label>
        <label>
          {t('scanner.source')}
          <select id="settings-source" value={source} onChange={(e) => setSource(e.target.value)}>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(`scanner.sources.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('scanner.dpi')}
          <input id="settings-dpi" type="number" step="any" value={dpi} onChange={(e) => setDpi(e.target.value)} />
        </label>
      </div>
      <SaveRow state={state} />
    </form>
  );
}
