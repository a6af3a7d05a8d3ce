import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { go, hrefOf, type Route } from '../router';
import { CorrectRateChart } from '../results/CorrectRateChart';
import { DistractorChart } from '../results/DistractorChart';
import { Exports } from '../results/Exports';
import { useLocalFormat } from '../results/format';
import { ItemsTable } from '../results/ItemsTable';
import { NeedsHelp } from '../results/NeedsHelp';
import { ReturnedPages } from '../results/ReturnedPages';
import { SkillHeatmap } from '../results/SkillHeatmap';
import { useReloadOnEvents } from '../results/useReloadOnEvents';
import type { ClassResults, ResultsView } from '../results/types';
import '../results/results.css';

/** Results (#/results/<classId>/<date>): the class's item analysis as charts, key fixes, exports and the annotated pages. */
export function ResultsScreen({ route }: { route: Route }) {
  const { t } = useTranslation('results');
  const [classId, date] = route.params;
  const state = useHandler('classResults', { ...(classId ? { classId } : {}), ...(date ? { date } : {}) });
  const [message, setMessage] = useState('');
  useReloadOnEvents(state.reload);
  return (
    <div className="results">
      <h1>{t('title')}</h1>
      {message ? (
        <p role="status" className="results-message" id="results-message">
          {message}
        </p>
      ) : null}
      <Loadable state={state} reload={state.reload}>
        {(data) => (
          <>
            <Pickers data={data} />
            {data.results === null || data.date === null ? (
              <div className="empty panel" role="status" id="results-empty">
                <p>{t('empty.nothing', { name: data.className })}</p>
                <p>
                  <a href={hrefOf('print')}>{t('empty.print')}</a> · <a href={hrefOf('scan')}>{t('empty.scan')}</a>
                </p>
              </div>
            ) : (
              <ClassView
                classId={data.classId}
                date={data.date}
                view={data.results}
                onFixed={(m) => {
                  setMessage(m);
                  state.reload();
                }}
              />
            )}
          </>
        )}
      </Loadable>
    </div>
  );
}

function Pickers({ data }: { data: ClassResults }) {
  const { t } = useTranslation('results');
  const { day } = useLocalFormat();
  return (
    <div className="results-pickers panel">
      <label>
        {t('pick.class')}
        <select id="results-class" value={data.classId} onChange={(e) => go('results', e.target.value)}>
          {data.classes.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      {data.dates.length > 0 && data.date ? (
        <label>
          {t('pick.date')}
          <select id="results-date" value={data.date} onChange={(e) => go('results', data.classId, e.target.value)}>
            {data.dates.map((d) => (
              <option key={d} value={d}>
                {day(d)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {data.results ? <span className="muted">{t('pick.responses', { count: data.results.responses })}</span> : null}
    </div>
  );
}

function ClassView({ classId, date, view, onFixed }: { classId: string; date: string; view: ResultsView; onFixed: (message: string) => void }) {
  const names = new Map(view.students.map((s) => [s.studentId, s.name]));
  const skills = new Map(view.heatmap.skills.map((s) => [s.id, s.name]));
  return (
    <>
      <div className="results-top">
        <NeedsHelp students={view.needingHelp} names={names} skills={skills} />
        <Exports classId={classId} date={date} />
      </div>
      <CorrectRateChart items={view.items} rules={view.flagRules} />
      <DistractorChart items={view.items} />
      <SkillHeatmap heatmap={view.heatmap} names={names} />
      <ItemsTable items={view.items} rules={view.flagRules} onFixed={onFixed} />
      <ReturnedPages classId={classId} date={date} students={view.students} needingHelp={new Set(view.needingHelp.map((h) => h.studentId))} />
    </>
  );
}
