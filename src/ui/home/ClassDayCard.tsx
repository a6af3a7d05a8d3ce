import { useTranslation } from 'react-i18next';
import type { OutputOf } from '../api';
import { HelpReasons } from '../results/NeedsHelp';
import { useLocalFormat, type LocalText } from '../results/format';
import { hrefOf } from '../router';

export type HomeData = OutputOf<'homeSummary'>;
export type ClassDay = HomeData['classes'][number];

/** A bar of done against the whole (pages back, minutes against the cap), with its numbers in words beside it. */
function Meter({ value, max, label, over = false }: { value: number; max: number; label: string; over?: boolean }) {
  return (
    <div className="home-meter">
      <meter min={0} max={Math.max(max, value, 1)} value={value} aria-label={label} className={over ? 'home-over' : undefined} />
      <span>{label}</span>
    </div>
  );
}

/** One class's day on Home: printed, came back, to review, who needs help, minutes against the cap, agreement. */
export function ClassDayCard({ day, date, skills }: { day: ClassDay; date: string; skills: Record<string, LocalText> }) {
  const { t } = useTranslation('home');
  const { pct, num, text } = useLocalFormat();
  const printed = day.sets.filter((s) => s.printed);
  return (
    <article className="panel home-class" data-class-id={day.classId} aria-labelledby={`home-class-${day.classId}`}>
      <h2 id={`home-class-${day.classId}`}>
        {day.name} <span className="muted">{t('class.grade', { grade: day.grade, students: day.students })}</span>
      </h2>
      <dl className="home-facts">
        <dt>{t('class.printed')}</dt>
        <dd data-fact="printed">
          {day.sets.length === 0 ? (
            <>
              {t('class.nothingComposed')} <a href={hrefOf('print')}>{t('class.goPrint')}</a>
            </>
          ) : printed.length === 0 ? (
            <>
              {t('class.notPrinted', { count: day.sets.length })} <a href={hrefOf('print')}>{t('class.goPrint')}</a>
            </>
          ) : (
            t('class.printedPages', { count: day.pages.printed, subjects: printed.map((s) => t(`subject.${s.subject}`, { defaultValue: s.subject })).join(t('separator')) })
          )}
        </dd>
        <dt>{t('class.cameBack')}</dt>
        <dd data-fact="scanned" data-printed={day.pages.printed} data-scanned={day.pages.scanned}>
          {day.pages.printed === 0 ? (
            '–'
          ) : day.pages.scanned === 0 ? (
            <>
              {t('class.nothingBack')} <a href={hrefOf('scan')}>{t('class.goScan')}</a>
            </>
          ) : (
            <Meter value={day.pages.scanned} max={day.pages.printed} label={t('class.pagesBack', { scanned: day.pages.scanned, printed: day.pages.printed })} />
          )}
          {day.pages.studentsMissingPages > 0 ? <p className="warn">{t('class.missing', { count: day.pages.studentsMissingPages })}</p> : null}
        </dd>
        <dt>{t('class.review')}</dt>
        <dd data-fact="reviews" data-count={day.reviews}>
          {day.reviews === 0 ? t('class.noReviews') : <a href={hrefOf('review')}>{t('class.reviews', { count: day.reviews })}</a>}
        </dd>
        <dt>{t('class.help')}</dt>
        <dd data-fact="help">
          {day.needingHelp.length === 0 ? (
            <span className="muted">{day.pages.scanned === 0 ? '–' : t('class.noHelp')}</span>
          ) : (
            <ul className="home-help">
              {day.needingHelp.map((h) => (
                <li key={h.studentId}>
                  <a href={hrefOf('students', h.studentId)} data-help-student={h.studentId}>
                    {h.name}
                  </a>
                  <span className="muted">
                    {' · '}
                    <HelpReasons reasons={h.reasons} skillName={(id) => text(skills[id], id)} />
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t('class.minutes')}</dt>
        <dd data-fact="minutes" data-cap={day.minutes.capMinutes} data-busiest={day.minutes.busiestDay}>
          {day.minutes.capMinutes === 0 ? (
            t('class.noHomework')
          ) : (
            <>
              {day.minutes.subjects.map((s) => (
                <p key={s.subject} className="home-subject">
                  {t('class.subjectMinutes', { subject: t(`subject.${s.subject}`, { defaultValue: s.subject }), min: num(s.min), max: num(s.max) })}
                </p>
              ))}
              <Meter
                value={day.minutes.busiestDay}
                max={day.minutes.capMinutes}
                over={day.minutes.studentsOverCap > 0}
                label={t('class.againstCap', { busiest: num(day.minutes.busiestDay), cap: num(day.minutes.capMinutes) })}
              />
              {day.minutes.studentsOverCap > 0 ? <p className="bad">{t('class.overCap', { count: day.minutes.studentsOverCap })}</p> : null}
            </>
          )}
        </dd>
        <dt>{t('class.agreement')}</dt>
        <dd data-fact="agreement">
          {day.agreement.share === null ? t('agreement.none') : t('agreement.value', { share: pct(day.agreement.share), kept: day.agreement.kept, reviewed: day.agreement.reviewed })}
        </dd>
      </dl>
      {day.pages.scanned > 0 ? (
        <p>
          <a href={hrefOf('results', day.classId, date)} className="home-results-link" data-results-link={day.classId}>
            {t('class.seeResults', { name: day.name })}
          </a>
        </p>
      ) : null}
    </article>
  );
}
