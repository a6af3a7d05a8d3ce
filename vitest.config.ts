import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'native-bridge/**/*.test.ts', 'tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Temporary folders of the run live under one folder that is removed at the end (tests/support/tempRoot.ts).
    globalSetup: ['tests/support/tempRoot.ts', 'tests/support/uiBuild.ts'],
  },
});
