/**
 * scripts/check-node.cjs: the first thing `npm ci`, `npm install`, `npm run build` and
 * `npm start` run. On a Node older than the engines floor it must stop with one line saying
 * what is needed and how to get it; on a supported Node it must say nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHECK = path.join(ROOT, 'scripts/check-node.cjs');
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};
const floor = /^>=(\d+)\.(\d+)$/u.exec(manifest.engines.node);

/** The machine's own node (Debian and NodeSource put it here), when it is older than the floor. */
function oldSystemNode(): string | undefined {
  const candidate = '/usr/bin/node';
  if (!existsSync(candidate) || floor === null) return undefined;
  const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const [major = 0, minor = 0] = version.slice(1).split('.').map(Number);
  const [floorMajor, floorMinor] = [Number(floor[1]), Number(floor[2])];
  const older = major < floorMajor || (major === floorMajor && minor < floorMinor);
  return older ? candidate : undefined;
}

function runCheck(node: string) {
  return spawnSync(node, [CHECK], { encoding: 'utf8', env: { PATH: process.env.PATH } });
}

describe('the Node.js version check', () => {
  it('reads its floor from the engines entry of package.json', () => {
    expect(floor).not.toBeNull();
  });

  it('says nothing and passes on the Node running the tests', () => {
    const result = runCheck(process.execPath);
    expect(result.status).toBe(0);
    expect(result.stdout + result.stderr).toBe('');
  });

  it.skipIf(oldSystemNode() === undefined)(
    'stops an older Node with one line naming the floor, the running version and where to get Node 24',
    () => {
      const node = oldSystemNode() ?? '';
      const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const result = runCheck(node);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`Node.js ${floor?.[1]}.${floor?.[2]} or newer`);
      expect(lines[0]).toContain(version);
      expect(lines[0]).toContain('https://nodejs.org/en/download');
    },
  );

  it('runs before the install and before every build, npm start included', () => {
    const check = 'node scripts/check-node.cjs';
    expect(manifest.scripts.preinstall).toBe(check);
    expect(manifest.scripts.prebuild).toBe(check);
    // npm start builds first, and the build checks first.
    expect(manifest.scripts.prestart).toBe('npm run build');
  });
});
