import { z } from 'zod';
import { textIn } from '../../domain/item';
import { ok, throwIllegalValue, type Result } from '../../domain/result';
import type { HandlerError } from './types';
import { defineHandler, fail } from './types';

export const list = defineHandler(
  z.object({ what: z.enum(['classes', 'students', 'items', 'skills']), classId: z.string().optional(), subject: z.string().optional(), grade: z.number().optional() }),
  async (ctx, input): Promise<Result<unknown[], HandlerError>> => {
    switch (input.what) {
      case 'classes':
        return ok(ctx.store.classes().map((c) => ({ ...c, students: ctx.store.students(c.id).length })));
      case 'students':
        if (input.classId && !ctx.store.schoolClass(input.classId)) return fail('unknown_class', `class "${input.classId}" is not on this station.`);
        return ok(ctx.store.students(input.classId));
      case 'items':
        return ok(
          ctx.store.currentItems({ ...(input.subject ? { subject: input.subject } : {}), ...(input.grade ? { grade: input.grade } : {}) }).map((i) => ({
            id: i.id, version: i.version, subject: i.subject, grade: i.grade, type: i.type, tier: i.tier, minutes: i.minutes, skills: i.skills, stem: textIn(i.stem, ctx.settings.defaultLanguage),
          })),
        );
      case 'skills':
        return ok(ctx.store.skills({ ...(input.subject ? { subject: input.subject } : {}), ...(input.grade ? { grade: input.grade } : {}) }));
      default:
        return throwIllegalValue(input.what, 'list target');
    }
  },
);
