import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call } from '../api';
import { useErrorText } from '../components/errorText';
import type { ItemRow } from './types';

/**
 * The corrected key of one item, entered the way the item is answered (an option, options, true/false,
 * a number, accepted texts one per line). Saving makes a new item version and re-grades every
 * machine-graded answer to it, in every class; the teacher's own decisions stay as they were.
 */
export function KeyFix({ item, onFixed, onCancel }: { item: ItemRow; onFixed: (message: string) => void; onCancel: () => void }) {
  const { t } = useTranslation('results');
  const errorText = useErrorText();
  const [key, setKey] = useState(item.key ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const multi = item.type === 'multiple_choice';
  const picked = new Set(key.split(',').filter(Boolean));
  const toggle = (o: string) => {
    const next = new Set(picked);
    if (next.has(o)) next.delete(o);
    else next.add(o);
    setKey(item.options.filter((x) => next.has(x)).join(','));
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    const r = await call('fixKey', { itemId: item.itemId, key });
    setBusy(false);
    if (r.ok) onFixed(t('fix.done', { item: item.itemId, key: r.value.key ?? '', count: r.value.regraded }));
    else {
      const { message, fix } = errorText(r.error);
      setError(fix ? `${message} ${fix}` : message);
    }
  };
  const optionLabel = (o: string) => (item.type === 'true_false' ? t(o === 'T' ? 'fix.true' : 'fix.false') : o);
  return (
    <form className="results-keyfix" onSubmit={submit} data-keyfix={item.itemId}>
      <fieldset>
        <legend>{t('fix.legend', { item: item.itemId, key: item.key ?? '' })}</legend>
        {item.options.length > 0 ? (
          item.options.map((o) => (
            <label key={o}>
              <input
                type={multi ? 'checkbox' : 'radio'}
                name={`key-${item.itemId}`}
                value={o}
                checked={multi ? picked.has(o) : key === o}
                onChange={() => (multi ? toggle(o) : setKey(o))}
              />
              {optionLabel(o)}
            </label>
          ))
        ) : item.type === 'short_text' ? (
          <label>
            {t('fix.accepted')}
            <textarea name="key" rows={3} value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
        ) : (
          <label>
            {t('fix.number')}
            <input name="key" inputMode="decimal" value={key} onChange={(e) => setKey(e.target.value)} />
          </label>
        )}
        <p className="muted">{t('fix.explain')}</p>
        <button type="submit" className="primary" disabled={busy || key === (item.key ?? '')}>
          {t('fix.save')}
        </button>{' '}
        <button type="button" onClick={onCancel}>
          {t('fix.cancel')}
        </button>
        {error ? (
          <p role="alert" className="bad">
            {error}
          </p>
        ) : null}
      </fieldset>
    </form>
  );
}
