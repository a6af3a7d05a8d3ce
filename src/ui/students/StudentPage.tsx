import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { hrefOf } from '../router';
import { contentLanguageOf } from './format';
import { MasteryTable } from './MasteryTable';
import { NextItems } from './NextItems';
import { Overrides } from './Overrides';
import { useLiveReload } from './useLiveReload';
import { WrongBook } from './WrongBook';

/** One student: mastery per skill, the wrong-question book, tomorrow's items with reasons, and the teacher's overrides. */
export function StudentPage({ studentId, classId }: { studentId: string; classId?: string }) {
  const { t, i18n } = useTranslation('students');
  const language = contentLanguageOf(i18n.language);
  const detail = useHandler('studentDetail', { studentId, language, ...(classId ? { classId } : {}) });
  useLiveReload(detail.reload);
  return (
    <section className="students-page" aria-labelledby="student-title">
      <p>
        <a href={hrefOf('students')}>{t('backToList')}</a>
      </p>
      <Loadable state={detail} reload={detail.reload}>
        {(d) => (
          <>
            <h1 id="student-title" data-student-id={d.student.id}>
              {d.student.displayName} <span className="muted">{d.student.id}</span>
            </h1>
            <p className="students-class">
              {t('inClass', { name: d.class.name, grade: d.class.grade })}
              {d.classes.length > 1
                ? d.classes
                    .filter((c) => c.id !== d.class.id)
                    .map((c) => (
                      <a key={c.id} className="students-other-class" href={hrefOf('students', d.student.id, c.id)}>
                        {t('seeClass', { name: c.name })}
                      </a>
                    ))
                : null}
            </p>
            {d.graded === 0 ? (
              <div className="empty students-no-scans" role="status" id="student-no-scans">
                {t('noScansExplained', { name: d.student.displayName })}
              </div>
            ) : null}
            <div className="students-columns">
              {d.graded > 0 ? <MasteryTable rows={d.mastery} /> : null}
              {d.graded > 0 ? <WrongBook studentId={d.student.id} classId={d.class.id} book={d.wrongBook} /> : null}
              <NextItems studentId={d.student.id} classId={d.class.id} excluded={new Set(d.overrides.filter((o) => o.kind === 'exclude').map((o) => o.value))} onChanged={detail.reload} />
              <Overrides detail={d} onChanged={detail.reload} />
            </div>
          </>
        )}
      </Loadable>
    </section>
  );
}
