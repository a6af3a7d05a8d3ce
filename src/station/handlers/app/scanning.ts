/** Handlers the teacher's app needs for its scanning screen (registered in ../index.ts). */
export const scanningHandlers = {} as const;
