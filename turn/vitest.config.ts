import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['source'] },
  test: { name: 'turn', include: ['test/**/*.test.ts'] },
});
