import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config-options.js';
import { connectClient, nextEvent } from './helpers.js';

const MAIN = path.resolve(import.meta.dirname, '../src/main.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the real entry point and resolves with its port once it listens. */
function launch(env: Record<string, string>, args: string[] = []) {
  const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-process-'));
  dirs.push(logDir);
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args], {
    env: {
      PATH: process.env.PATH,
      LOG_DIR: logDir,
      TURN_MODE: 'off',
      WEB_BUILD_DIR: logDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const port = /listening on http:\/\/[^:]+:(\d+)/u.exec(output)?.[1];
      if (port !== undefined) resolve(Number(port));
    });
    void exited.then((code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  // A process that exits early rejects `listening`; tests that expect that await `exited`.
  listening.catch(() => undefined);
  return { child, listening, exited, output: () => output };
}

describe('the service process', () => {
  it('--help lists every option and exits 0 without starting', async () => {
    const server = launch({}, ['--help']);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/^usage: /u);
    for (const variable of CONFIG_VARIABLES) expect(server.output()).toContain(`env ${variable},`);
    expect(server.output()).not.toContain('listening');
  });

  it('on SIGTERM tells connected clients and exits 0', async () => {
    const server = launch({ HOST: '127.0.0.1' }, ['--port', '0']);
    const port = await server.listening;
    const url = `http://127.0.0.1:${port}`;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const client = await connectClient({ url });
    const notice = nextEvent(client, 'shutdown');
    server.child.kill('SIGTERM');
    expect(await notice).toEqual({ retryAfterMs: 2000 });
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('SIGTERM received, shutting down');
    client.disconnect();
  });

  it('refuses to start on a bad setting and names it', async () => {
    const server = launch({ LOG_RETENTION_DAYS: 'forever' });
    expect(await server.exited).toBe(2);
    expect(server.output()).toContain(
      'invalid configuration: LOG_RETENTION_DAYS: expected a whole number, got "forever"',
    );
  });
});
