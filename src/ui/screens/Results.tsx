import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Results screen (placeholder until its screen lands). */
export function ResultsScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.results')}</h1>;
}
