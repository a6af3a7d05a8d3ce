import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { signIn } from '../api';

export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { t } = useTranslation();
  const [token, setToken] = useState('');
  const [message, setMessage] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await signIn(token);
    if (r.ok) onSignedIn();
    else setMessage(r.message === 'station_offline' ? `${t('errors:offline.message')} ${t('errors:offline.fix')}` : r.message);
  };
  return (
    <form id="sign-in" className="panel" onSubmit={submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t('signIn.title')}</h2>
      <p>{t('signIn.explain')}</p>
      <label>
        {t('signIn.token')} <input id="token" type="password" autoComplete="current-password" value={token} onChange={(e) => setToken(e.target.value)} />
      </label>
      <button type="submit">{t('signIn.submit')}</button>
      {message ? (
        <p role="alert" className="message">
          {message}
        </p>
      ) : null}
    </form>
  );
}
