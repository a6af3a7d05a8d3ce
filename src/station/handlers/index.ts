import { importItems, importRoster, importSkills } from './imports';
import { lessonPlan, next, override, report, wrongBook } from './learning';
import { list } from './list';
import { print } from './print';
import { integrity, regrade, resolve, reviewQueue } from './review';
import { controlScan, devices, ingest, read, resumeScans, scan } from './scan';
import { approve, compose, publish } from './workbooks';
import { homeHandlers } from './app/home';
import { printingHandlers } from './app/printing';
import { resultsHandlers } from './app/results';
import { reviewingHandlers } from './app/reviewing';
import { scanningHandlers } from './app/scanning';
import { settingsHandlers } from './app/settings';
import { studentsHandlers } from './app/students';
import { syncHandlers } from './app/sync';
import { importHandlers } from './app/imports';

/** The one handler map: every use case by name. The CLI, the browser-mode HTTP API and Electron IPC are thin transports over it. */
export const handlers = {
  importItems,
  importSkills,
  importRoster,
  list,
  compose,
  approve,
  publish,
  print,
  reviewQueue,
  resolve,
  regrade,
  integrity,
  ingest,
  read,
  scan,
  devices,
  controlScan,
  resumeScans,
  report,
  next,
  lessonPlan,
  override,
  wrongBook,
  // The teacher's app: one module per screen.
  ...homeHandlers,
  ...printingHandlers,
  ...scanningHandlers,
  ...reviewingHandlers,
  ...resultsHandlers,
  ...studentsHandlers,
  ...settingsHandlers,
  ...syncHandlers,
  ...importHandlers,
} as const;
export type HandlerName = keyof typeof handlers;

/**
 * Who may call what over a network transport. Teachers scan, review, print and read reports; only
 * an admin changes the school's data (roster, item bank, skills). The CLI and Electron run as the
 * local user, who is trusted like an admin.
 */
export type Role = 'teacher' | 'admin';
// LAN tokens decide who reaches the station from other machines: an admin's.
export const ADMIN_ONLY: ReadonlySet<HandlerName> = new Set<HandlerName>(['importItems', 'importSkills', 'importRoster', 'importUpload', 'loadDemoSchool', 'lanAccess', 'createLanToken', 'revokeLanToken']);
export const mayCall = (role: Role, name: HandlerName): boolean => role === 'admin' || !ADMIN_ONLY.has(name);
export type { HandlerError } from './types';
