import type { ChosenItem, Reason, StudentPlan } from '../../domain/learning/nextDay';
import type { GateCheck } from './gate';

/**
 * Why a class lesson is on a student's sheet, printed with the item: whether its prerequisites are
 * mastered, and if not, what the gate check found in this class's answers.
 */
export function lessonWhy(ready: boolean, gate: GateCheck['kind']): Reason {
  if (ready || gate === 'holds') return { en: "today's lesson; its prerequisites are mastered", zh: '今天的新课，前置知识已掌握' };
  if (gate === 'does_not_hold') return { en: "today's lesson: this class's answers show practice before the prerequisites pays off", zh: '今天的新课：本班作答表明，前置知识未掌握时练习同样有效' };
  return { en: "today's lesson: too few answers yet to tell whether it must wait for its prerequisites", zh: '今天的新课：作答还不够多，尚不能判断是否要先掌握前置知识' };
}

/**
 * The plans with the reason of every class item on one of today's lessons extended by `lessonWhy`. Other class items
 * (the class sheet after the lesson plan, once the gate does not hold) keep their own reason.
 */
export function withLessonReasons(
  plans: readonly StudentPlan[],
  gate: GateCheck['kind'],
  lessonSkills: readonly string[],
  readyFor: (studentId: string) => (skillId: string) => boolean,
): StudentPlan[] {
  const lessons = new Set(lessonSkills);
  return plans.map((plan) => {
    const ready = readyFor(plan.studentId);
    const items = plan.items.map((item): ChosenItem => {
      if (item.reasonKey !== 'class' || !lessons.has(item.skillId)) return item;
      const why = lessonWhy(ready(item.skillId), gate);
      return { ...item, reason: { en: `${item.reason.en} (${why.en})`, zh: `${item.reason.zh}（${why.zh}）` } };
    });
    return { ...plan, items };
  });
}
