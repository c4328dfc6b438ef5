import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'signaling', include: ['test/**/*.test.ts'] },
});
