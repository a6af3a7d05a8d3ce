import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Review screen (placeholder until its screen lands). */
export function ReviewScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.review')}</h1>;
}
