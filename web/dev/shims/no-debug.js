// Stand-in for the `debug` package in the browser bundle: it would read localStorage.debug.

/** @returns {((...args: unknown[]) => void) & { enabled: boolean }} */
export default function debug() {
  const log = () => {};
  log.enabled = false;
  return log;
}
