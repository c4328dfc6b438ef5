import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const NO_SESSION_STORAGE = fileURLToPath(new URL('./shims/no-session-storage.js', import.meta.url));
const NO_DEBUG = fileURLToPath(new URL('./shims/no-debug.js', import.meta.url));

/**
 * Keeps the page free of Web Storage. SvelteKit's client router saves scroll positions and
 * snapshots in sessionStorage, and simple-peer's `debug` dependency reads localStorage; the
 * privacy promise is "nothing stored in the browser", so both are swapped for no-op modules in
 * the browser bundle (the server bundle is untouched).
 */
export function storageFree(): Plugin {
  return {
    name: 'mayfly-storage-free',
    enforce: 'pre',
    resolveId(source, importer, options) {
      if (options.ssr === true || importer === undefined) return null;
      const from = importer.replaceAll('\\', '/');
      if (
        source === './session-storage.js' &&
        from.includes('/@sveltejs/kit/src/runtime/client/')
      ) {
        return NO_SESSION_STORAGE;
      }
      if (source === 'debug' && from.includes('/@thaunknown/simple-peer/')) {
        return NO_DEBUG;
      }
      return null;
    },
  };
}
