// Stand-in for @sveltejs/kit/src/runtime/client/session-storage.js: the page keeps scroll
// positions and snapshots in memory only (see storage-free-plugin.ts).

/** @returns {undefined} */
export function get() {
  return undefined;
}

export function set() {}
