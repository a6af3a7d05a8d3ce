import { useTranslation } from 'react-i18next';
import { hrefOf } from '../router';
import { useLocalFormat, type LocalText } from './format';

type HelpReason = { kind: 'low_correct_rate'; correctRate: number; threshold: number } | { kind: 'weak_skills'; skills: readonly string[]; threshold: number };

/** Why a student needs help, in words: a low correct rate, or the weak skills by name. */
export function HelpReasons({ reasons, skillName }: { reasons: readonly HelpReason[]; skillName: (id: string) => string }) {
  const { t } = useTranslation('results');
  const { pct } = useLocalFormat();
  return (
    <>
      {reasons
        .map((r) =>
          r.kind === 'low_correct_rate'
            ? t('help.lowRate', { rate: pct(r.correctRate), threshold: pct(r.threshold) })
            : t('help.weakSkills', { skills: r.skills.map(skillName).join(t('help.separator')), threshold: pct(r.threshold) }),
        )
        .join(t('help.separator'))}
    </>
  );
}

/** The students who need help after this day, each a link to their page. */
export function NeedsHelp({ students, names, skills }: { students: readonly { studentId: string; reasons: readonly HelpReason[] }[]; names: ReadonlyMap<string, string>; skills: ReadonlyMap<string, LocalText> }) {
  const { t } = useTranslation('results');
  const { text } = useLocalFormat();
  return (
    <section className="panel" aria-labelledby="results-help-title" id="results-help">
      <h2 id="results-help-title">{t('help.title', { count: students.length })}</h2>
      {students.length === 0 ? (
        <p className="muted">{t('help.none')}</p>
      ) : (
        <ul className="results-help">
          {students.map((s) => (
            <li key={s.studentId} data-help-student={s.studentId}>
              <a href={hrefOf('students', s.studentId)}>{names.get(s.studentId) ?? s.studentId}</a>
              {t('help.colon')}
              <HelpReasons reasons={s.reasons} skillName={(id) => text(skills.get(id), id)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
