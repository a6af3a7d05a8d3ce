import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type HandlerError } from '../api';
import { ErrorView, Loadable } from '../components/Loadable';
import { useHandler } from '../components/useHandler';

/** A command, the same in every language. */
const SERVE_ON_LAN = 'paperloop serve --host 0.0.0.0';

/**
 * LAN access (an admin's): station tokens that let teachers on other machines sign in. A new token is shown once;
 * the station keeps only its hash. A teacher signed in with a teacher token sees why the section is closed.
 */
export function LanForm() {
  const { t, i18n } = useTranslation('settings');
  const access = useHandler('lanAccess', {});
  const [label, setLabel] = useState('');
  const [role, setRole] = useState<'teacher' | 'admin'>('teacher');
  const [made, setMade] = useState<{ label: string; token: string } | null>(null);
  const [error, setError] = useState<HandlerError | null>(null);
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const r = await call('createLanToken', { label, role });
    if (!r.ok) return setError(r.error);
    setMade({ label, token: r.value.token });
    setLabel('');
    access.reload();
  };
  const revoke = async (id: string) => {
    setError(null);
    const r = await call('revokeLanToken', { id });
    if (!r.ok) return setError(r.error);
    setMade(null);
    access.reload();
  };
  const date = (iso: string) => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium' }).format(new Date(iso));
  return (
    <section id="settings-lan" className="panel settings-section" aria-labelledby="settings-lan-title">
      <h2 id="settings-lan-title">{t('lan.title')}</h2>
      <p className="muted">{t('lan.explain')}</p>
      <Loadable state={access} reload={access.reload}>
        {(value) => (
          <>
            <p>
              {t('lan.howTo', { port: value.port })} <code>{SERVE_ON_LAN}</code>
            </p>
            {value.tokens.length === 0 ? (
              <p className="muted">{t('lan.none')}</p>
            ) : (
              <table id="settings-lan-tokens">
                <caption className="muted">{t('lan.tokens')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('lan.label')}</th>
                    <th scope="col">{t('lan.role')}</th>
                    <th scope="col">{t('lan.created')}</th>
                    <th scope="col">
                      <span className="settings-visually-hidden">{t('lan.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {value.tokens.map((token) => (
                    <tr key={token.id} data-token={token.id}>
                      <td>{token.label}</td>
                      <td>{t(`lan.roles.${token.role}`)}</td>
                      <td>{date(token.createdAt)}</td>
                      <td>
                        <button type="button" onClick={() => void revoke(token.id)} aria-label={t('lan.revokeNamed', { label: token.label })}>
                          {t('lan.revoke')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <form id="settings-lan-create" onSubmit={create} className="settings-fields">
              <label>
                {t('lan.label')}
                <input id="settings-lan-label" value={label} maxLength={60} onChange={(e) => setLabel(e.target.value)} />
              </label>
              <label>
                {t('lan.role')}
                <select id="settings-lan-role" value={role} onChange={(e) => setRole(e.target.value as 'teacher' | 'admin')}>
                  <option value="teacher">{t('lan.roles.teacher')}</option>
                  <option value="admin">{t('lan.roles.admin')}</option>
                </select>
              </label>
              <div className="settings-save">
                <button type="submit" className="primary" disabled={label.trim() === ''}>
                  {t('lan.create')}
                </button>
              </div>
            </form>
            {made ? (
              <div className="settings-effect" role="status">
                <p>{t('lan.made', { label: made.label })}</p>
                <output id="settings-lan-new-token" className="settings-token">
                  {made.token}
                </output>
              </div>
            ) : null}
            {error ? <ErrorView error={error} /> : null}
          </>
        )}
      </Loadable>
    </section>
  );
}
