import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Print screen (placeholder until its screen lands). */
export function PrintScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.print')}</h1>;
}
