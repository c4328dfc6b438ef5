/**
 * Mayfly is measured as `npm start` runs it: the compiled server/dist/main.js
 * under plain node, not the TypeScript sources under tsx (whose loader and
 * esbuild's keepNames wrappers cost a few per cent of the instructions per
 * signal). The benchmark builds the server workspaces first when that build is
 * missing or older than its sources.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isBuildStale } from '../../e2e/scripts/build-state.mjs';
import { REPO_ROOT } from './children.js';

export const MAYFLY_ENTRY = path.join(REPO_ROOT, 'server/dist/main.js');

/** The workspaces server/dist/main.js is compiled from, in build order. */
const SERVER_WORKSPACES = ['protocol', 'turn', 'signaling', 'server'] as const;
/** Every workspace's compiled entry: each must be newer than every source. */
const OUTPUTS = SERVER_WORKSPACES.map((workspace) =>
  workspace === 'server' ? 'server/dist/main.js' : `${workspace}/dist/index.js`,
);
const INPUTS = SERVER_WORKSPACES.flatMap((workspace) =>
  ['src', 'package.json', 'tsconfig.build.json'].map((input) => `${workspace}/${input}`),
);

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/**
 * Builds the server workspaces when their build is missing or stale; returns whether it built.
 * Quiet unless the build fails, whose output then is the error's message.
 */
export function ensureServerBuilt(log: (line: string) => void): boolean {
  if (!isBuildStale(REPO_ROOT, OUTPUTS, INPUTS)) return false;
  log('server/dist is missing or older than its sources: building it');
  const result = spawnSync(
    'npm',
    ['run', 'build', ...SERVER_WORKSPACES.flatMap((workspace) => ['-w', workspace])],
    { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    throw new BuildError(
      `npm run build of ${SERVER_WORKSPACES.join(', ')} failed (${result.error?.message ?? `exit ${String(result.status)}`}):\n${result.stdout}${result.stderr}`,
    );
  }
  return true;
}
