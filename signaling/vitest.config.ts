import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// Workspace packages resolve to their TypeScript source (the 'source' export
// condition), so tests never depend on a build. Vite replaces its default
// conditions when given any, hence the spread.
export default defineProject({
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  // Property tests run thousands of cases: seconds, not milliseconds, on a busy machine.
  test: { name: 'signaling', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
