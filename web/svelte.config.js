import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
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
  },
};

export default config;
