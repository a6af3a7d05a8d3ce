import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Scan screen (placeholder until its screen lands). */
export function ScanScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.scan')}</h1>;
}
