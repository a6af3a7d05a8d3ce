import { describe, expect, it } from 'vitest';
import { openStation } from '../src/station/context';
import { settingsDirs } from './support/settingsDir';

/** A missing page style is an expected failure (a typo in settings.json or --style): a Result with the fix, not a throw. */
const dataDirWith = settingsDirs('paperloop-style-');

describe('page styles', () => {
  it('a station whose settings name a missing page style does not open, and says how to fix it', () => {
    const opened = openStation(dataDirWith({ pageStyle: 'a5' }));
    expect(opened.ok).toBe(false);
    if (opened.ok) return;
    expect(opened.error).toContain('page style "a5" not found');
    expect(opened.error).toContain('Fix:');
  });

  it('asking for a style that does not exist gives a failure with the fix; the default style loads', () => {
    const opened = openStation(dataDirWith({ pageStyle: 'letter' }));
    if (!opened.ok) throw new Error(opened.error);
    const ctx = opened.value;
    try {
      const missing = ctx.pageStyle('a4-huge');
      expect(missing.ok).toBe(false);
      expect(missing.ok ? '' : missing.error).toMatch(/page style "a4-huge" not found .*Fix: use /);
      const fallback = ctx.pageStyle();
      expect(fallback.ok && fallback.value.paper.name).toBe('Letter');
    } finally {
      ctx.db.close();
    }
  });
});
