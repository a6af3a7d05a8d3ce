import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { ErrorView, Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { useStationEvents } from '../events';
import { DecisionLog, type LoggedDecision } from '../review/DecisionLog';
import { GroupCard } from '../review/GroupCard';
import { keyAction, slotsOf, splitSlots, stationMarks, type Board, type Decision, type Slot } from '../review/keys';
import type { Route } from '../router';
import './review.css';
import { throwIllegalValue } from '../illegal';

/**
 * The Review screen: the reads the station was unsure of, one reading group at a time (a question's identical
 * readings are settled by one decision), keyboard first. Only the current group is rendered, so a queue of
 * thousands stays quick.
 */
export function ReviewScreen(_props: { route: Route }) {
  const { t } = useTranslation('review');
  const board = useHandler('reviewBoard', {});
  const [decisions, setDecisions] = useState<LoggedDecision[]>([]);
  const [error, setError] = useState<HandlerError | null>(null);
  const [busy, setBusy] = useState(false);
  /** After an undo: show the group that holds this response once the queue has reloaded. */
  const [focusResponse, setFocusResponse] = useState<number | null>(null);
  // Reads a running scan sends to review are offered, not pushed in under the teacher's keys.
  const [arrived, setArrived] = useState(0);
  useStationEvents((e) => {
    if (e.type === 'graded' && typeof e.reviews === 'number' && e.reviews > 0) setArrived((n) => n + (e.reviews as number));
  });

  const record = async (slot: Slot, decision: Decision) => {
    setBusy(true);
    const responseIds = slot.group.cards.map((c) => c.responseId);
    const input = decision.kind === 'accept' ? { responseIds } : decision.kind === 'answer' ? { responseIds, answer: decision.answer } : { responseIds, score: decision.score };
    const r = await call('resolveGroup', input);
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return false;
    }
    setError(null);
    const answer = decision.kind === 'accept' ? (slot.group.reading ?? t('blank')) : decision.kind === 'answer' ? decision.answer : t('wrongShort');
    setDecisions((ds) => [...ds, { responseIds, itemId: slot.question.itemId, students: slot.group.cards.map((c) => c.studentName), answer, by: r.value.by, at: r.value.at }]);
    return true;
  };

  const undo = async () => {
    const last = [...decisions].reverse().find((d) => !d.undone);
    if (!last || busy) return;
    setBusy(true);
    const r = await call('undoReview', { responseIds: last.responseIds });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    setDecisions((ds) => ds.map((d) => (d === last ? { ...d, undone: { by: r.value.by, at: r.value.at } } : d)));
    setFocusResponse(last.responseIds[0]!);
    board.reload();
  };

  return (
    <section className="review" aria-labelledby="review-title">
      <h1 id="review-title">{t('title')}</h1>
      {error ? <ErrorView error={error} /> : null}
      {arrived > 0 ? (
        <p className="review-arrived" role="status">
          {t('arrived', { count: arrived })}{' '}
          <button type="button" id="review-show-new" onClick={() => { setArrived(0); setFocusResponse(null); board.reload(); }}>
            {t('showArrived')}
          </button>
        </p>
      ) : null}
      <div className="review-layout">
        <div className="review-main">
          <Loadable state={board} reload={board.reload}>
            {(value) => <ReviewQueue board={value} busy={busy} focusResponse={focusResponse} onRecord={record} onUndo={() => void undo()} />}
          </Loadable>
        </div>
        <aside className="review-side">
          <DecisionLog decisions={decisions} busy={busy} onUndo={() => void undo()} />
          <KeyHelp />
        </aside>
      </div>
    </section>
  );
}

