import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import type { Route } from '../router';
import { CapsForm } from '../settings/CapsForm';
import { LanForm } from '../settings/LanForm';
import { ModulesForm } from '../settings/ModulesForm';
import { PrintForm } from '../settings/PrintForm';
import { ScannerForm } from '../settings/ScannerForm';
import { ThresholdsForm } from '../settings/ThresholdsForm';
import '../settings/settings.css';
import { SyncPanel } from '../sync/SyncPanel';

/** The station's settings (settings.json in its data folder), one section per concern, each saved on its own. */
export function SettingsScreen(_props: { route: Route }) {
  const { t } = useTranslation('settings');
  const state = useHandler('settings', {});
  return (
    <section className="settings" aria-labelledby="settings-title">
      <h1 id="settings-title">{t('title')}</h1>
      <Loadable state={state} reload={state.reload}>
        {(view) => (
          // Saved sections reload the settings; the forms keep what the teacher typed.
          <div className="settings-grid">
            <CapsForm settings={view.settings} onSaved={state.reload} />
            <ThresholdsForm view={view} onSaved={state.reload} />
            <ModulesForm settings={view.settings} onSaved={state.reload} />
            <PrintForm view={view} onSaved={state.reload} />
            <ScannerForm settings={view.settings} onSaved={state.reload} />
            <LanForm />
            <SyncPanel />
          </div>
        )}
      </Loadable>
    </section>
  );
}
