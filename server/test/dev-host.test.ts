import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSignaling, parseConfig } from '../src/index.js';
import { connectPair } from './helpers.js';

describe('createSignaling on a host that serves HTTP itself', () => {
  it('adds Socket.IO and mountable routes without taking over other requests', async () => {
    const logDir = mkdtempSync(path.join(tmpdir(), 'mayfly-dev-'));
    // Stands in for Vite's middleware stack: our routes first, then the host's own pages.
    const httpServer = createServer((request, response) => {
      signaling.routes(request, response, (error?: unknown) => {
        response.end(error === undefined ? 'page from the host' : 'error');
      });
    });
    const signaling = createSignaling(
      httpServer,
      parseConfig({ LOG_DIR: logDir, TURN_MODE: 'off' }),
    );
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;

    expect(await (await fetch(`${url}/some/page`)).text()).toBe('page from the host');
    const privacy = await fetch(`${url}/privacy.json`);
    expect(privacy.status).toBe(200);
    expect(privacy.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await privacy.json()).toMatchObject({ logging: { retentionDays: 30 }, cookies: [] });
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    const [a, b] = await connectPair({ url });
    a.disconnect();
    b.disconnect();
    await signaling.close();
    rmSync(logDir, { recursive: true, force: true });
  });
});
