import { describe, expect, it } from 'vitest';
import type { ChosenItem, StudentPlan } from '../../domain/learning/nextDay';
import { withLessonReasons } from './lessonReasons';

const item = (itemId: string, skillId: string, reasonKey: ChosenItem['reasonKey']): ChosenItem => ({
  itemId, skillId, tier: 'core', minutes: 3, predicted: 0.7, reasonKey, reason: { en: `class practice: ${skillId}`, zh: `全班练习：${skillId}` },
});
const plan: StudentPlan = {
  studentId: 's1', items: [item('i1', 'lesson', 'class'), item('i2', 'after', 'class'), item('i3', 'lesson', 'practice')],
  totalMinutes: 9, tier: 'core', capMinutes: 90, bookedMinutes: 0, budgetMinutes: 30, dropped: [],
};

describe('lesson reasons on printed items', () => {
  it('extends only class items on one of the day’s lessons; class items on other skills and other items keep their reason', () => {
    const [out] = withLessonReasons([plan], 'does_not_hold', ['lesson'], () => () => false);
    expect(out?.items[0]?.reason.en).toBe("class practice: lesson (today's lesson: this class's answers show practice before the prerequisites pays off)");
    expect(out?.items[0]?.reason.zh).toContain('本班作答表明');
    expect(out?.items[1]?.reason).toEqual(plan.items[1]?.reason);
    expect(out?.items[2]?.reason).toEqual(plan.items[2]?.reason);
    const [noLesson] = withLessonReasons([plan], 'does_not_hold', [], () => () => false);
    expect(noLesson?.items.map((i) => i.reason)).toEqual(plan.items.map((i) => i.reason));
  });

  it('says the prerequisites are mastered for a ready student, and that it is too early to tell while undecided', () => {
    expect(withLessonReasons([plan], 'undecided', ['lesson'], () => () => true)[0]?.items[0]?.reason.en).toContain('its prerequisites are mastered');
    expect(withLessonReasons([plan], 'undecided', ['lesson'], () => () => false)[0]?.items[0]?.reason.en).toContain('too few answers yet to tell');
  });
});
