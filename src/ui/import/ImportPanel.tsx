import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImportCounts, ImportDone, ImportKind } from '../../station/handlers/app/imports';
import { call, type HandlerError } from '../api';
import { ErrorView } from '../components/Loadable';
import './import.css';
import { readUpload } from './readUpload';
import { throwIllegalValue } from '../illegal';

/** The largest file the app sends (the station's UPLOAD_MAX_BYTES: a 1 MB request holds 700 KB as base64). */
const MAX_FILE_BYTES = 700 * 1024;
const KINDS: readonly ImportKind[] = ['roster', 'skills', 'items'];
const ACCEPT: Record<ImportKind, string> = { roster: '.csv', skills: '.json,.csv', items: '.json,.csv,.xml,.zip' };
const COUNT_KEYS = ['classes', 'students', 'enrollments', 'skills', 'added', 'updated', 'unchanged'] as const satisfies readonly (keyof ImportCounts)[];

/** Counts worth a line: what changed, and the new items even when none are new (a file imported again). */
const shownCount = (key: keyof ImportCounts, value: number | undefined) => value !== undefined && (value > 0 || key === 'added');

type Outcome = { state: 'idle' } | { state: 'busy' } | { state: 'done'; done: ImportDone[] } | { state: 'error'; error: HandlerError } | { state: 'tooLarge'; files: string[] };

/**
 * Importing the school's data from the app: the roster (our CSV or OneRoster's users/classes/enrollments),
 * the skills, the items (JSON, CSV, QTI XML or a QTI zip); and, on a station with no classes, the demo school.
 * Open from the start on a station without classes; behind a button otherwise. It stays open (with what it
 * imported) when the import gives the station its first classes.
 */
export function SchoolImport({ hasClasses }: { hasClasses: boolean }) {
  const { t } = useTranslation('import');
  const [open, setOpen] = useState(!hasClasses);
  if (!open)
    return (
      <p>
        <button type="button" className="import-open" id="import-open" onClick={() => setOpen(true)}>
          {t('open')}
        </button>
      </p>
    );
  return (
    <section className="import panel" id="import-panel" aria-labelledby="import-title">
      <h2 id="import-title">{t('title')}</h2>
      <p>{t('intro', { size: Math.round(MAX_FILE_BYTES / 1024) })}</p>
      <DemoSchool hasClasses={hasClasses} />
      <div className="import-kinds">
        {KINDS.map((kind) => (
          <KindForm key={kind} kind={kind} />
        ))}
      </div>
    </section>
  );
}

/** Offered only while the station has no classes; what it loaded stays shown after. */
function DemoSchool({ hasClasses }: { hasClasses: boolean }) {
  const { t } = useTranslation('import');
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  if (hasClasses && outcome.state === 'idle') return null;
  const load = async () => {
    setOutcome({ state: 'busy' });
    const r = await call('loadDemoSchool', {});
    setOutcome(r.ok ? { state: 'done', done: r.value.imports } : { state: 'error', error: r.error });
  };
  return (
    <div className="import-demo">
      <button type="button" id="import-demo" onClick={() => void load()} disabled={hasClasses || outcome.state === 'busy'}>
        {t('demo.button')}
      </button>
      <span>{t('demo.what')}</span>
      <OutcomeView id="import-result-demo" outcome={outcome} />
    </div>
  );
}

function KindForm({ kind }: { kind: ImportKind }) {
  const { t } = useTranslation('import');
  const [files, setFiles] = useState<File[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const [qti, setQti] = useState({ subject: 'math', grade: '7', skills: '' });
  const wantsQti = kind === 'items' && files.some((f) => /\.(xml|zip)$/i.test(f.name));
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const tooLarge = files.filter((f) => f.size > MAX_FILE_BYTES).map((f) => f.name);
    if (tooLarge.length) return setOutcome({ state: 'tooLarge', files: tooLarge });
    setOutcome({ state: 'busy' });
    const uploads = await Promise.all(files.map(readUpload));
    const skills = qti.skills.split(/[,，\s]+/).filter(Boolean);
    const r = await call('importUpload', { kind, files: uploads, ...(wantsQti ? { qti: { subject: qti.subject, grade: Number(qti.grade), skills } } : {}) });
    setOutcome(r.ok ? { state: 'done', done: [r.value] } : { state: 'error', error: r.error });
  };
  return (
    <form className="import-kind" data-kind={kind} onSubmit={(e) => void send(e)}>
      <h3>{t(`kinds.${kind}.title`)}</h3>
      <p>{t(`kinds.${kind}.formats`)}</p>
      <label>
        {t('choose')}{' '}
        <input id={`import-file-${kind}`} type="file" multiple accept={ACCEPT[kind]} onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
      </label>
      {wantsQti ? (
        <fieldset className="import-qti">
          <legend>{t('qti.legend')}</legend>
          <label>
            {t('qti.subject')}
            <input id="import-qti-subject" value={qti.subject} onChange={(e) => setQti({ ...qti, subject: e.target.value })} />
          </label>
          <label>
            {t('qti.grade')}
            <input id="import-qti-grade" type="number" min={1} max={12} value={qti.grade} onChange={(e) => setQti({ ...qti, grade: e.target.value })} />
          </label>
          <label>
            {t('qti.skills')}
            <input id="import-qti-skills" value={qti.skills} onChange={(e) => setQti({ ...qti, skills: e.target.value })} />
          </label>
        </fieldset>
      ) : null}
      <button type="submit" id={`import-send-${kind}`} disabled={files.length === 0 || outcome.state === 'busy'}>
        {t('send')}
      </button>
      <OutcomeView id={`import-result-${kind}`} outcome={outcome} />
    </form>
  );
}

function OutcomeView({ id, outcome }: { id: string; outcome: Outcome }) {
  const { t } = useTranslation('import');
  switch (outcome.state) {
    case 'idle':
      return null;
    case 'busy':
      return (
        <p id={id} role="status" aria-busy="true" data-state="busy">
          {t('busy')}
        </p>
      );
    case 'tooLarge':
      return (
        <p id={id} className="import-result" role="alert" data-state="error" data-code="too_large">
          {t('tooLarge', { files: outcome.files.join(', '), size: Math.round(MAX_FILE_BYTES / 1024) })}
        </p>
      );
    case 'error':
      if (outcome.error.code === 'forbidden')
        return (
          <p id={id} className="import-result" role="alert" data-state="error" data-code="forbidden">
            {t('needsAdmin')}
          </p>
        );
      return (
        <div id={id} className="import-result" data-state="error" data-code={outcome.error.code}>
          <p>{t('refused')}</p>
          <ErrorView error={outcome.error} />
        </div>
      );
    case 'done':
      return (
        <div id={id} className="import-result" role="status" data-state="done">
          {outcome.done.map((d) => (
            <div key={d.kind} data-kind={d.kind}>
              <p>{t('done', { kind: t(`kinds.${d.kind}.title`), files: d.files.join(', ') })}</p>
              <ul>
                {COUNT_KEYS.filter((k) => shownCount(k, d.counts[k])).map((k) => (
                  <li key={k} data-count={k} data-value={d.counts[k]}>
                    {t(`counts.${k}`, { count: d.counts[k] })}
                  </li>
                ))}
                {d.warnings.map((w) => (
                  <li key={w}>{w}</li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      );
    default:
      return throwIllegalValue(outcome, 'import outcome');
  }
}
