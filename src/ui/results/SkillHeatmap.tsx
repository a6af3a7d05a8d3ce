import { useTranslation } from 'react-i18next';
import { hrefOf } from '../router';
import { ChartFigure } from './ChartFigure';
import { useLocalFormat } from './format';
import type { ResultsView } from './types';

const CELL = 24;
const LEFT = 150;
const TOP = 170;

/** Mastery p as a colour from red (0) through amber to green (1); contrast with the cell's white text stays readable at both ends. */
export function masteryColour(p: number): string {
  const hue = Math.round(Math.max(0, Math.min(1, p)) * 130);
  return `hsl(${hue} 65% 36%)`;
}

/** Students × skills: each cell the student's mastery of the skill (blank where the skill was not practised). */
export function SkillHeatmap({ heatmap, names }: { heatmap: ResultsView['heatmap']; names: ReadonlyMap<string, string> }) {
  const { t } = useTranslation('results');
  const { pct, text } = useLocalFormat();
  const width = LEFT + heatmap.skills.length * CELL + 10;
  const height = TOP + heatmap.students.length * CELL + 10;
  const skillName = (i: number) => text(heatmap.skills[i]?.name, heatmap.skills[i]?.id ?? '');
  const observed = heatmap.p.flat().filter((p) => p !== null).length;
  return (
    <ChartFigure
      id="results-heatmap"
      title={t('heatmap.title')}
      summary={t('heatmap.summary', { students: heatmap.students.length, skills: heatmap.skills.length, observed })}
      width={width}
      height={height}
      legend={
        <p>
          <span className="results-swatch" style={{ background: masteryColour(0) }} /> {pct(0)} <span className="results-swatch" style={{ background: masteryColour(0.5) }} /> {pct(0.5)}{' '}
          <span className="results-swatch" style={{ background: masteryColour(1) }} /> {pct(1)} <span className="results-swatch results-swatch-none" /> {t('heatmap.notPractised')}
        </p>
      }
      table={
        <table className="results-data">
          <caption>{t('heatmap.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('col.student')}</th>
              {heatmap.skills.map((s, i) => (
                <th key={s.id} scope="col">
                  {skillName(i)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {heatmap.students.map((id, row) => (
              <tr key={id}>
                <th scope="row">
                  <a href={hrefOf('students', id)}>{names.get(id) ?? id}</a>
                </th>
                {heatmap.skills.map((s, col) => {
                  const p = heatmap.p[row]?.[col] ?? null;
                  return <td key={s.id}>{p === null ? '–' : `${pct(p)} (n=${heatmap.n[row]?.[col] ?? 0})`}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {heatmap.skills.map((s, col) => (
        <text key={s.id} transform={`translate(${LEFT + col * CELL + CELL / 2 + 4} ${TOP - 6}) rotate(-60)`} className="results-axis">
          {skillName(col)}
        </text>
      ))}
      {heatmap.students.map((id, row) => (
        <g key={id} transform={`translate(0 ${TOP + row * CELL})`}>
          <text x={LEFT - 6} y={CELL / 2 + 4} textAnchor="end" className="results-axis">
            {names.get(id) ?? id}
          </text>
          {heatmap.skills.map((s, col) => {
            const p = heatmap.p[row]?.[col] ?? null;
            return (
              <rect
                key={s.id}
                x={LEFT + col * CELL}
                y={1}
                width={CELL - 2}
                height={CELL - 2}
                className={p === null ? 'results-cell-none' : undefined}
                fill={p === null ? undefined : masteryColour(p)}
              >
                <title>{`${names.get(id) ?? id} · ${skillName(col)}: ${p === null ? t('heatmap.notPractised') : pct(p)}`}</title>
              </rect>
            );
          })}
        </g>
      ))}
    </ChartFigure>
  );
}
