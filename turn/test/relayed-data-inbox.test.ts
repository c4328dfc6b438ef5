import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RelayedDataInbox } from '../src/relayed-data-inbox.js';
import type { RelayedData } from '../src/relayed-data-inbox.js';
import { TurnTimeoutError } from '../src/turn-client-errors.js';

function from(port: number): RelayedData {
  return { peer: { address: '192.0.2.1', port }, data: Buffer.from([port]), via: 'channel-data' };
}

const fromPort = (port: number) => (data: RelayedData) => data.peer.port === port;

describe('RelayedDataInbox', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('hands a reader what was kept first, the first it accepts, once', async () => {
    const inbox = new RelayedDataInbox();
    inbox.deliver(from(1));
    inbox.deliver(from(2));

    await expect(inbox.next(fromPort(2), 100)).resolves.toEqual(from(2));
    await expect(inbox.next(() => true, 100)).resolves.toEqual(from(1));
  });

  it('hands new data to the waiting reader that accepts it, and keeps the rest', async () => {
    const inbox = new RelayedDataInbox();
    const waiting = inbox.next(fromPort(2), 100);

    inbox.deliver(from(1));
    inbox.deliver(from(2));

    await expect(waiting).resolves.toEqual(from(2));
    await expect(inbox.next(() => true, 100)).resolves.toEqual(from(1));
  });

  it('fails a reader after its timeout, or when told to', async () => {
    const inbox = new RelayedDataInbox();
    const timedOut = expect(inbox.next(() => true, 100)).rejects.toThrow(TurnTimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    await timedOut;

    const waiting = inbox.next(() => true, 100);
    inbox.failWaiting(new Error('client closed'));
    await expect(waiting).rejects.toThrow('client closed');
    // Nobody waits any more: new data is kept.
    inbox.deliver(from(1));
    await expect(inbox.next(() => true, 100)).resolves.toEqual(from(1));
  });
});
