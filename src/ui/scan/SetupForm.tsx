import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError, type OutputOf } from '../api';
import { ErrorView, Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { useStationEvents } from '../events';

type Devices = OutputOf<'scanDevices'>;
const SOURCES = ['feeder', 'duplex', 'flatbed'] as const;
type Source = (typeof SOURCES)[number];
/** Resolutions worth offering a teacher; a device's own list is cut down to these. */
const USEFUL_DPI = [150, 200, 300, 400, 600];
/** The replay scanner's default pace: slow enough to watch the count rise in a demo. */
const REPLAY_MS_PER_SHEET = 200;

/** Ready: pick a scanner (or a folder to replay), its paper source and resolution, and start. */
export function SetupForm({ onStarted }: { onStarted: () => void }) {
  const { t } = useTranslation('scan');
  const devices = useHandler('scanDevices', {});
  useStationEvents((e) => {
    if (e.type === 'devices_changed') devices.reload();
  });
  return (
    <section className="panel scan-setup" aria-labelledby="scan-setup-title">
      <h2 id="scan-setup-title">{t('setup.title')}</h2>
      <Loadable state={devices} reload={devices.reload} isEmpty={(d) => d.devices.length + d.replays.length === 0} empty={<p id="scan-no-devices">{t('setup.noDevices')}</p>}>
        {(d) => <DeviceForm devices={d} onStarted={onStarted} onRescan={devices.reload} />}
      </Loadable>
    </section>
  );
}

function DeviceForm({ devices, onStarted, onRescan }: { devices: Devices; onStarted: () => void; onRescan: () => void }) {
  const { t } = useTranslation('scan');
  const listed = [...devices.devices.map((d) => d.id), ...devices.replays.map((r) => r.id)];
  // The station's default scanner (Settings) when it is here, else the first one answering, else the first folder.
  const firstChoice = devices.defaults.deviceId && listed.includes(devices.defaults.deviceId) ? devices.defaults.deviceId : (devices.devices.find((d) => !d.notAnswering)?.id ?? devices.replays[0]?.id ?? '');
  const [deviceId, setDeviceId] = useState(firstChoice);
  const [source, setSource] = useState<Source>(devices.defaults.source);
  const [dpi, setDpi] = useState(devices.defaults.dpi);
  const [msPerSheet, setMsPerSheet] = useState(REPLAY_MS_PER_SHEET);
  const [error, setError] = useState<HandlerError | null>(null);
  const [starting, setStarting] = useState(false);
  const caps = useHandler('scanCapabilities', { deviceId }, deviceId);
  const isReplay = deviceId.startsWith('replay:');
  const offered = caps.status === 'ready' ? caps.value.sources : [];
  const resolutions = caps.status === 'ready' ? USEFUL_DPI.filter((r) => caps.value.resolutions.includes(r)) : [];
  // Keep the choices valid for the device picked.
  useEffect(() => {
    if (offered.length && !offered.includes(source)) setSource(offered.includes(devices.defaults.source) ? devices.defaults.source : offered.includes('feeder') ? 'feeder' : offered[0]!);
    if (resolutions.length && !resolutions.includes(dpi)) setDpi(resolutions.includes(devices.defaults.dpi) ? devices.defaults.dpi : resolutions[resolutions.length - 1]!);
  }, [offered.join(), resolutions.join()]);

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setStarting(true);
    setError(null);
    const r = await call('startScan', { deviceId, source, dpi, ...(isReplay ? { msPerSheet } : {}) });
    setStarting(false);
    if (r.ok) onStarted();
    else setError(r.error);
  };

  return (
    <form id="scan-setup" onSubmit={start}>
      <div className="scan-setup-row">
        <label>
          {t('setup.device')}
          <select id="scan-device" value={deviceId} onChange={(e) => setDeviceId(e.target.value)}>
            {devices.devices.length ? (
              <optgroup label={t('setup.scanners')}>
                {devices.devices.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.notAnswering ? t('setup.notAnswering', { name: d.label }) : d.label}
                  </option>
                ))}
              </optgroup>
            ) : null}
            {devices.replays.length ? (
              <optgroup label={t('setup.replays')}>
                {devices.replays.map((r) => (
                  <option key={r.id} value={r.id}>
                    {t('setup.replayFolder', { name: r.name, count: r.images })}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
        </label>
        <button type="button" id="scan-refresh-devices" onClick={onRescan}>
          {t('setup.refresh')}
        </button>
      </div>
      {devices.devices.length === 0 ? <p className="muted">{t('setup.noScanners')}</p> : null}
      {caps.status === 'error' ? <ErrorView error={caps.error} onRetry={caps.reload} /> : null}
      <fieldset className="scan-sources">
        <legend>{t('setup.source')}</legend>
        {SOURCES.map((s) => (
          <label key={s}>
            <input type="radio" name="scan-source" value={s} checked={source === s} disabled={!offered.includes(s)} onChange={() => setSource(s)} />
            {t(`source.${s}`)}
          </label>
        ))}
      </fieldset>
      <div className="scan-setup-row">
        <label>
          {t('setup.dpi')}
          <select id="scan-dpi" value={dpi} onChange={(e) => setDpi(Number(e.target.value))} disabled={!resolutions.length}>
            {resolutions.map((r) => (
              <option key={r} value={r}>
                {t('setup.dpiValue', { dpi: r })}
              </option>
            ))}
          </select>
        </label>
        {isReplay ? (
          <label>
            {t('setup.pace')}
            <input id="scan-pace" type="number" min={0} max={10000} step={50} value={msPerSheet} onChange={(e) => setMsPerSheet(Math.max(0, Number(e.target.value) || 0))} />
          </label>
        ) : null}
      </div>
      <button type="submit" id="scan-start" className="primary scan-start" disabled={!deviceId || starting || caps.status !== 'ready'}>
        {starting ? t('setup.starting') : t('setup.start')}
      </button>
      {error ? <ErrorView error={error} /> : null}
    </form>
  );
}
