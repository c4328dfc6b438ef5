import { defaultServerConditions } from 'vite';
import { defineProject } from 'vitest/config';

// Workspace packages resolve to their TypeScript source (the 'source' export condition), also
// under Node (environment 'node' runs tests as SSR), so tests never depend on a build. Vite
// replaces its default conditions when given any, hence the spread.
export default defineProject({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  test: { name: 'web', include: ['test/**/*.test.ts'], environment: 'node' },
});