function ReviewQueue({ board, busy, focusResponse, onRecord, onUndo }: {
  board: Board; busy: boolean; focusResponse: number | null; onRecord: (slot: Slot, d: Decision) => Promise<boolean>; onUndo: () => void;
}) {
  const { t } = useTranslation('review');
  const [split, setSplit] = useState<ReadonlySet<number>>(new Set());
  const allSlots = useMemo(() => splitSlots(slotsOf(board), split), [board, split]);
  const [decided, setDecided] = useState<ReadonlySet<number>>(new Set());
  const slots = useMemo(() => allSlots.filter((s) => !decided.has(s.group.cards[0]!.responseId)), [allSlots, decided]);
  const [at, setAt] = useState(() => Math.max(0, focusResponse === null ? 0 : allSlots.findIndex((s) => s.group.cards.some((c) => c.responseId === focusResponse))));
  // Multiple choice starts from the station's marks, so only a difference needs a key.
  const [pickedState, setPickedState] = useState<{ slot: number; picked: string[] } | null>(null);
  // A reloaded queue (after an undo) is the station's word: forget local decisions, show the reopened group.
  const shown = useRef(board);
  useEffect(() => {
    if (shown.current === board) return;
    shown.current = board;
    setDecided(new Set());
    if (focusResponse !== null) setAt(Math.max(0, allSlots.findIndex((s) => s.group.cards.some((c) => c.responseId === focusResponse))));
  }, [board, allSlots, focusResponse]);
  const position = Math.min(at, Math.max(0, slots.length - 1));
  const slot = slots[position];
  const slotKey = slot?.group.cards[0]!.responseId ?? -1;
  const picked = pickedState?.slot === slotKey ? pickedState.picked : slot ? stationMarks(slot) : [];
  const cardRef = useRef<HTMLDivElement>(null);
  const answerRef = useRef<HTMLInputElement>(null);

  const decide = async (s: Slot, d: Decision) => {
    if (busy) return;
    if (await onRecord(s, d)) {
      setDecided((prev) => new Set([...prev, ...s.group.cards.map((c) => c.responseId)]));
      cardRef.current?.focus();
    }
  };
  const move = (by: number) => {
    setAt(Math.min(Math.max(0, position + by), Math.max(0, slots.length - 1)));
  };
  const splitGroup = (s: Slot) => setSplit((prev) => new Set([...prev, s.group.cards[0]!.responseId]));
  const toggle = (o: string) => setPickedState({ slot: slotKey, picked: picked.includes(o) ? picked.filter((x) => x !== o) : [...picked, o].sort() });

  const latest = useRef({ slot, picked, busy, decide, move, toggle, onUndo, splitGroup });
  latest.current = { slot, picked, busy, decide, move, toggle, onUndo, splitGroup };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const s = latest.current;
      const action = keyAction(e, s.slot, s.picked);
      if (!action) return;
      e.preventDefault();
      if (s.busy) return;
      switch (action.kind) {
        case 'move':
          return s.move(action.by);
        case 'undo':
          return s.onUndo();
        case 'toggle':
          return s.toggle(action.option);
        case 'split':
          return s.splitGroup(s.slot!);
        case 'type':
          return answerRef.current?.focus();
        case 'confirmPicked':
          return void s.decide(s.slot!, { kind: 'answer', answer: s.picked.join(',') });
        case 'decide':
          return void s.decide(s.slot!, action.decision);
        default:
          return throwIllegalValue(action, 'review key action');
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  if (!slot)
    return (
      <p className="review-done empty" role="status" data-review-empty>
        {t('empty')}
      </p>
    );
  const left = slots.reduce((n, s) => n + s.group.cards.length, 0);
  return (
    <div ref={cardRef} tabIndex={-1} className="review-focus">
      <GroupCard key={slot.group.cards[0]!.responseId} slot={slot} position={position} count={slots.length} left={left} picked={picked} busy={busy}
        onDecide={(d) => void decide(slot, d)} onToggle={toggle} onSplit={() => splitGroup(slot)} answerRef={answerRef} />
    </div>
  );
}

function KeyHelp() {
  const { t } = useTranslation('review');
  const keys = ['letters', 'digits', 'zero', 'enter', 'arrows', 'backspace', 'slash', 'split'] as const;
  return (
    <section className="review-help panel" aria-labelledby="review-help-title">
      <h2 id="review-help-title">{t('help.title')}</h2>
      <dl>
        {keys.map((k) => (
          <div key={k}>
            <dt>
              <kbd>{t(`help.${k}.key`)}</kbd>
            </dt>
            <dd>{t(`help.${k}.what`)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
