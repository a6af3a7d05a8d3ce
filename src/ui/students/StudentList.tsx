import { useTranslation } from 'react-i18next';
import type { OutputOf } from '../api';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { hrefOf } from '../router';
import { useFormats } from './format';
import { useLiveReload } from './useLiveReload';

type ClassOverview = OutputOf<'studentsOverview'>['classes'][number];

/** Every class with its students, one line each: skills mastered and open wrong questions, or no scans yet. */
export function StudentList() {
  const { t } = useTranslation('students');
  const overview = useHandler('studentsOverview', {});
  useLiveReload(overview.reload);
  return (
    <section className="students-list" aria-labelledby="students-title">
      <h1 id="students-title">{t('title')}</h1>
      <Loadable state={overview} reload={overview.reload} isEmpty={(v) => v.classes.length === 0} empty={t('noClasses')}>
        {({ classes }) => (
          <div className="students-classes">
            {classes.map((cls) => (
              <ClassTable key={cls.id} cls={cls} />
            ))}
          </div>
        )}
      </Loadable>
    </section>
  );
}

function ClassTable({ cls }: { cls: ClassOverview }) {
  const { t } = useTranslation('students');
  const f = useFormats();
  return (
    <div className="panel" data-class-id={cls.id}>
      <table>
        <caption className="students-caption">{t('classCaption', { name: cls.name, grade: cls.grade, count: cls.students.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('student')}</th>
            <th scope="col">{t('state')}</th>
          </tr>
        </thead>
        <tbody>
          {cls.students.map((s) => (
            <tr key={s.id} data-student-id={s.id} data-open-wrong={s.openWrong}>
              <td>
                <a href={hrefOf('students', s.id)} className="students-name">
                  {s.displayName}
                </a>{' '}
                <span className="muted">{s.id}</span>
              </td>
              <td className="students-state">
                {s.graded === 0 ? (
                  <span className="muted">{t('noScansYet')}</span>
                ) : (
                  <>
                    {t('masteredOf', { mastered: s.mastered, skills: s.skills })}
                    {s.meanP === null ? null : ` · ${t('meanP', { p: f.percent(s.meanP) })}`} · <span className={s.openWrong ? 'warn' : 'good'}>{t('openWrong', { count: s.openWrong })}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
