import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { ClassDayCard, type HomeData } from '../home/ClassDayCard';
import '../home/home.css';
import { SchoolImport } from '../import/ImportPanel';
import { useLocalFormat } from '../results/format';
import { useReloadOnEvents } from '../results/useReloadOnEvents';
import { go, hrefOf, type Route } from '../router';
import { SyncPanel } from '../sync/SyncPanel';

/** Home (#/home/<date>): the day per class, and how often the teacher kept the station's reading. */
export function HomeScreen({ route }: { route: Route }) {
  const { t } = useTranslation('home');
  const [date] = route.params;
  const state = useHandler('homeSummary', date ? { date } : {});
  useReloadOnEvents(state.reload);
  return (
    <div className="home">
      <h1>{t('title')}</h1>
      <Loadable
        state={state}
        reload={state.reload}
        isEmpty={(v) => v.classes.length === 0}
        empty={
          <p>
            {t('empty.noClasses')} <a href={hrefOf('settings')}>{t('empty.settings')}</a>
          </p>
        }
      >
        {(data) => <Day data={data} />}
      </Loadable>
      {state.status === 'ready' ? <SchoolImport hasClasses={state.value.classes.length > 0} /> : null}
    </div>
  );
}

function Day({ data }: { data: HomeData }) {
  const { t } = useTranslation('home');
  const { day, pct } = useLocalFormat();
  const dates = data.dates.includes(data.date) ? data.dates : [data.date, ...data.dates];
  return (
    <>
      <div className="panel home-top">
        <label>
          {t('date')}
          <select id="home-date" value={data.date} onChange={(e) => go('home', e.target.value)}>
            {dates.map((d) => (
              <option key={d} value={d}>
                {day(d)}
              </option>
            ))}
          </select>
        </label>
        <p id="home-agreement" data-reviewed={data.agreement.reviewed} data-kept={data.agreement.kept}>
          <strong>{t('agreement.title')}</strong>{' '}
          {data.agreement.share === null ? t('agreement.none') : t('agreement.value', { share: pct(data.agreement.share), kept: data.agreement.kept, reviewed: data.agreement.reviewed })}
        </p>
        <p>
          {data.openReviews > 0 ? (
            <a href={hrefOf('review')} id="home-open-reviews">
              {t('openReviews', { count: data.openReviews })}
            </a>
          ) : (
            t('noOpenReviews')
          )}
        </p>
      </div>
      <div className="home-classes">
        {data.classes.map((c) => (
          <ClassDayCard key={c.classId} day={c} date={data.date} skills={data.skillNames} />
        ))}
      </div>
      <SyncPanel />
    </>
  );
}
