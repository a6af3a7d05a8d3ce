import { useTranslation } from 'react-i18next';
import type { Run } from './RunPanel';

type Problem = Run['problems'][number];

/** Where each image corner is in a 100 × 141 box (A4 proportions), for marking a damaged corner. */
const CORNER_AT = { tl: [6, 6], tr: [94, 6], br: [94, 135], bl: [6, 135] } as const;
/** Problems about the whole sheet: the sheet is framed. */
const WHOLE_SHEET = new Set(['not_ours', 'other_station', 'other_class', 'blank', 'faint', 'bent', 'old_layout', 'unreadable', 'failed', 'qr_damaged']);

/** A sheet the station did not use: its image with the problem marked, the reason in plain words, and what to do with the paper. */
export function ProblemCard({ problem }: { problem: Problem }) {
  const { t, i18n } = useTranslation('scan');
  const titleId = `scan-problem-${problem.key.replace(/\W/g, '-')}`;
  const where = problem.sheet === null ? t('problem.image', { id: problem.imageId }) : t('problem.sheet', { sheet: problem.sheet, side: t(`side.${problem.side ?? 'front'}`) });
  return (
    <article className="scan-problem" data-kind={problem.kind} data-image-id={problem.imageId} aria-labelledby={titleId}>
      <figure className="scan-problem-figure">
        <img src={`/scan-image/${problem.imageId}?w=360`} alt={t('problem.imageAlt', { where })} width={180} />
        <svg viewBox="0 0 100 141" preserveAspectRatio="none" aria-hidden="true" className="scan-problem-marks">
          {WHOLE_SHEET.has(problem.kind) || problem.corners.length === 0 ? <rect x="1.5" y="1.5" width="97" height="138" className="scan-mark" /> : null}
          {problem.corners.map((c) => (
            <circle key={c} cx={CORNER_AT[c][0]} cy={CORNER_AT[c][1]} r="9" className="scan-mark" />
          ))}
        </svg>
      </figure>
      <div>
        <h3 id={titleId} className="scan-problem-reason">
          {problem.kind === 'torn_corner' && problem.corners.length === 0
            ? t('problem.kind.torn_corner.reasonAny')
            : t(`problem.kind.${problem.kind}.reason`, {
                corner: new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(problem.corners.map((c) => t(`corner.${c}`))),
                className: problem.className ?? '',
              })}
        </h3>
        <p className="muted">
          {where}
          {problem.student ? ` · ${problem.student}` : ''}
        </p>
        <p>
          <strong>{t('problem.todoLabel')}</strong> {t(`problem.kind.${problem.kind}.todo`)}
        </p>
        {problem.detail ? <p className="muted scan-detail">{problem.detail}</p> : null}
      </div>
    </article>
  );
}
