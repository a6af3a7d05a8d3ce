import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { onSignInNeeded } from './api';
import { Recovery } from './components/Recovery';
import { SignIn } from './components/SignIn';
import { connectEvents, useConnection } from './events';
import { LANGUAGES, setLanguage, type Language } from './i18n';
import { hrefOf, SCREENS, useRoute, type Route, type Screen } from './router';
import { HomeScreen } from './screens/Home';
import { PrintScreen } from './screens/Print';
import { ResultsScreen } from './screens/Results';
import { ReviewScreen } from './screens/Review';
import { ScanScreen } from './screens/Scan';
import { SettingsScreen } from './screens/Settings';
import { StudentsScreen } from './screens/Students';

const SCREEN_VIEWS: Record<Screen, (props: { route: Route }) => React.JSX.Element> = {
  home: HomeScreen,
  print: PrintScreen,
  scan: ScanScreen,
  review: ReviewScreen,
  results: ResultsScreen,
  students: StudentsScreen,
  settings: SettingsScreen,
};

export function App() {
  const { t, i18n } = useTranslation();
  const route = useRoute();
  const connection = useConnection();
  const [needsSignIn, setNeedsSignIn] = useState(false);
  // Remounts the screen after signing in, so it loads again.
  const [session, setSession] = useState(0);
  useEffect(() => onSignInNeeded(() => setNeedsSignIn(true)), []);
  useEffect(() => connectEvents(), [session]);
  const View = SCREEN_VIEWS[route.screen];
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="top">
        <span className="brand">{t('appName')}</span>
        <nav aria-label={t('nav.label')}>
          <ul>
            {SCREENS.map((s) => (
              <li key={s}>
                <a href={hrefOf(s)} aria-current={route.screen === s ? 'page' : undefined} data-screen={s}>
                  {t(`nav.${s}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span id="status" className={`connection ${connection}`} role="status">
          {t(`connection.${connection}`)}
        </span>
        <label className="language">
          {t('language')}{' '}
          <select id="language" value={i18n.language} onChange={(e) => void setLanguage(e.target.value as Language)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : '简体中文'}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main id="main" tabIndex={-1}>
        {needsSignIn ? null : <Recovery key={session} />}
        {needsSignIn ? (
          <SignIn
            onSignedIn={() => {
              setNeedsSignIn(false);
              setSession((n) => n + 1);
            }}
          />
        ) : (
          <View key={`${route.screen}:${session}`} route={route} />
        )}
      </main>
    </>
  );
}
