import type { i18n as I18n } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { HandlerError } from '../api';

/** What the teacher reads of a failure: what happened and what to do, and whether the app had words of its own for it. */
export type ErrorText = { message: string; fix: string | null; translated: boolean };

/** The station's messages end in "Fix: <what to do>". */
const FIX = /\s*\bFix:\s*/;

/**
 * A station failure in the app's language: the translation of its code (locales/<lang>/errors.json), filled in with
 * the fields the failure carries (its details as `count`, its params). Only for a code the app does not know, the
 * station's own English, its Fix line apart.
 */
export function errorText(i18n: I18n, error: HandlerError): ErrorText {
  const key = `errors:${error.code}`;
  const values = { count: error.details?.length ?? 0, ...error.params };
  if (i18n.exists(`${key}.message`, values))
    return { message: i18n.t(`${key}.message`, values), fix: i18n.exists(`${key}.fix`, values) ? i18n.t(`${key}.fix`, values) : null, translated: true };
  const [message = '', ...fix] = error.message.split(FIX);
  return { message, fix: fix.length ? fix.join(' ') : null, translated: false };
}

export function useErrorText(): (error: HandlerError) => ErrorText {
  const { i18n } = useTranslation();
  return (error) => errorText(i18n, error);
}
