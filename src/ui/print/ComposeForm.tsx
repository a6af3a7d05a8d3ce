import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError, type OutputOf } from '../api';
import { ErrorView } from '../components/Loadable';
import { SubjectSelect } from './SubjectSelect';
import { useAction } from './useAction';

type Setup = OutputOf<'printSetup'>;
type Tier = Setup['tiers'][number];

/** Class, subject, date, minutes and tier → the station's compose handler, which makes a draft set (or refuses it over the cap). */
export function ComposeForm({ setup, classId, date, onPlace, onComposed }: {
  setup: Setup;
  classId: string;
  date: string;
  onPlace: (classId: string, date: string) => void;
  onComposed: (setId: string) => void;
}) {
  const { t } = useTranslation('print');
  const cls = setup.classes.find((c) => c.id === classId) ?? setup.classes[0]!;
  const [subject, setSubject] = useState(cls.subjects[0] ?? '');
  const [minutes, setMinutes] = useState(20);
  const [tier, setTier] = useState<Tier>('core');
  const { busy, error, run } = useAction();
  const subjectOk = cls.subjects.includes(subject) ? subject : (cls.subjects[0] ?? '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(() => call('compose', { classId: cls.id, subject: subjectOk, date, minutes, tier }), (v) => onComposed(v.setId));
  };

  return (
    <form id="compose" className="panel print-compose" onSubmit={submit} aria-labelledby="compose-title">
      <h2 id="compose-title">{t('compose.title')}</h2>
      <div className="print-fields">
        <label>
          {t('compose.class')}
          <select id="compose-class" value={cls.id} onChange={(e) => onPlace(e.target.value, date)}>
            {setup.classes.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <SubjectSelect id="compose-subject" subjects={cls.subjects} value={subjectOk} onChange={setSubject} />
        <label>
          {t('compose.date')}
          <input id="compose-date" type="date" required value={date} onChange={(e) => e.target.value && onPlace(cls.id, e.target.value)} />
        </label>
        <label>
          {t('compose.minutes')}
          <input id="compose-minutes" type="number" min={1} max={240} step={1} required value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
        </label>
        <label>
          {t('compose.tier')}
          <select id="compose-tier" value={tier} onChange={(e) => setTier(e.target.value as Tier)}>
            {setup.tiers.map((x) => (
              <option key={x} value={x}>
                {t(`tier.${x}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="muted">{cls.subjects.length ? t('compose.capHint', { grade: cls.grade, cap: cls.capMinutes }) : t('compose.noSubjects')}</p>
      <button id="compose-submit" type="submit" className="primary" disabled={busy || !subjectOk}>
        {busy ? t('compose.busy') : t('compose.submit')}
      </button>
      {error ? <Refusal error={error} summary={error.code === 'over_cap' ? t('compose.overCap', { count: error.details?.length ?? 0 }) : null} /> : null}
    </form>
  );
}

/** A refusal: the teacher's-language summary when there is one, with the station's own words (and per-student details) below. */
export function Refusal({ error, summary }: { error: HandlerError; summary: string | null }) {
  const { t } = useTranslation('print');
  if (!summary) return <ErrorView error={error} />;
  return (
    <div className="error" role="alert" data-error-code={error.code}>
      <strong>{summary}</strong>
      <details>
        <summary>{t('compose.details')}</summary>
        <p>{error.message}</p>
        {error.details?.length ? <pre className="print-details">{error.details.join('\n\n')}</pre> : null}
      </details>
    </div>
  );
}
