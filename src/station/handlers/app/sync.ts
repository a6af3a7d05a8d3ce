/** Handlers the teacher's app needs for the station's sync state (registered in ../index.ts). */
export const syncHandlers = {} as const;
