import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const NO_SESSION_STORAGE = fileURLToPath(new URL('./shims/no-session-storage.js', import.meta.url));
const NO_DEBUG = fileURLToPath(new URL('./shims/no-debug.js', import.meta.url));

/** Browser storage APIs the page promises not to use. */
const STORAGE_API = /\b(?:sessionStorage|localStorage|indexedDB)\b/;

/**
 * Keeps the page free of Web Storage. SvelteKit's client router saves scroll positions and
 * snapshots in sessionStorage, and simple-peer's `debug` dependency reads localStorage; the
 * privacy promise is "nothing stored in the browser", so both are swapped for no-op modules in
 * the browser bundle (the server bundle is untouched).
 *
 * The swaps match file names inside those packages. Should an update move the storage code, the
 * build fails on the storage API left in the browser bundle instead of shipping it.
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
    generateBundle(_options, bundle) {
      if (this.environment.config.consumer !== 'client') return;
      for (const output of Object.values(bundle)) {
        if (output.type !== 'chunk') continue;
        const found = STORAGE_API.exec(output.code);
        if (found !== null) {
          const modules = Object.keys(output.modules).filter((id) =>
            STORAGE_API.test(output.modules[id]?.code ?? ''),
          );
          this.error(
            `${output.fileName} uses ${found[0]} (from ${modules.join(', ') || 'unknown modules'}); ` +
              'the page must not store anything in the browser: swap that module out here',
          );
        }
      }
    },
  };
}
