import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { ErrorView } from '../components/Loadable';

const FORMATS = ['csv', 'xlsx', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

/** Where the browser fetches a file the results handlers wrote under the station's out/results/. */
export const resultsFileHref = (file: string) => `/results-file/${encodeURIComponent(file)}`;

/** Exports of the class report: the station writes the file, then the app offers it as a download. */
export function Exports({ classId, date }: { classId: string; date: string }) {
  const { t } = useTranslation('results');
  const [files, setFiles] = useState<Partial<Record<Format, string>>>({});
  const [busy, setBusy] = useState<Format | null>(null);
  const [error, setError] = useState<HandlerError | null>(null);
  const make = async (format: Format) => {
    setBusy(format);
    setError(null);
    const r = await call('exportResults', { classId, date, format });
    setBusy(null);
    if (r.ok) setFiles((f) => ({ ...f, [format]: r.value.file }));
    else setError(r.error);
  };
  return (
    <section className="panel results-exports" aria-labelledby="results-exports-title">
      <h2 id="results-exports-title">{t('export.title')}</h2>
      <ul>
        {FORMATS.map((format) => (
          <li key={format}>
            <button type="button" data-export={format} disabled={busy !== null} onClick={() => void make(format)}>
              {busy === format ? t('export.making') : t(`export.${format}`)}
            </button>{' '}
            {files[format] ? (
              <a href={resultsFileHref(files[format]!)} download={files[format]} data-download={format}>
                {t('export.download', { file: files[format] })}
              </a>
            ) : null}
          </li>
        ))}
      </ul>
      {error ? <ErrorView error={error} /> : null}
    </section>
  );
}
