import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type InputOf, type OutputOf } from '../api';
import { ErrorView, Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';
import { StudentSelect } from './StudentSelect';
import { useAction } from './useAction';

type Printers = OutputOf<'printers'>;
type Printed = OutputOf<'printSet'>;
type Destination = InputOf<'printSet'>['to'];
type Student = { studentId: string; name: string };
/** What the last print did, and whether its PDF should download by itself (Save PDF). */
type Outcome = { printed: Printed; download: boolean };

/** Print the approved set to a CUPS printer (copies, duplex) or save it as a PDF; reprint one student's workbook. */
export function PrintPanel({ setId, students, onPrinted }: { setId: string; students: readonly Student[]; onPrinted: () => void }) {
  const { t } = useTranslation('print');
  const printers = useHandler('printers', {});
  const [queue, setQueue] = useState('');
  const [copies, setCopies] = useState(1);
  const [duplex, setDuplex] = useState(true);
  const [reprintId, setReprintId] = useState(students[0]?.studentId ?? '');
  const { busy, error, run: runAction } = useAction();
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const available = printers.status === 'ready' ? printers.value.printers : [];
  const chosen = available.find((p) => p.name === queue) ?? available.find((p) => p.isDefault) ?? available[0];
  const toPrinter: Destination | null = chosen ? { kind: 'printer', queue: chosen.name, copies, duplex } : null;

  const run = (to: Destination, studentId?: string) => {
    setOutcome(null);
    return runAction(
      () => call('printSet', { setId, to, ...(studentId ? { studentId } : {}) }),
      (printed) => {
        setOutcome({ printed, download: to.kind === 'pdf' });
        onPrinted();
      },
    );
  };

  return (
    <section id="print-panel" className="panel" aria-labelledby="print-panel-title" aria-busy={busy}>
      <h2 id="print-panel-title">{t('printer.title')}</h2>
      <Loadable state={printers} reload={printers.reload}>
        {(v) => (v.noPrinter ? <NoPrinter reason={v.noPrinter} onRecheck={printers.reload} /> : <PrinterChoice printers={v.printers} queue={chosen?.name ?? ''} onQueue={setQueue} />)}
      </Loadable>
      <div className="print-fields">
        <label>
          {t('printer.copies')}
          <input id="copies" type="number" min={1} max={200} value={copies} onChange={(e) => setCopies(Math.max(1, Number(e.target.value) || 1))} disabled={!toPrinter} />
        </label>
        <label>
          <input id="duplex" type="checkbox" checked={duplex} onChange={(e) => setDuplex(e.target.checked)} disabled={!toPrinter} />
          {t('printer.duplex')}
        </label>
      </div>
      <div className="print-actions">
        <button id="print-button" type="button" className="primary" disabled={busy || !toPrinter} onClick={() => toPrinter && run(toPrinter)}>
          {t('printer.print')}
        </button>
        <button id="save-pdf" type="button" disabled={busy} onClick={() => run({ kind: 'pdf' })}>
          {t('printer.savePdf')}
        </button>
      </div>
      <fieldset className="print-reprint">
        <legend>{t('reprint.title')}</legend>
        <label>
          {t('reprint.student')}
          <StudentSelect id="reprint-student" students={students} value={reprintId} onChange={setReprintId} />
        </label>
        <button id="reprint-print" type="button" disabled={busy || !toPrinter || !reprintId} onClick={() => toPrinter && run(toPrinter, reprintId)}>
          {t('reprint.print')}
        </button>
        <button id="reprint-pdf" type="button" disabled={busy || !reprintId} onClick={() => run({ kind: 'pdf' }, reprintId)}>
          {t('reprint.savePdf')}
        </button>
        <p className="muted">{t('reprint.note')}</p>
      </fieldset>
      {busy ? (
        <p className="loading" role="status">
          {t('printer.busy')}
        </p>
      ) : null}
      {error ? <ErrorView error={error} /> : null}
      {outcome ? <OutcomeView key={outcome.printed.jobId} outcome={outcome} /> : null}
    </section>
  );
}

function PrinterChoice({ printers, queue, onQueue }: { printers: Printers['printers']; queue: string; onQueue: (q: string) => void }) {
  const { t } = useTranslation('print');
  return (
    <label>
      {t('printer.printer')}
      <select id="printer" value={queue} onChange={(e) => onQueue(e.target.value)}>
        {printers.map((p) => (
          <option key={p.name} value={p.name}>
            {p.isDefault ? t('printer.default', { name: p.name }) : p.enabled ? p.name : t('printer.paused', { name: p.name })}
          </option>
        ))}
      </select>
    </label>
  );
}

function NoPrinter({ reason, onRecheck }: { reason: NonNullable<Printers['noPrinter']>; onRecheck: () => void }) {
  const { t } = useTranslation('print');
  return (
    <div id="no-printer" className="print-no-printer" role="status" data-reason={reason.kind}>
      <strong>{t(`printer.noPrinter.${reason.kind}`)}</strong>
      <p>{t('printer.noPrinter.fix')}</p>
      <button id="printers-recheck" type="button" onClick={onRecheck}>
        {t('printer.noPrinter.recheck')}
      </button>
    </div>
  );
}

/** The job's pages, where they went, the printer's progress, and the PDF to download. */
function OutcomeView({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation('print');
  const { printed } = outcome;
  const link = useRef<HTMLAnchorElement>(null);
  const requestId = printed.printer?.requestId ?? null;
  const [state, setState] = useState<'pending' | 'completed' | 'unknown'>('pending');
  useEffect(() => {
    if (outcome.download) link.current?.click();
  }, [outcome]);
  useEffect(() => {
    if (!requestId) return;
    let stopped = false;
    const check = async () => {
      const r = await call('printRequest', { requestId });
      if (stopped || !r.ok) return;
      setState(r.value.state);
      if (r.value.state === 'pending') timer = setTimeout(check, 1000);
    };
    let timer = setTimeout(check, 300);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [requestId]);
  const counts = { jobId: printed.jobId, pages: printed.pages, students: printed.students };
  return (
    <div id="print-outcome" className="print-outcome" role="status" data-job-id={printed.jobId} data-pages={printed.pages} data-request-id={requestId ?? ''} data-state={requestId ? state : ''}>
      {printed.printer === null ? <p>{t('outcome.saved', counts)}</p> : null}
      {printed.printer?.requestId ? (
        <p>
          {t('outcome.sent', { ...counts, queue: printed.printer.queue, requestId: printed.printer.requestId })} <strong>{t(`outcome.state.${state}`)}</strong>
        </p>
      ) : null}
      {printed.printer?.refused ? <p className="bad">{t('outcome.refused', { detail: printed.printer.refused })}</p> : null}
      <a id="download-pdf" ref={link} href={`/print/pdf/${encodeURIComponent(printed.pdfName)}`} download={printed.pdfName}>
        {t('outcome.download', { name: printed.pdfName })}
      </a>
    </div>
  );
}
