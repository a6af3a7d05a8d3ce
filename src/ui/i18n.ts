import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import enCommon from './locales/en/common.json';
import enErrors from './locales/en/errors.json';
import enHome from './locales/en/home.json';
import enPrint from './locales/en/print.json';
import enResults from './locales/en/results.json';
import enReview from './locales/en/review.json';
import enScan from './locales/en/scan.json';
import enSettings from './locales/en/settings.json';
import enStudents from './locales/en/students.json';
import enSync from './locales/en/sync.json';
import enImport from './locales/en/import.json';
import zhCommon from './locales/zh-Hans/common.json';
import zhErrors from './locales/zh-Hans/errors.json';
import zhHome from './locales/zh-Hans/home.json';
import zhPrint from './locales/zh-Hans/print.json';
import zhResults from './locales/zh-Hans/results.json';
import zhReview from './locales/zh-Hans/review.json';
import zhScan from './locales/zh-Hans/scan.json';
import zhSettings from './locales/zh-Hans/settings.json';
import zhStudents from './locales/zh-Hans/students.json';
import zhSync from './locales/zh-Hans/sync.json';
import zhImport from './locales/zh-Hans/import.json';

/**
 * The app's languages (the teacher's; each student's print language is separate, in the roster).
 * One namespace per screen (and `errors`: the station's failures by code), one JSON file per namespace and language under locales/.
 */
export const LANGUAGES = ['zh-Hans', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const NAMESPACES = ['common', 'errors', 'home', 'print', 'scan', 'review', 'results', 'students', 'settings', 'sync', 'import'] as const;
export const RESOURCES = {
  en: { common: enCommon, errors: enErrors, home: enHome, print: enPrint, scan: enScan, review: enReview, results: enResults, students: enStudents, settings: enSettings, sync: enSync, import: enImport },
  'zh-Hans': { common: zhCommon, errors: zhErrors, home: zhHome, print: zhPrint, scan: zhScan, review: zhReview, results: zhResults, students: zhStudents, settings: zhSettings, sync: zhSync, import: zhImport },
} as const;

const STORED = 'paperloop.language';

export function initialLanguage(): Language {
  const stored = localStorage.getItem(STORED);
  if (stored === 'en' || stored === 'zh-Hans') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-Hans' : 'en';
}

export async function initI18n() {
  await i18next.use(initReactI18next).init({
    resources: RESOURCES,
    lng: initialLanguage(),
    fallbackLng: false,
    ns: [...NAMESPACES],
    defaultNS: 'common',
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  document.documentElement.lang = i18next.language;
}

export async function setLanguage(language: Language) {
  localStorage.setItem(STORED, language);
  await i18next.changeLanguage(language);
  document.documentElement.lang = language;
}
