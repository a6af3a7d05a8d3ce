import { describe, expect, it } from 'vitest';
import { lessonOn, schoolDaysBetween } from './lessonPlan';

describe("the class's lesson of a day", () => {
  it('counts school days Monday to Friday', () => {
    // 2026-11-27 is a Friday.
    expect(schoolDaysBetween('2026-11-27', '2026-11-27')).toBe(0);
    expect(schoolDaysBetween('2026-11-27', '2026-11-30')).toBe(1);
    expect(schoolDaysBetween('2026-11-28', '2026-11-30')).toBe(0);
    expect(schoolDaysBetween('2026-11-02', '2026-11-30')).toBe(20);
    expect(schoolDaysBetween('2026-11-02', '2026-12-01')).toBe(21);
  });

  it("is that day's skill and the one before, none before the start or after the last skill's days", () => {
    const plan = { skills: ['a', 'b', 'c'], startDate: '2026-11-27', daysPerSkill: 2 };
    expect(lessonOn(plan, '2026-11-26')).toBeNull();
    expect(lessonOn(plan, '2026-11-27')).toEqual({ skills: ['a'], schoolDay: 0 });
    expect(lessonOn(plan, '2026-11-30')).toEqual({ skills: ['a'], schoolDay: 1 });
    expect(lessonOn(plan, '2026-12-01')).toEqual({ skills: ['b', 'a'], schoolDay: 2 });
    expect(lessonOn(plan, '2026-12-04')).toEqual({ skills: ['c', 'b'], schoolDay: 5 });
    expect(lessonOn(plan, '2026-12-07')).toBeNull();
    expect(lessonOn({ ...plan, daysPerSkill: 1 }, '2026-12-01')).toEqual({ skills: ['c', 'b'], schoolDay: 2 });
  });
});
