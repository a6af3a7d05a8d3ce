import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';
import { SaveRow, useSaveSettings, type SettingsView } from './useSave';

const PRINT_LANGUAGES = ['zh', 'en'] as const;

/** The app's language (this browser's), and what the station prints: paper size, large print, the workbooks' language. */
export function PrintForm({ view, onSaved }: { view: SettingsView; onSaved: () => void }) {
  const { t, i18n } = useTranslation('settings');
  const styles = view.pageStyles;
  const currentStyle = styles.find((s) => s.name === view.settings.pageStyle);
  const [paper, setPaper] = useState(currentStyle?.paper ?? styles[0]?.paper ?? '');
  const [largePrint, setLargePrint] = useState(currentStyle?.largePrint ?? false);
  const [printLanguage, setPrintLanguage] = useState(view.settings.defaultLanguage);
  const { state, save } = useSaveSettings(onSaved);
  const papers = [...new Set(styles.map((s) => s.paper))];
  const largePrintExists = styles.some((s) => s.paper === paper && s.largePrint);
  // Large print only where a large-print style exists for that paper.
  const large = largePrint && largePrintExists;
  const style = styles.find((s) => s.paper === paper && s.largePrint === large);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save({ pageStyle: style?.name ?? view.settings.pageStyle, defaultLanguage: printLanguage });
  };
  return (
    <form id="settings-print" className="panel settings-section" onSubmit={submit} aria-labelledby="settings-print-title">
      <h2 id="settings-print-title">{t('print.title')}</h2>
      <div className="settings-fields">
        <label>
          {t('print.appLanguage')}
          <select id="settings-app-language" value={i18n.language} onChange={(e) => void setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('print.printLanguage')}
          <select id="settings-print-language" value={printLanguage} onChange={(e) => setPrintLanguage(e.target.value)}>
            {[...new Set([...PRINT_LANGUAGES, printLanguage])].map((l) => (
              <option key={l} value={l}>
                {t(`printLanguages.${l}`, { defaultValue: l })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('print.paper')}
          <select id="settings-paper" value={paper} onChange={(e) => setPaper(e.target.value)}>
            {papers.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input id="settings-large-print" type="checkbox" checked={large} disabled={!largePrintExists} onChange={(e) => setLargePrint(e.target.checked)} />
          {t('print.largePrint')}
        </label>
      </div>
      {!largePrintExists ? <p className="muted">{t('print.noLargePrint', { paper })}</p> : null}
      <SaveRow state={state} disabled={!style} />
    </form>
  );
}
