import { describe, expect, it } from 'vitest';
import { addDays, dayNumber, daysBetween, isIsoDate, monthDay, weekday } from './dates';

describe('ISO date arithmetic', () => {
  it('adds days across months and years, knows weekdays', () => {
    expect(addDays('2025-11-28', 5)).toBe('2025-12-03');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(daysBetween('2025-02-27', '2025-03-01')).toBe(2);
    expect(weekday('2025-09-01')).toBe(1); // a Monday
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(monthDay('2025-11-20')).toBe('11-20');
  });
  it('validates', () => {
    expect(isIsoDate('2025-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('20-11-2025')).toBe(false);
  });
});
