import { sveltekit } from '@sveltejs/kit/vite';
import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';
import { mayflySignaling } from './dev/signaling-plugin.ts';
import { storageFree } from './dev/storage-free-plugin.ts';

export default defineConfig({
  plugins: [storageFree(), sveltekit(), mayflySignaling()],
  // '@mayfly/signaling/protocol' resolves to its TypeScript source under the 'source' condition,
  // so the client never depends on a build of the signaling package.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  build: { target: 'es2022' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
