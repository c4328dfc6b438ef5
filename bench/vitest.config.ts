import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // The smoke test starts a dozen processes on a machine that may be busy.
    testTimeout: 120_000,
  },
});
