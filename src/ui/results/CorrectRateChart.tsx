import { useTranslation } from 'react-i18next';
import { ChartFigure } from './ChartFigure';
import { useLocalFormat } from './format';
import type { FlagRules, ItemRow } from './types';

const ROW = 18;
const LABEL = 170;
const BAR = 420;
const WIDTH = LABEL + BAR + 150;

/** The rule behind each flag, in words, for the legend and the badges' tooltips. */
export function useFlagRules(rules: FlagRules) {
  const { t } = useTranslation('results');
  const { pct, num } = useLocalFormat();
  return {
    too_easy: t('flags.tooEasyRule', { rate: pct(rules.tooEasyFrom), n: rules.minAnswers }),
    too_hard: t('flags.tooHardRule', { rate: pct(rules.tooHardBelow), n: rules.minAnswers }),
    not_discriminating: t('flags.notDiscriminatingRule', { d: num(rules.discriminationBelow), n: rules.minAnswers }),
  };
}

/** Correct rate per item as horizontal bars, hardest first, with the too-hard and too-easy lines drawn in. */
export function CorrectRateChart({ items, rules }: { items: readonly ItemRow[]; rules: FlagRules }) {
  const { t } = useTranslation('results');
  const { pct } = useLocalFormat();
  const ruleText = useFlagRules(rules);
  const sorted = [...items].sort((a, b) => a.correctRate - b.correctRate || a.itemId.localeCompare(b.itemId));
  const height = sorted.length * ROW + 30;
  const flagged = items.filter((i) => i.flags.length > 0).length;
  const x = (rate: number) => LABEL + rate * BAR;
  return (
    <ChartFigure
      id="results-correct"
      title={t('correct.title')}
      summary={t('correct.summary', { count: items.length, flagged, hardest: sorted[0]?.itemId ?? '', rate: pct(sorted[0]?.correctRate ?? 0) })}
      width={WIDTH}
      height={height}
      legend={
        <ul className="results-flag-legend">
          {(['too_hard', 'too_easy', 'not_discriminating'] as const).map((f) => (
            <li key={f}>
              <span className={`results-flag results-flag-${f}`}>{t(`flags.${f}`)}</span> {ruleText[f]}
            </li>
          ))}
        </ul>
      }
      table={
        <table className="results-data">
          <caption>{t('correct.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.item')}</th>
              <th scope="col">{t('col.answered')}</th>
              <th scope="col">{t('col.correctRate')}</th>
              <th scope="col">{t('col.flags')}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((i) => (
              <tr key={i.itemId}>
                <th scope="row">{i.itemId}</th>
                <td>{i.n}</td>
                <td>{pct(i.correctRate)}</td>
                <td>{i.flags.map((f) => t(`flags.${f}`)).join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {[rules.tooHardBelow, rules.tooEasyFrom].map((r) => (
        <line key={r} x1={x(r)} x2={x(r)} y1={0} y2={height - 24} className="results-rule-line" />
      ))}
      {sorted.map((i, row) => (
        <g key={i.itemId} transform={`translate(0 ${row * ROW})`}>
          <text x={LABEL - 6} y={13} textAnchor="end" className="results-axis">
            {i.itemId}
          </text>
          <rect x={LABEL} y={3} width={Math.max(1, i.correctRate * BAR)} height={ROW - 6} className={i.flags.length ? 'results-bar results-bar-flagged' : 'results-bar'} />
          <text x={x(i.correctRate) + 4} y={13} className="results-value">
            {`${pct(i.correctRate)} · n=${i.n}${i.flags.length ? ` · ${i.flags.map((f) => t(`flags.${f}`)).join(', ')}` : ''}`}
          </text>
        </g>
      ))}
      {[0, 0.5, 1].map((r) => (
        <text key={r} x={x(r)} y={height - 8} textAnchor="middle" className="results-axis">
          {pct(r)}
        </text>
      ))}
    </ChartFigure>
  );
}
