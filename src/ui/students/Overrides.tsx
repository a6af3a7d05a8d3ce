import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorView } from '../components/Loadable';
import { useFormats } from './format';
import type { StudentDetail } from './types';
import { useOverride } from './useOverride';

const TIERS = ['basic', 'core', 'stretch'] as const;

/** The teacher's say over the student's next workbooks: pin or exclude an item, set the tier; each kept with who and when. */
export function Overrides({ detail, onChanged }: { detail: StudentDetail; onChanged: () => void }) {
  const { t } = useTranslation('students');
  const f = useFormats();
  const [itemId, setItemId] = useState(detail.items[0]?.id ?? '');
  const [tier, setTier] = useState<(typeof TIERS)[number]>('core');
  const { send, busy, error } = useOverride(detail.class.id, detail.student.id, onChanged);
  const mine = detail.overrides.filter((o) => !o.forWholeClass);
  return (
    <div className="panel students-overrides" id="overrides">
      <h2 id="overrides-title">{t('overrides.title')}</h2>
      <p className="muted">{t('overrides.explain')}</p>
      {detail.overrides.length === 0 ? (
        <p className="empty" role="status">
          {t('overrides.none')}
        </p>
      ) : (
        <table aria-labelledby="overrides-title">
          <thead>
            <tr>
              <th scope="col">{t('overrides.kind')}</th>
              <th scope="col">{t('overrides.what')}</th>
              <th scope="col">{t('overrides.who')}</th>
              <th scope="col">{t('overrides.when')}</th>
            </tr>
          </thead>
          <tbody>
            {detail.overrides.map((o, n) => (
              <tr key={n} data-kind={o.kind} data-value={o.value} data-teacher={o.teacher} data-at={o.at}>
                <td>
                  {t(`overrides.${o.kind}`)}
                  {o.forWholeClass ? <span className="muted"> {t('overrides.wholeClass')}</span> : null}
                </td>
                <td>{o.kind === 'tier' ? t(`tier.${o.value}`, { defaultValue: o.value }) : o.label}</td>
                <td>{o.teacher}</td>
                <td>{f.moment(o.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="students-override-form">
        <label>
          {t('overrides.item')}
          <select id="override-item" value={itemId} onChange={(e) => setItemId(e.target.value)}>
            {detail.items.map((i) => (
              <option key={i.id} value={i.id}>
                {i.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" id="override-pin" disabled={busy || !itemId} onClick={() => void send({ pin: itemId })}>
          {t('overrides.doPin')}
        </button>
        <button type="button" id="override-exclude" disabled={busy || !itemId} onClick={() => void send({ exclude: itemId })}>
          {t('overrides.doExclude')}
        </button>
      </div>
      <div className="students-override-form">
        <label>
          {t('overrides.tierLabel')}
          <select id="override-tier" value={tier} onChange={(e) => setTier(e.target.value as (typeof TIERS)[number])}>
            {TIERS.map((x) => (
              <option key={x} value={x}>
                {t(`tier.${x}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="button" id="override-set-tier" disabled={busy} onClick={() => void send({ tier })}>
          {t('overrides.doTier')}
        </button>
        <button type="button" id="override-clear" disabled={busy || mine.length === 0} onClick={() => void send({ clear: true })}>
          {t('overrides.clear')}
        </button>
      </div>
      {error ? <ErrorView error={error} /> : null}
    </div>
  );
}
