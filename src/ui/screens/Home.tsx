import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Home screen (placeholder until its screen lands). */
export function HomeScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.home')}</h1>;
}
