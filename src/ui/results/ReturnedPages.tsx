import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { ErrorView } from '../components/Loadable';
import { hrefOf } from '../router';
import { resultsFileHref } from './Exports';
import { useLocalFormat } from './format';
import type { ResultsView } from './types';

/** Each student's scanned pages come back as a PDF with the station's reading drawn on them, to hand back or to check. */
export function ReturnedPages({ classId, date, students, needingHelp }: { classId: string; date: string; students: ResultsView['students']; needingHelp: ReadonlySet<string> }) {
  const { t } = useTranslation('results');
  const { pct } = useLocalFormat();
  const [files, setFiles] = useState<Record<string, { file: string; pages: number }>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<HandlerError | null>(null);
  const make = async (studentId: string) => {
    setBusy(studentId);
    setError(null);
    const r = await call('annotatedPages', { classId, date, studentId });
    setBusy(null);
    if (r.ok) setFiles((f) => ({ ...f, [studentId]: { file: r.value.file, pages: r.value.pages } }));
    else setError(r.error);
  };
  return (
    <section className="panel" aria-labelledby="results-pages-title" id="results-pages">
      <h2 id="results-pages-title">{t('pages.title')}</h2>
      <p className="muted">{t('pages.explain')}</p>
      {error ? <ErrorView error={error} /> : null}
      <div className="results-table-wrap">
        <table className="results-data">
          <thead>
            <tr>
              <th scope="col">{t('col.student')}</th>
              <th scope="col">{t('col.correctRate')}</th>
              <th scope="col">{t('col.pages')}</th>
              <th scope="col">{t('col.annotated')}</th>
            </tr>
          </thead>
          <tbody>
            {students.map((s) => (
              <tr key={s.studentId} data-student-id={s.studentId}>
                <th scope="row">
                  <a href={hrefOf('students', s.studentId)}>{s.name}</a>
                  {needingHelp.has(s.studentId) ? <span className="results-flag results-flag-too_hard">{t('help.badge')}</span> : null}
                </th>
                <td>{s.correctRate === null ? '–' : pct(s.correctRate)}</td>
                <td>{s.scannedPages}</td>
                <td>
                  {s.scannedPages > 0 ? (
                    <button type="button" data-annotate={s.studentId} disabled={busy !== null} onClick={() => void make(s.studentId)}>
                      {busy === s.studentId ? t('export.making') : t('pages.make', { name: s.name })}
                    </button>
                  ) : (
                    <span className="muted">{t('pages.none')}</span>
                  )}{' '}
                  {files[s.studentId] ? (
                    <a href={resultsFileHref(files[s.studentId]!.file)} download={files[s.studentId]!.file} data-annotated={s.studentId}>
                      {t('pages.download', { count: files[s.studentId]!.pages })}
                    </a>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
