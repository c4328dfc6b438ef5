import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { defaultClientConditions, defaultServerConditions, defineConfig } from 'vite';
import { mayflySignaling } from './dev/signaling-plugin.ts';
import { storageFree } from './dev/storage-free-plugin.ts';

export default defineConfig({
  plugins: [
    storageFree(),
    // SvelteKit 3 takes its configuration here (it refuses a svelte.config.js).
    sveltekit({
      preprocess: vitePreprocess(),
      adapter: adapter({ out: 'build' }),
      // Everything is served by this origin: no CDN, no fonts, no analytics. SvelteKit adds a
      // nonce (or hash, for prerendered pages) for its own bootstrap script and inline styles.
      csp: {
        mode: 'auto',
        directives: {
          'default-src': ['self'],
          'script-src': ['self'],
          // The one inline style attribute is SvelteKit's route announcer (#svelte-announcer);
          // app.css hides it too, should a SvelteKit update change the hashed text.
          'style-src': [
            'self',
            'unsafe-hashes',
            'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo=',
          ],
          'img-src': ['self', 'blob:', 'data:'],
          'media-src': ['self', 'blob:', 'mediastream:'],
          // 'self' covers same-origin ws:/wss: in current browsers (CSP Level 3).
          'connect-src': ['self'],
          'font-src': ['self'],
          'worker-src': ['self'],
          'manifest-src': ['self'],
          'object-src': ['none'],
          'base-uri': ['none'],
          'form-action': ['self'],
          'frame-ancestors': ['none'],
        },
      },
    }),
    mayflySignaling(),
  ],
  // '@mayfly/protocol' resolves to its TypeScript source under the 'source' condition,
  // so the client never depends on a build of the protocol package.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
  build: { target: 'es2022' },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
