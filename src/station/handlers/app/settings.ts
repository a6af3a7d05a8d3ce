/** Handlers the teacher's app needs for its settings screen (registered in ../index.ts). */
export const settingsHandlers = {} as const;
