/** Handlers the teacher's app needs for its printing screen (registered in ../index.ts). */
export const printingHandlers = {} as const;
