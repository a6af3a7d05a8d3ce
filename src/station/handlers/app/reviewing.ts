/** Handlers the teacher's app needs for its reviewing screen (registered in ../index.ts). */
export const reviewingHandlers = {} as const;
