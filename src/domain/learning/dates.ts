/** Calendar arithmetic on ISO dates (YYYY-MM-DD). Pure: dates come in as data, never from a clock. */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/** Days since 1970-01-01 of an ISO date (or of the date part of an ISO timestamp). */
export function dayNumber(iso: string): number {
  const m = ISO_DATE.exec(iso.slice(0, 10));
  if (!m) throw new Error(`not an ISO date: ${iso}`);
  return Math.round(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS);
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  return fromDayNumber(dayNumber(iso) + days);
}

export function daysBetween(fromIso: string, toIso: string): number {
  return dayNumber(toIso) - dayNumber(fromIso);
}

/** Midnight UTC of an ISO date, for libraries that want a Date (e.g. ts-fsrs). */
export function utcMidnight(iso: string): Date {
  return new Date(dayNumber(iso) * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(iso: string): number {
  return (((dayNumber(iso) + 4) % 7) + 7) % 7;
}

/** "11-20" out of "2025-11-20": the short form printed in reasons. */
export function monthDay(iso: string): string {
  return iso.slice(5, 10);
}
