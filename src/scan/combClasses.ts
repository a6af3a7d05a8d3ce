/**
 * A reader's view of what the station learned per class: the adaptation layer over the class's
 * confirmed comb boxes and its common wrong answers, built once per class and kept until the class's
 * crops or the teacher's decisions change (one small query per page checks that). When they change,
 * only crops the reader has not embedded yet go through the network again.
 */
import { combClassVersion, combCropsOfClass, wrongAnswersOfClass, type Db } from '../store';
import { confirmedBoxOf, type ConfirmedBox } from '../vision/handwriting/adapt';
import { commonWrongAnswers } from '../vision/handwriting/combDecode';
import type { CombNet } from '../vision/handwriting/combNet';
import type { CombClassContext } from '../vision/handwriting/combRead';

type Embedded = { char: string; input: Float32Array; box: ConfirmedBox | null };
type Learned = { version: string; crops: Map<number, Embedded>; context: CombClassContext };

const sameInput = (a: Float32Array, b: Float32Array) => a.length === b.length && a.every((v, i) => v === b[i]);

export function combClassCache(db: Db, net: CombNet): { ofClass: (classId: string) => CombClassContext } {
  const classes = new Map<string, Learned>();
  return {
    ofClass(classId) {
      const version = combClassVersion(db, classId);
      const known = classes.get(classId);
      if (known?.version === version) return known.context;
      const crops = new Map<number, Embedded>();
      for (const c of combCropsOfClass(db, classId)) {
        const was = known?.crops.get(c.id);
        crops.set(c.id, was && was.char === c.char && sameInput(was.input, c.input) ? was : { char: c.char, input: c.input, box: confirmedBoxOf(net, c) });
      }
      const boxes = [...crops.values()].flatMap((c) => (c.box ? [c.box] : []));
      const byItem = new Map<string, { answer: string; n: number }[]>();
      for (const w of wrongAnswersOfClass(db, classId)) byItem.set(w.itemId, [...(byItem.get(w.itemId) ?? []), w]);
      const wrong = new Map([...byItem].map(([item, counts]) => [item, commonWrongAnswers(counts)]));
      const context: CombClassContext = { ...(boxes.length ? { adaptation: { boxes } } : {}), commonWrong: (itemId) => wrong.get(itemId) ?? [] };
      classes.set(classId, { version, crops, context });
      return context;
    },
  };
}
