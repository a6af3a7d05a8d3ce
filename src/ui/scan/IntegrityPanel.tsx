import { useTranslation } from 'react-i18next';
import type { Run } from './RunPanel';

type Integrity = NonNullable<Run['integrity']>;
type StudentRow = Integrity['students'][number];

const hasProblem = (s: StudentRow) => s.missingPages.length > 0 || s.duplicatePages.length > 0;

/**
 * The stack against the printed manifest, while it is scanned: per student, pages missing and pages
 * scanned twice, and blank backs; foreign and blank sheets for the whole stack. Students with a
 * problem come first; complete ones are counted.
 */
export function IntegrityPanel({ integrity }: { integrity: Integrity | null }) {
  const { t, i18n } = useTranslation('scan');
  if (!integrity)
    return (
      <section className="panel scan-integrity" aria-labelledby="scan-integrity-title" id="scan-integrity" data-complete="unknown">
        <h2 id="scan-integrity-title">{t('integrity.title')}</h2>
        <p className="muted">{t('integrity.waiting')}</p>
      </section>
    );
  const list = (pages: number[]) => new Intl.ListFormat(i18n.language, { style: 'narrow', type: 'unit' }).format(pages.map(String));
  const problems = integrity.students.filter(hasProblem);
  const complete = integrity.students.length - problems.length;
  return (
    <section className="panel scan-integrity" aria-labelledby="scan-integrity-title" id="scan-integrity" data-complete={String(integrity.complete)} data-job={integrity.jobId}>
      <h2 id="scan-integrity-title">{t('integrity.title')}</h2>
      <p>
        {t('integrity.stack', { className: integrity.className, date: integrity.date ?? '', subject: integrity.subject ?? '' })}{' '}
        <strong className={integrity.complete ? 'good' : 'warn'}>{integrity.complete ? t('integrity.complete') : t('integrity.incomplete', { count: problems.length })}</strong>
      </p>
      <ul className="scan-integrity-totals">
        <li id="scan-integrity-done">{t('integrity.studentsComplete', { count: complete, total: integrity.students.length })}</li>
        <li id="scan-integrity-foreign" data-count={integrity.foreignSheets}>
          {t('integrity.foreign', { count: integrity.foreignSheets })}
        </li>
        <li>{t('integrity.blankSheets', { count: integrity.blankSheets })}</li>
      </ul>
      {problems.length ? (
        <div className="scan-integrity-table" role="region" tabIndex={0} aria-labelledby="scan-integrity-title">
          <table>
            <caption className="muted">{t('integrity.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('integrity.student')}</th>
                <th scope="col">{t('integrity.received')}</th>
                <th scope="col">{t('integrity.missing')}</th>
                <th scope="col">{t('integrity.duplicates')}</th>
                <th scope="col">{t('integrity.blankBacks')}</th>
              </tr>
            </thead>
            <tbody>
              {problems.map((s) => (
                <tr key={s.studentId} data-student={s.studentId} data-missing={s.missingPages.join(',')}>
                  <th scope="row">{s.name}</th>
                  <td>{t('integrity.receivedOf', { received: s.received, expected: s.expected })}</td>
                  <td className={s.missingPages.length ? 'bad' : ''}>{s.missingPages.length ? t('integrity.pages', { list: list(s.missingPages) }) : '–'}</td>
                  <td className={s.duplicatePages.length ? 'warn' : ''}>{s.duplicatePages.length ? t('integrity.pages', { list: list(s.duplicatePages) }) : '–'}</td>
                  <td>{s.blankBacks}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
