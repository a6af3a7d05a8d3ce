import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFlagRules } from './CorrectRateChart';
import { useLocalFormat } from './format';
import { KeyFix } from './KeyFix';
import type { FlagRules, ItemRow } from './types';

/** Every item of the day: its stem, how the class did, its flags (with the rule as a tooltip), its key and a way to fix the key. */
export function ItemsTable({ items, rules, onFixed }: { items: readonly ItemRow[]; rules: FlagRules; onFixed: (message: string) => void }) {
  const { t } = useTranslation('results');
  const { pct, num, text } = useLocalFormat();
  const ruleText = useFlagRules(rules);
  const [fixing, setFixing] = useState<string | null>(null);
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const shown = items.filter((i) => !flaggedOnly || i.flags.length > 0);
  return (
    <section className="panel" aria-labelledby="results-items-title" id="results-items">
      <div className="results-chart-head">
        <h2 id="results-items-title">{t('items.title')}</h2>
        <label>
          <input type="checkbox" checked={flaggedOnly} onChange={(e) => setFlaggedOnly(e.target.checked)} id="results-flagged-only" />
          {t('items.flaggedOnly')}
        </label>
      </div>
      <div className="results-table-wrap">
        <table className="results-data results-items">
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col">{t('col.stem')}</th>
              <th scope="col">{t('col.answered')}</th>
              <th scope="col">{t('col.correctRate')}</th>
              <th scope="col">{t('col.discrimination')}</th>
              <th scope="col">{t('col.flags')}</th>
              <th scope="col">{t('col.key')}</th>
              <th scope="col">
                <span className="results-sr">{t('col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((i) => (
              <Fragment key={i.itemId}>
                <tr data-item-id={i.itemId} data-correct-rate={i.correctRate} data-flags={i.flags.join(' ')}>
                  <th scope="row">{i.itemId}</th>
                  <td className="results-stem">{text(i.stem, '')}</td>
                  <td>{i.n}</td>
                  <td className="results-rate">{pct(i.correctRate)}</td>
                  <td>{i.discrimination === null ? '–' : num(i.discrimination)}</td>
                  <td>
                    {i.flags.map((f) => (
                      <span key={f} className={`results-flag results-flag-${f}`} title={ruleText[f]}>
                        {t(`flags.${f}`)}
                      </span>
                    ))}
                  </td>
                  <td className="results-key">{i.type === 'true_false' ? t(i.key === 'T' ? 'fix.true' : 'fix.false') : (i.key ?? t('items.scoredByHand'))}</td>
                  <td>
                    {i.key !== null ? (
                      <button type="button" data-fix-key={i.itemId} aria-expanded={fixing === i.itemId} onClick={() => setFixing(fixing === i.itemId ? null : i.itemId)}>
                        {t('fix.open')}
                      </button>
                    ) : null}
                  </td>
                </tr>
                {fixing === i.itemId ? (
                  <tr>
                    <td colSpan={8}>
                      <KeyFix
                        item={i}
                        onCancel={() => setFixing(null)}
                        onFixed={(message) => {
                          setFixing(null);
                          onFixed(message);
                        }}
                      />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
