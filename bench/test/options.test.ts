/** The benchmark's command line: what --baseline-build accepts and refuses, and where --out writes. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/children.js';
import { BenchOptionError, parseBenchOptions } from '../src/options.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A directory shaped like adapter-node's output, under `parent`. */
function fakeBuild(parent: string): string {
  const dir = mkdtempSync(path.join(parent, 'baseline-build-'));
  made.push(dir);
  writeFileSync(path.join(dir, 'handler.js'), 'export const handler = () => {};\n');
  return dir;
}

describe('--baseline-build', () => {
  it('is absent unless given', () => {
    expect(parseBenchOptions(['--only', 'browser']).baselineBuild).toBeUndefined();
  });

  it('takes a web build inside the repository, as an absolute path', () => {
    const parent = path.join(REPO_ROOT, 'bench', 'test-results');
    mkdirSync(parent, { recursive: true });
    const dir = fakeBuild(parent);
    const relative = path.relative(process.cwd(), dir);
    expect(parseBenchOptions(['--baseline-build', relative]).baselineBuild).toBe(dir);
    // `npm run bench` runs in bench/: relative to where npm was started.
    const fromRoot = path.relative(REPO_ROOT, dir);
    const env = { INIT_CWD: REPO_ROOT };
    expect(parseBenchOptions(['--baseline-build', fromRoot], env).baselineBuild).toBe(dir);
  });

  it('refuses a directory without handler.js, and one outside the repository', () => {
    const empty = path.join(REPO_ROOT, 'bench', 'no-such-build');
    expect(() => parseBenchOptions(['--baseline-build', empty])).toThrow(BenchOptionError);
    expect(() => parseBenchOptions(['--baseline-build', empty])).toThrow(/no handler\.js/u);
    const outside = fakeBuild(tmpdir());
    expect(() => parseBenchOptions(['--baseline-build', outside])).toThrow(
      /must lie inside .*node_modules/u,
    );
  });
});

describe('--out', () => {
  it('is read from where npm was started, not from bench/ where the workspace runs', () => {
    const env = { INIT_CWD: REPO_ROOT };
    expect(parseBenchOptions(['--out', 'figures.json'], env).out).toBe(
      path.join(REPO_ROOT, 'figures.json'),
    );
    expect(parseBenchOptions(['--out', '/tmp/figures.json'], env).out).toBe('/tmp/figures.json');
    expect(parseBenchOptions([]).out).toBeUndefined();
  });
});
