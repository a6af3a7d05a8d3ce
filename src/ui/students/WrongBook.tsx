import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { ErrorView } from '../components/Loadable';
import { useFormats } from './format';
import type { StudentDetail } from './types';

type Pdf = { status: 'none' } | { status: 'making' } | { status: 'made'; href: string; file: string } | { status: 'failed'; error: HandlerError };

/** The wrong-question book (错题本) by knowledge point, and its printable PDF (in the student's print language). */
export function WrongBook({ studentId, classId, book }: { studentId: string; classId: string; book: StudentDetail['wrongBook'] }) {
  const { t } = useTranslation('students');
  const f = useFormats();
  const [pdf, setPdf] = useState<Pdf>({ status: 'none' });
  const makePdf = async () => {
    setPdf({ status: 'making' });
    const r = await call('studentWrongBookPdf', { studentId, classId });
    setPdf(r.ok ? { status: 'made', ...r.value } : { status: 'failed', error: r.error });
  };
  return (
    <div className="panel students-wrong-book" id="wrong-book">
      <h2 id="wrong-book-title">{t('wrongBook.title', { count: book.open })}</h2>
      {book.open === 0 ? (
        <p className="empty" role="status">
          {t('wrongBook.none')}
        </p>
      ) : (
        <>
          <div className="students-actions">
            <button type="button" id="wrong-book-pdf" onClick={() => void makePdf()} disabled={pdf.status === 'making'}>
              {pdf.status === 'making' ? t('wrongBook.making') : t('wrongBook.makePdf')}
            </button>
            {pdf.status === 'made' ? (
              <span role="status" className="students-pdf-links">
                <a id="wrong-book-open" href={pdf.href} target="_blank" rel="noopener">
                  {t('wrongBook.open')}
                </a>
                <a id="wrong-book-download" href={pdf.href} download={pdf.file}>
                  {t('wrongBook.download')}
                </a>
              </span>
            ) : null}
          </div>
          {pdf.status === 'failed' ? <ErrorView error={pdf.error} /> : null}
          <table className="students-wrong-table" aria-labelledby="wrong-book-title">
            <thead>
              <tr>
                <th scope="col">{t('wrongBook.question')}</th>
                <th scope="col">{t('wrongBook.answered')}</th>
                <th scope="col">{t('wrongBook.correct')}</th>
                <th scope="col">{t('wrongBook.on')}</th>
              </tr>
            </thead>
            {book.bySkill.map((group) => (
              <tbody key={group.skillId} data-skill-id={group.skillId}>
                <tr>
                  <th scope="rowgroup" colSpan={4} className="students-wrong-skill">
                    {group.name}
                  </th>
                </tr>
                {group.entries.map((e) => (
                  <tr key={e.itemId} data-item-id={e.itemId}>
                    <td>
                      <span className="muted">{e.itemId}</span> {e.stem}
                    </td>
                    <td className="bad">{e.answer ?? t('wrongBook.blank')}</td>
                    <td className="good">{e.correctAnswer}</td>
                    <td className="students-nowrap">{f.day(e.date)}</td>
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
          {book.cumulativeWrong > book.open ? <p className="muted">{t('wrongBook.cumulative', { count: book.cumulativeWrong })}</p> : null}
        </>
      )}
    </div>
  );
}
