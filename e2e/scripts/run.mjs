#!/usr/bin/env node
/**
 * Runs the end-to-end suite: `npm test -w e2e [-- <playwright args>]`.
 *
 * 1. Without BASE_URL: builds the product when its build is missing or older
 *    than its sources (E2E_SKIP_BUILD=1 skips the check).
 * 2. As root on Linux with `unshare` and `ip`: re-runs itself inside a private
 *    network namespace with a veth pair, so the server and every browser (whose
 *    ICE host candidates come from real interfaces) stay in a network of their
 *    own. E2E_NO_NAMESPACE=1 runs directly, as on a laptop.
 * 3. Runs Playwright with the arguments given; each Playwright worker starts
 *    its own server (see support/fixtures.ts). Exits with Playwright's code.
 *
 * With BASE_URL=https://... the tests visit that deployment; nothing is built
 * or started and no namespace is made.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import path from 'node:path';
import { isBuildStale } from './build-state.mjs';

const E2E_DIR = path.resolve(import.meta.dirname, '..');
const ROOT = path.resolve(E2E_DIR, '..');
const IN_NAMESPACE_MARKER = 'E2E_IN_NAMESPACE';
const args = process.argv.slice(2);
const env = process.env;
const remote = (env.BASE_URL ?? '') !== '';

function log(message) {
  console.log(`e2e: ${message}`);
}

function isSet(name) {
  return ['1', 'true', 'yes'].includes((env[name] ?? '').toLowerCase());
}

function hasCommand(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** The files `npm start` runs; each must be newer than every source it is built from. */
const BUILD_OUTPUTS = ['server/dist/main.js', 'web/build/handler.js'];
const BUILD_INPUTS = [
  ...['protocol', 'turn', 'signaling', 'server'].flatMap((workspace) => [
    `${workspace}/src`,
    `${workspace}/package.json`,
    `${workspace}/tsconfig.build.json`,
  ]),
  'web/src',
  'web/static',
  'web/package.json',
  'web/dev',
  'web/vite.config.ts',
];

function ensureBuilt() {
  if (isSet('E2E_SKIP_BUILD')) return;
  if (!isBuildStale(ROOT, BUILD_OUTPUTS, BUILD_INPUTS)) return;
  log('the build is missing or older than its sources: npm run build');
  const started = Date.now();
  // Quiet unless it fails: the build's own report would bury the test results.
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    log('the build failed; no tests were run');
    process.exit(result.status ?? 1);
  }
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Copies web/build aside for this run and returns the copy's folder. A build that runs while the
 * suite does (another terminal, an editor's watcher) replaces the chunk files; a server started
 * before it then fails on the old ones, and one started during it finds no client at all.
 */
function snapshotWebBuild() {
  const snapshot = path.join(E2E_DIR, '.cache', `web-build-${process.pid}`);
  cpSync(path.join(ROOT, 'web/build'), snapshot, { recursive: true });
  process.on('exit', () => rmSync(snapshot, { recursive: true, force: true }));
  return snapshot;
}

function namespaceWanted() {
  if (isSet('E2E_NO_NAMESPACE')) return false;
  return (
    process.platform === 'linux' &&
    process.getuid?.() === 0 &&
    hasCommand('unshare') &&
    hasCommand('ip')
  );
}

/** Inside the fresh namespace: loopback, and a veth pair whose addresses Chromium offers as ICE host candidates. */
function setUpNamespaceNetwork() {
  // The marker could also come from a person's shell: never touch a network that is not new.
  // A new namespace has addresses on nothing but loopback (it may hold tunnel devices, down).
  const addressed = execFileSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '' && !/^\d+: lo\s/u.test(line));
  if (addressed.length > 0) {
    log(`${IN_NAMESPACE_MARKER}=1 but this is not a fresh network namespace; unset it`);
    process.exit(1);
  }
  const ip = (...ipArgs) => execFileSync('ip', ipArgs, { stdio: 'inherit' });
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1');
  ip('addr', 'add', '10.99.0.1/24', 'dev', 'veth0');
  ip('addr', 'add', '10.99.0.2/24', 'dev', 'veth1');
  ip('link', 'set', 'veth0', 'up');
  ip('link', 'set', 'veth1', 'up');
  // Without camera permission Chromium offers only the address of its default route; with no
  // default route it offers none, and two camera-less strangers never connect. Packets for any
  // other address go into the veth pair and end there: the namespace has no way out. (So a DNS
  // lookup times out instead of failing at once: the tests use addresses, not names.)
  ip('route', 'add', 'default', 'dev', 'veth0');
}

/** Runs a child with our stdio, forwards Ctrl-C and SIGTERM to it, and exits with its code. */
function runAndExit(command, commandArgs, childEnv) {
  const child = spawn(command, commandArgs, { cwd: E2E_DIR, env: childEnv, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    log(`could not run ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) =>
    process.exit(code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0))),
  );
}

function runPlaywright(extraEnv = {}) {
  const cli = createRequire(import.meta.url).resolve('@playwright/test/cli');
  runAndExit(process.execPath, [cli, 'test', ...args], { ...env, ...extraEnv });
}

if (env[IN_NAMESPACE_MARKER] === '1') {
  setUpNamespaceNetwork();
  // Nothing but our own processes can reach this namespace's addresses.
  runPlaywright({ E2E_SERVER_HOST: '0.0.0.0' });
} else if (remote) {
  log(`testing the deployment at ${env.BASE_URL}`);
  runPlaywright();
} else {
  ensureBuilt();
  // Inside the repository, so the copy resolves packages from the same node_modules.
  const buildEnv = { E2E_WEB_BUILD_DIR: snapshotWebBuild() };
  if (namespaceWanted()) {
    log('running in a private network namespace (E2E_NO_NAMESPACE=1 to run directly)');
    runAndExit('unshare', ['--net', '--', process.execPath, import.meta.filename, ...args], {
      ...env,
      ...buildEnv,
      [IN_NAMESPACE_MARKER]: '1',
    });
  } else {
    runPlaywright(buildEnv);
  }
}
