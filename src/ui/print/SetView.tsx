import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type OutputOf } from '../api';
import { useStationEvents } from '../events';
import { Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { Refusal } from './ComposeForm';
import { usePrintFormat } from './format';
import { PrintPanel } from './PrintPanel';
import { Previews } from './Previews';
import { useAction } from './useAction';

type Ledger = OutputOf<'printLedger'>;

/** One set: its cap ledger, Approve while it is a draft, its pages, and printing once approved. */
export function SetView({ setId, onChanged }: { setId: string; onChanged: () => void }) {
  const { t } = useTranslation('print');
  const f = usePrintFormat();
  const [version, setVersion] = useState(0);
  const ledger = useHandler('printLedger', { setId }, `${setId}/${version}`);
  const changed = () => {
    setVersion((v) => v + 1);
    onChanged();
  };
  return (
    <Loadable state={ledger} reload={ledger.reload}>
      {(l) => (
        <section id="print-set" className="print-set" data-set-id={l.setId} data-status={l.status} aria-labelledby="print-set-title">
          <div className="panel">
            <h2 id="print-set-title">{t('set.title', { subject: f.subject(l.subject), className: l.className, date: f.date(l.date) })}</h2>
            <p className={`print-set-status print-status-${l.status}`}>{t(`set.status.${l.status}`)}</p>
            <LedgerTable ledger={l} />
            {l.status === 'draft' ? <ApproveButton setId={l.setId} onApproved={changed} /> : null}
          </div>
          <Previews setId={l.setId} students={l.students} />
          {l.status === 'approved' ? <PrintPanel setId={l.setId} students={l.students} onPrinted={onChanged} /> : <p className="panel muted">{t('printer.notApproved')}</p>}
        </section>
      )}
    </Loadable>
  );
}

function LedgerTable({ ledger }: { ledger: Ledger }) {
  const { t } = useTranslation('print');
  const f = usePrintFormat();
  return (
    <>
      <p id="ledger-summary" className={ledger.overCap ? 'bad' : 'good'} role="status">
        {ledger.overCap ? t('ledger.someOver', { count: ledger.overCap, cap: ledger.capMinutes }) : t('ledger.allWithin', { cap: ledger.capMinutes })}
      </p>
      <div className="print-ledger-scroll" tabIndex={0} role="region" aria-labelledby="ledger-title">
        <table id="print-ledger" aria-labelledby="ledger-title">
          <caption id="ledger-title">{t('ledger.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('ledger.student')}</th>
              <th scope="col">{t('ledger.tier')}</th>
              <th scope="col">{t('ledger.thisSet')}</th>
              <th scope="col">{t('ledger.booked')}</th>
              <th scope="col">{t('ledger.total')}</th>
              <th scope="col">{t('ledger.state', { cap: ledger.capMinutes })}</th>
            </tr>
          </thead>
          <tbody>
            {ledger.students.map((s) => (
              <tr key={s.studentId} data-student-id={s.studentId} data-over-cap={s.overCap} className={s.overCap ? 'print-over' : undefined}>
                <th scope="row">{s.name}</th>
                <td>{t(`tier.${s.tier}`)}</td>
                <td>{f.minutes(s.minutes)}</td>
                <td>{s.booked.length ? s.booked.map((b) => `${f.subject(b.subject)} ${f.minutes(b.minutes)}`).join(', ') : '—'}</td>
                <td>{f.minutes(s.minutes + s.bookedMinutes)}</td>
                <td className={s.overCap ? 'bad' : 'good'}>{s.overCap ? `⚠ ${t('ledger.over')}` : `✓ ${t('ledger.ok')}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Approving reads each new page layout back first (the self-test); its `self_test` events say how far it is. */
function ApproveButton({ setId, onApproved }: { setId: string; onApproved: () => void }) {
  const { t } = useTranslation('print');
  const { busy, error, run } = useAction();
  const [checked, setChecked] = useState<{ done: number; total: number } | null>(null);
  useStationEvents((e) => {
    if (e.type === 'self_test' && e.setId === setId) setChecked({ done: Number(e.done), total: Number(e.total) });
  });
  const approve = () => {
    setChecked(null);
    return run(() => call('approve', { setId }), onApproved);
  };
  return (
    <div className="print-approve">
      <button id="approve" type="button" className="primary" onClick={approve} disabled={busy}>
        {busy ? t('approve.busy') : t('approve.button')}
      </button>
      {busy && checked ? (
        <p className="print-selftest" role="status" data-selftest-done={checked.done} data-selftest-total={checked.total}>
          <progress max={checked.total} value={checked.done} aria-label={t('approve.selfTestLabel')} /> {t('approve.selfTest', { done: checked.done, total: checked.total })}
        </p>
      ) : null}
      {error ? <Refusal error={error} summary={error.code === 'over_cap' ? t('approve.refused', { count: error.details?.length ?? 0 }) : null} /> : null}
    </div>
  );
}
