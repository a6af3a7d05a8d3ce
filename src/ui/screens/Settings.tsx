import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Settings screen (placeholder until its screen lands). */
export function SettingsScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.settings')}</h1>;
}
