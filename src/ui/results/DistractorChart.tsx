import { useTranslation } from 'react-i18next';
import { ChartFigure } from './ChartFigure';
import { useLocalFormat } from './format';
import type { ItemRow } from './types';

const ROW = 22;
const LABEL = 170;
const BAR = 420;
const WIDTH = LABEL + BAR + 190;

/** The right options of a choice item, as the key lists them ('B', 'A,C', 'T'). */
const rightOptions = (item: ItemRow) => new Set((item.key ?? '').split(','));

/** Choice items that drew wrong answers: every option's share as one stacked bar, the right ones green, the most common wrong one named. */
export function DistractorChart({ items }: { items: readonly ItemRow[] }) {
  const { t } = useTranslation('results');
  const { pct } = useLocalFormat();
  const rows = items
    .filter((i) => i.options.length > 0 && Object.entries(i.optionCounts).some(([o, c]) => c > 0 && !rightOptions(i).has(o)))
    .sort((a, b) => (b.misconception?.share ?? 0) - (a.misconception?.share ?? 0) || a.itemId.localeCompare(b.itemId));
  const height = Math.max(1, rows.length) * ROW + 8;
  const common = rows.filter((r) => r.misconception).length;
  return (
    <ChartFigure
      id="results-distractors"
      title={t('distractors.title')}
      summary={t('distractors.summary', { count: rows.length, common })}
      width={WIDTH}
      height={height}
      legend={
        <p>
          <span className="results-swatch results-swatch-right" /> {t('distractors.right')} <span className="results-swatch results-swatch-wrong" /> {t('distractors.wrong')}{' '}
          <span className="results-swatch results-swatch-common" /> {t('distractors.common')}
        </p>
      }
      table={
        <table className="results-data">
          <caption>{t('distractors.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col">{t('col.key')}</th>
              <th scope="col">{t('col.options')}</th>
              <th scope="col">{t('col.commonWrong')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((i) => (
              <tr key={i.itemId}>
                <th scope="row">{i.itemId}</th>
                <td>{i.key}</td>
                <td>{Object.entries(i.optionCounts).map(([o, c]) => `${o}: ${c}`).join(' · ')}</td>
                <td>{i.misconception ? `${i.misconception.answer} (${pct(i.misconception.share)})` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {rows.length === 0 ? (
        <text x={8} y={16} className="results-axis">
          {t('distractors.none')}
        </text>
      ) : null}
      {rows.map((item, row) => {
        const right = rightOptions(item);
        const total = Object.values(item.optionCounts).reduce((a, b) => a + b, 0) || 1;
        let at = LABEL;
        return (
          <g key={item.itemId} transform={`translate(0 ${row * ROW})`}>
            <text x={LABEL - 6} y={15} textAnchor="end" className="results-axis">
              {item.itemId}
            </text>
            {Object.entries(item.optionCounts).map(([option, count]) => {
              const w = (count / total) * BAR;
              const x = at;
              at += w;
              if (count === 0) return null;
              const kind = right.has(option) ? 'right' : item.misconception?.answer === option ? 'common' : 'wrong';
              return (
                <g key={option}>
                  <rect x={x} y={3} width={w} height={ROW - 6} className={`results-seg results-seg-${kind}`} />
                  {w > 16 ? (
                    <text x={x + w / 2} y={15} textAnchor="middle" className="results-seg-label">
                      {option}
                    </text>
                  ) : null}
                </g>
              );
            })}
            <text x={LABEL + BAR + 6} y={15} className="results-value">
              {item.misconception ? t('distractors.commonIs', { option: item.misconception.answer, share: pct(item.misconception.share) }) : ''}
            </text>
          </g>
        );
      })}
    </ChartFigure>
  );
}
