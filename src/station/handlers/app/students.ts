/** Handlers the teacher's app needs for its students screen (registered in ../index.ts). */
export const studentsHandlers = {} as const;
