/** Handlers the teacher's app needs for its results screen (registered in ../index.ts). */
export const resultsHandlers = {} as const;
