import { defineConfig } from 'vitest/config';

// GPU tests share one software adapter on a 2-core machine: run files one at a time.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
