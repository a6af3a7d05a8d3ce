import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { StudentSelect } from './StudentSelect';

type Student = { studentId: string; name: string };

/** Thumbnails of one student's pages as they will print (rendered on the station with mupdf; no page id is spent). */
export function Previews({ setId, students }: { setId: string; students: readonly Student[] }) {
  const { t } = useTranslation('print');
  const [studentId, setStudentId] = useState(students[0]?.studentId ?? '');
  const preview = useHandler('printPreview', { setId, studentId });
  const name = students.find((s) => s.studentId === studentId)?.name ?? studentId;
  return (
    <section id="print-previews" className="panel" aria-labelledby="previews-title">
      <h2 id="previews-title">{t('preview.title')}</h2>
      <label>
        {t('preview.student')}
        <StudentSelect id="preview-student" students={students} value={studentId} onChange={setStudentId} />
      </label>
      <Loadable state={preview} reload={preview.reload}>
        {(v) => (
          <ol className="print-thumbs">
            {v.pages.map((p) => (
              <li key={`${v.studentId}/${p.number}`}>
                <img
                  data-page={p.number}
                  src={`/print/preview/${encodeURIComponent(v.setId)}/${encodeURIComponent(v.studentId)}/${p.number}`}
                  alt={t('preview.page', { n: p.number, total: v.pages.length, name })}
                  width={198}
                  height={280}
                />
                {p.kind === 'blank_back' ? <span className="muted">{t('preview.blank')}</span> : null}
              </li>
            ))}
          </ol>
        )}
      </Loadable>
      <p className="muted">{t('preview.note')}</p>
    </section>
  );
}
