/** Handlers the teacher's app needs for its home screen (registered in ../index.ts). */
export const homeHandlers = {} as const;
