import { useTranslation } from 'react-i18next';
import type { Route } from '../router';

/** The Students screen (placeholder until its screen lands). */
export function StudentsScreen(_props: { route: Route }) {
  const { t } = useTranslation('common');
  return <h1>{t('nav.students')}</h1>;
}
