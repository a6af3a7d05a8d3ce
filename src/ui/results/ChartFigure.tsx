import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A chart with its words: a heading, the SVG as one image whose label says what it shows, a legend,
 * and the same numbers as a table behind a toggle (for screen readers and for reading exact values).
 */
export function ChartFigure(props: { id: string; title: string; summary: string; width: number; height: number; legend?: ReactNode; table: ReactNode; children: ReactNode }) {
  const { id, title, summary, width, height, legend, table, children } = props;
  const { t } = useTranslation('results');
  const [showTable, setShowTable] = useState(false);
  const tableId = useId();
  return (
    <section className="panel results-chart" id={id} aria-labelledby={`${id}-title`}>
      <div className="results-chart-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <button type="button" aria-expanded={showTable} aria-controls={tableId} data-toggle-table={id} onClick={() => setShowTable((s) => !s)}>
          {showTable ? t('chart.hideTable') : t('chart.showTable')}
        </button>
      </div>
      {legend ? <div className="results-legend">{legend}</div> : null}
      <div className="results-scroll" tabIndex={0} role="group" aria-label={title}>
        <svg role="img" aria-label={summary} className="results-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
          {children}
        </svg>
      </div>
      <div id={tableId} hidden={!showTable} className="results-table-wrap">
        {showTable ? table : null}
      </div>
    </section>
  );
}
