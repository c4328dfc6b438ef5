/**
 * A probe from outside, as an abuser would try it: the real entry point as a
 * process of its own (one process in memory, and on a real Redis), clients
 * told apart by a trusted proxy's X-Forwarded-For, every event taken from
 * docs/protocol.md. Once an address is banned, every way back into matching
 * is tried while an honest stranger waits as bait: none may reach them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnNode, testPrefix, type NodeProcess } from './cluster-helpers.js';
import { type Client, connectClient, nextEvent, settle, startSearch } from './helpers.js';

const processes: NodeProcess[] = [];
const clients: Client[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
  for (const node of processes.splice(0)) node.child.kill('SIGKILL');
});

const BACKENDS: [string, Record<string, string>][] = [
  ['in memory', { REDIS_URL: '' }],
  ['Redis', { REDIS_KEY_PREFIX: testPrefix() }],
];

describe.each(BACKENDS)('a banned address, probed from outside (%s)', (_name, backendEnv) => {
  it('finds no way back into matching: Next, Start, Stop then Start, a waiting tab, a reconnect, another /64 of its /56', async () => {
    const node = await spawnNode({
      ...backendEnv,
      TRUST_PROXY_HOPS: '1',
      BAN_REPORTS: '3',
      BAN_MINUTES: '1',
      MAX_CONNECTIONS_PER_ADDRESS: '50',
    });
    processes.push(node);
    const url = `http://127.0.0.1:${node.port}`;
    const from = async (address: string): Promise<Client> => {
      const client = await connectClient({ url }, { forwardedFor: address });
      clients.push(client);
      return client;
    };
    const offender = '2001:db8:bad:1::1';
    const meet = async (first: Client, second: Client): Promise<void> => {
      const matched = nextEvent(first, 'matched');
      await startSearch(first);
      await startSearch(second);
      await matched;
    };

    // Tabs of the offender in every state when the ban begins: chatting, waiting, idle.
    const reported = await from(offender);
    for (const reporter of ['198.51.100.1', '198.51.100.2']) {
      const client = await from(reporter);
      await meet(reported, client);
      await client.emitWithAck('report', { reason: 'spam' });
    }
    const chatting = await from(offender);
    await meet(chatting, await from('198.51.100.40'));
    const lastReporter = await from('198.51.100.3');
    await meet(reported, lastReporter);
    const waiting = await from(offender);
    expect(await startSearch(waiting)).toEqual({ ok: true });
    const idle = await from(offender);
    await lastReporter.emitWithAck('report', { reason: 'spam' });

    // The bait: an honest stranger waiting to be met by anyone.
    const bait = await from('198.51.100.99');
    let baitMet = false;
    bait.on('matched', () => (baitMet = true));
    expect(await startSearch(bait)).toEqual({ ok: true });

    const tabs = [reported, chatting, waiting, idle];
    const banned = { ok: false, code: 'banned' };
    for (const tab of tabs) {
      expect(await tab.emitWithAck('next')).toMatchObject(banned);
      expect(await startSearch(tab)).toMatchObject(banned);
      await tab.emitWithAck('stop');
      expect(await startSearch(tab, { interests: ['anything'] })).toMatchObject(banned);
      expect(await tab.emitWithAck('next')).toMatchObject(banned);
    }
    for (const address of [offender, '2001:db8:bad:ff::7']) {
      const fresh = await from(address);
      expect(await startSearch(fresh)).toMatchObject(banned);
      expect(await fresh.emitWithAck('next')).toMatchObject(banned);
    }
    await settle(bait, ...tabs);
    expect(baitMet).toBe(false);
    // The bait is still there for anyone else: another /56 is not banned.
    const matched = nextEvent(bait, 'matched');
    expect(await startSearch(await from('2001:db8:bad:100::1'))).toEqual({ ok: true });
    await matched;
  }, 30_000);
});
