import { useState, type FormEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { numberedChoices, type Decision, type Slot } from './keys';

const SHOWN_MEMBERS = 24;

/** A reason code of the reader ('marginal_mark:B', 'erased:2:0', 'low_ocr_margin') in the teacher's words. */
function useReasonText() {
  const { t } = useTranslation('review');
  return (code: string) => {
    const [name = code, ...rest] = code.split(':');
    const target = rest.length === 2 ? t('gridTarget', { column: Number(rest[0]) + 1, digit: rest[1] }) : rest.join(':');
    return t(`reason.${name}`, { target, defaultValue: code });
  };
}

/** The text of a question in the teacher's language (stems are keyed zh/en), else whatever it has. */
export function stemText(stem: Record<string, string>, language: string): string {
  return stem[language.slice(0, 2)] ?? Object.values(stem)[0] ?? '';
}

/** One decision's worth of the queue: the field zoomed in its page, the station's reading and the choices. */
export function GroupCard({ slot, position, count, left, picked, busy, onDecide, onToggle, onSplit, answerRef }: {
  slot: Slot; position: number; count: number; left: number; picked: readonly string[]; busy: boolean;
  onDecide: (d: Decision) => void; onToggle: (option: string) => void; onSplit: () => void; answerRef: RefObject<HTMLInputElement | null>;
}) {
  const { t, i18n } = useTranslation('review');
  const reasonText = useReasonText();
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent' });
  const { question, group } = slot;
  const first = group.cards[0]!;
  const choices = numberedChoices(slot);
  const isChoice = question.options.length > 0;
  const typed = question.itemType === 'numeric' || question.itemType === 'short_text' || question.itemType === 'open';
  const responseIds = group.cards.map((c) => c.responseId);
  const stationValid = group.candidates.some((c) => c.source === 'station');
  const pickedChanged = picked.length > 0 && picked.join(',') !== group.reading;
  return (
    <article className="review-card" data-review-slot={position} data-item={question.itemId} data-item-type={question.itemType} data-reading={group.reading ?? ''} data-responses={responseIds.join(',')} aria-labelledby="review-question">
      <header className="review-card-head">
        <p className="review-position" role="status" id="review-position" data-position={position + 1} data-count={count}>
          {t('position', { i: position + 1, n: count })} · {t('left', { count: left })}
        </p>
        <h2 id="review-question">
          {t('question', { id: question.itemId })} <span className="review-stem">{stemText(question.stem, i18n.language)}</span>
        </h2>
        {question.key.length ? <p className="review-key">{t('answerKey', { key: question.key.join(t('or')) })}</p> : null}
      </header>
      <figure className="review-figure">
        <img className="review-context" src={`/crop/${first.responseId}?context=1`} alt={t('cropAlt', { student: first.studentName, id: question.itemId })} data-crop={first.responseId} />
        <figcaption>
          {group.cards.length === 1 ? t('oneStudent', { student: first.studentName }) : t('settles', { count: group.cards.length })}
        </figcaption>
      </figure>
      <div className="review-reading">
        <p>
          {t('stationRead')} <strong className="review-value" data-station-reading>{group.reading ?? t('blank')}</strong>{' '}
          <span className="review-confidence">{t('confidence', { value: percent.format(Math.min(...group.cards.map((c) => c.confidence))) })}</span>
        </p>
        {!stationValid && question.itemType !== 'open' ? <p className="review-warn">{t('cannotRecord')}</p> : null}
        <ul className="review-reasons" aria-label={t('reasons')}>
          {[...new Set(group.cards.flatMap((c) => c.reasons))].slice(0, 8).map((r) => (
            <li key={r}>{reasonText(r)}</li>
          ))}
        </ul>
        {isChoice || question.itemType === 'numeric' ? <Fills fills={first.fills} /> : null}
      </div>
      <div className="review-choices" role="group" aria-label={t('choices')}>
        {isChoice
          ? question.options.map((o) => (
              <button key={o} type="button" disabled={busy} data-choice={o} aria-pressed={question.itemType === 'multiple_choice' ? picked.includes(o) : undefined}
                className={o === group.reading ? 'review-choice station' : 'review-choice'} onClick={() => (question.itemType === 'multiple_choice' ? onToggle(o) : onDecide({ kind: 'answer', answer: o }))}>
                <kbd>{o}</kbd> {o === group.reading ? t('stationMark') : null}
              </button>
            ))
          : null}
        {question.itemType === 'open'
          ? Array.from({ length: Math.min(question.maxScore, 9) + 1 }, (_, s) => (
              <button key={s} type="button" disabled={busy} data-choice={String(s)} className="review-choice" onClick={() => onDecide({ kind: 'answer', answer: String(s) })}>
                <kbd>{s}</kbd> {t('points', { count: s })}
              </button>
            ))
          : null}
        {question.itemType === 'numeric' || question.itemType === 'short_text' || (question.itemType === 'multiple_choice' && choices.length > 1)
          ? choices.map((c, i) => (
              <button key={c.value} type="button" disabled={busy} data-choice={c.value} className={`review-choice ${c.source}`} onClick={() => onDecide({ kind: 'answer', answer: c.value })}>
                <kbd>{i + 1}</kbd> <span className="review-choice-value">{c.value}</span> <span className="review-source">{t(`source.${c.source}`)}</span>
              </button>
            ))
          : null}
        {question.itemType !== 'open' ? (
          <button type="button" disabled={busy} data-choice="wrong" className="review-choice wrong" onClick={() => onDecide({ kind: 'score', score: 0 })}>
            <kbd>0</kbd> {t('wrong')}
          </button>
        ) : null}
        {stationValid || picked.length ? (
          <button type="button" disabled={busy} data-choice="accept" className="review-choice primary" onClick={() => onDecide(pickedChanged ? { kind: 'answer', answer: picked.join(',') } : { kind: 'accept' })}>
            <kbd>Enter</kbd> {pickedChanged ? t('recordPicked', { picked: picked.join(',') }) : t('accept')}
          </button>
        ) : null}
      </div>
      {typed ? <TypedAnswer key={responseIds.join(',')} open={question.itemType === 'open'} busy={busy} onDecide={onDecide} answerRef={answerRef} /> : null}
      {group.cards.length > 1 ? (
        <>
          <button type="button" id="review-split" onClick={onSplit}>
            <kbd>S</kbd> {t('split')}
          </button>
          <Members cards={group.cards} />
        </>
      ) : null}
    </article>
  );
}

function Fills({ fills }: { fills: readonly { value: string; fill: number }[] }) {
  const { t } = useTranslation('review');
  const shown = [...fills].sort((a, b) => b.fill - a.fill).slice(0, 6);
  if (!shown.length) return null;
  return (
    <ul className="review-fills" aria-label={t('darkness')}>
      {shown.map((f) => (
        <li key={f.value}>
          <span className="review-fill-label">{f.value}</span>
          <span className="review-fill-bar" aria-hidden="true">
            <span style={{ width: `${Math.round(Math.min(1, f.fill) * 100)}%` }} />
          </span>
          <span>{Math.round(f.fill * 100)}</span>
        </li>
      ))}
    </ul>
  );
}

function TypedAnswer({ open, busy, onDecide, answerRef }: { open: boolean; busy: boolean; onDecide: (d: Decision) => void; answerRef: RefObject<HTMLInputElement | null> }) {
  const { t } = useTranslation('review');
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim() !== '') onDecide({ kind: 'answer', answer: value.trim() });
  };
  return (
    <form className="review-typed" onSubmit={submit}>
      <label>
        {open ? t('typeScore') : t('typeAnswer')} <kbd>/</kbd>
        <input id="review-answer" ref={answerRef} value={value} inputMode={open ? 'numeric' : 'text'} autoComplete="off" onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && (e.target as HTMLInputElement).blur()} />
      </label>
      <button type="submit" disabled={busy || value.trim() === ''}>
        {t('record')}
      </button>
    </form>
  );
}

function Members({ cards }: { cards: readonly { responseId: number; studentName: string }[] }) {
  const { t } = useTranslation('review');
  return (
    <section className="review-members" aria-label={t('members')}>
      <ul>
        {cards.slice(0, SHOWN_MEMBERS).map((c) => (
          <li key={c.responseId} data-member={c.responseId}>
            <img src={`/crop/${c.responseId}`} alt={t('memberAlt', { student: c.studentName })} loading="lazy" />
            <span>{c.studentName}</span>
          </li>
        ))}
      </ul>
      {cards.length > SHOWN_MEMBERS ? <p className="muted">{t('more', { count: cards.length - SHOWN_MEMBERS })}</p> : null}
    </section>
  );
}
