import { useTranslation } from 'react-i18next';
import { useFormats } from './format';
import type { StudentDetail } from './types';

/** Mastery per skill: a bar for p, the number, the evidence behind it, and whether the skill counts as mastered. */
export function MasteryTable({ rows }: { rows: StudentDetail['mastery'] }) {
  const { t } = useTranslation('students');
  const f = useFormats();
  return (
    <div className="panel students-mastery">
      <h2 id="mastery-title">{t('mastery.title')}</h2>
      <table aria-labelledby="mastery-title">
        <thead>
          <tr>
            <th scope="col">{t('mastery.skill')}</th>
            <th scope="col">{t('mastery.p')}</th>
            <th scope="col">{t('mastery.evidence')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.skillId} data-skill-id={r.skillId} data-p={r.p.toFixed(3)} data-n={r.n} data-mastered={r.mastered}>
              <th scope="row" className="students-skill">
                {r.name}
              </th>
              <td className="students-meter">
                <span className="students-bar" aria-hidden="true">
                  <span className={r.mastered ? 'students-bar-fill mastered' : 'students-bar-fill'} style={{ width: `${Math.round(r.p * 100)}%` }} />
                </span>
                <span className="students-p">{f.percent(r.p)}</span>
                {r.mastered ? <span className="students-mastered good">{t('mastery.mastered')}</span> : null}
              </td>
              <td className={r.n === 0 ? 'muted students-nowrap' : 'students-nowrap'}>{t('mastery.answers', { count: r.n })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
