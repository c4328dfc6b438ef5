import type { Signal } from '@mayfly/protocol';
import { describe, expect, it } from 'vitest';
import { ChatCodec } from '../src/lib/chat/chat-codec';
import {
  CONNECT_TIMEOUT_MS,
  ChatConnection,
  HEARTBEAT_MS,
  ICE_DOWN_GRACE_MS,
  RECONNECT_WINDOW_MS,
  RESTART_INTERVAL_MS,
  SILENCE_MS,
  TYPING_HEARD_MS,
  TYPING_SEND_MS,
  PENDING_SIGNALS_MAX,
  ROUTE_CHECKS_MS,
  type ChatConnectionEvents,
  type ChatPeer,
  type OutgoingImage,
} from '../src/lib/chat/chat-connection';
import { DATA_LIMITS } from '../src/lib/chat/data-protocol';
import { splitImage } from '../src/lib/chat/image-transfer';
import type { PeerOptions } from '../src/lib/peer/peer-connection';
import { FakePeer, ManualClock, flush } from './fakes';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const OFFER: Signal = { type: 'offer', sdp: 'v=0 offer' };
const CANDIDATE: Signal = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host' },
};
const EVENTS: (keyof ChatConnectionEvents)[] = [
  'signal',
  'busy',
  'connected',
  'stream',
  'safetyCode',
  'route',
  'text',
  'typing',
  'image',
  'refused',
  'interrupted',
  'restored',
  'left',
  'failed',
];

/**
 * A connection whose peer arrives when the test says (`peerArrives`), or at once. `heard` is
 * every event, in order, as `[name, ...args]`.
 */
const TURN = [{ urls: 'turn:192.0.2.1:3478', username: 'fresh', credential: 'x' }];

function setup(options: { initiator?: boolean; peerLater?: boolean } = {}) {
  const clock = new ManualClock();
  const peers: FakePeer[] = [];
  let peerArrives = (): void => {};
  let peerFails = (): void => {};
  const createPeer = (peerOptions: PeerOptions): Promise<ChatPeer> => {
    const peer = new FakePeer(peerOptions);
    peers.push(peer);
    const chatPeer = { peer, codec: new ChatCodec() };
    if (options.peerLater !== true) return Promise.resolve(chatPeer);
    return new Promise((resolve, reject) => {
      peerArrives = () => resolve(chatPeer);
      peerFails = () => reject(new Error('no WebRTC here'));
    });
  };
  const connection = new ChatConnection(
    { initiator: options.initiator ?? true, iceServers: [], relayOnly: false },
    { createPeer, clock, randomId: () => 'pic1' },
  );
  const heard: unknown[][] = [];
  for (const event of EVENTS) {
    connection.on(event, ((...args: unknown[]) => heard.push([event, ...args])) as never);
  }
  const peer = (): FakePeer => {
    const first = peers[0];
    if (first === undefined) throw new Error('no peer created');
    return first;
  };
  const names = (): unknown[] => heard.map(([name]) => name);
  return {
    connection,
    clock,
    peer,
    heard,
    names,
    peerArrives: () => peerArrives(),
    peerFails: () => peerFails(),
  };
}

type Setup = ReturnType<typeof setup>;

async function open(t: Setup): Promise<FakePeer> {
  await flush();
  t.peer().open();
  return t.peer();
}

const frames = (peer: FakePeer): { type: string }[] =>
  peer.sent.map((text) => JSON.parse(text) as { type: string });

describe('ChatConnection', () => {
  it('keeps the stranger’s signals until the peer exists, then feeds them in order', async () => {
    const t = setup({ initiator: false, peerLater: true });
    t.connection.signal(OFFER);
    t.connection.signal(CANDIDATE);
    await flush();
    expect(t.peer().received).toEqual([]);
    t.peerArrives();
    await flush();
    expect(t.peer().received).toEqual([OFFER, CANDIDATE]);
    // The offer starts a step of ours (the answer): it is not done until the answer and our
    // first candidate after it have left.
    expect(t.heard).toEqual([['busy', true]]);
    t.peer().events.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
    t.peer().events.emit('signal', CANDIDATE);
    t.peer().events.emit('signal', CANDIDATE);
    expect(t.heard.slice(1)).toEqual([
      ['signal', { type: 'answer', sdp: 'v=0 answer' }],
      ['signal', CANDIDATE],
      ['busy', false],
      ['signal', CANDIDATE],
    ]);
  });

  it(`keeps at most ${PENDING_SIGNALS_MAX} signals while the peer loads`, async () => {
    const t = setup({ peerLater: true });
    for (let i = 0; i < PENDING_SIGNALS_MAX + 50; i++) t.connection.signal(CANDIDATE);
    t.peerArrives();
    await flush();
    expect(t.peer().received).toHaveLength(PENDING_SIGNALS_MAX);
  });

  it('as the answerer with no offer yet, stays busy until its answer and a candidate have left', async () => {
    const t = setup({ initiator: false });
    await flush();
    expect(t.heard).toEqual([]);
    t.connection.signal(OFFER);
    t.peer().events.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
    expect(t.heard.at(-1)).toEqual(['signal', { type: 'answer', sdp: 'v=0 answer' }]);
    t.peer().events.emit('signal', CANDIDATE);
    expect(t.heard).toEqual([
      ['busy', true],
      ['signal', { type: 'answer', sdp: 'v=0 answer' }],
      ['signal', CANDIDATE],
      ['busy', false],
    ]);
  });

  it('as the initiator, relays its offer and is done with its step once the offer and a candidate left', async () => {
    const t = setup({ initiator: true });
    await flush();
    expect(t.heard).toEqual([]);
    t.peer().events.emit('signal', OFFER);
    expect(t.heard).toEqual([['signal', OFFER]]);
    t.peer().events.emit('signal', CANDIDATE);
    expect(t.heard).toEqual([
      ['signal', OFFER],
      ['signal', CANDIDATE],
      ['busy', false],
    ]);
  });

  it('sends text once open, and tells the stranger’s text, pictures and refusals apart', async () => {
    const t = setup();
    await flush();
    expect(t.connection.sendText('too early')).toBe(false);
    const peer = await open(t);
    expect(t.connection.sendText('hello')).toBe(true);
    expect(t.connection.sendText('   ')).toBe(false);
    expect(t.connection.sendText('x'.repeat(DATA_LIMITS.textLength + 1))).toBe(false);
    expect(peer.sent).toEqual([JSON.stringify({ type: 'text', text: 'hello' })]);

    peer.receive({ type: 'text', text: 'hey' });
    for (const message of splitImage('pic9', JPEG, 'image/jpeg')) peer.receive(message);
    peer.receive('not json');
    expect(t.names()).toEqual([
      'connected',
      'text',
      'image', // started
      'image', // progress
      'image', // complete
      'refused',
    ]);
    expect(t.heard[1]).toEqual(['text', 'hey']);
    expect(t.heard[4]).toMatchObject(['image', { kind: 'complete', id: 'pic9', bytes: JPEG }]);
    expect(t.heard[5]).toEqual(['refused', 'not-json']);
  });

  it('says "typing" at most once per TYPING_SEND_MS, and again at once after a message', async () => {
    const t = setup();
    t.connection.typing();
    const peer = await open(t);
    const typings = (): number => frames(peer).filter((f) => f.type === 'typing').length;
    t.connection.typing();
    t.connection.typing();
    expect(typings()).toBe(1);
    await t.clock.advance(TYPING_SEND_MS - 1);
    t.connection.typing();
    expect(typings()).toBe(1);
    await t.clock.advance(1);
    t.connection.typing();
    expect(typings()).toBe(2);
    t.connection.sendText('done');
    t.connection.typing();
    expect(typings()).toBe(3);
  });

  it('tells the stranger’s "typing" at most once per TYPING_HEARD_MS, however often it comes', async () => {
    const t = setup();
    const peer = await open(t);
    for (let i = 0; i < 50; i++) peer.receive({ type: 'typing' });
    expect(t.names().filter((name) => name === 'typing')).toHaveLength(1);
    await t.clock.advance(TYPING_HEARD_MS);
    peer.receive({ type: 'typing' });
    expect(t.names().filter((name) => name === 'typing')).toHaveLength(2);
    peer.receive({ type: 'typing', text: 'a secret' });
    expect(t.heard.at(-1)).toEqual(['refused', 'malformed']);
    // Their message ends their typing: typing again right after it is told at once.
    peer.receive({ type: 'text', text: 'hi' });
    peer.receive({ type: 'typing' });
    expect(t.names().slice(-2)).toEqual(['text', 'typing']);
  });

  it('hears the stranger’s bye once: the connection ends and says nothing more', async () => {
    const t = setup();
    const peer = await open(t);
    peer.receive({ type: 'bye' });
    peer.receive({ type: 'bye' });
    expect(t.names()).toEqual(['connected', 'left']);
    expect(peer.destroyed).toBe(true);
    t.connection.signal(CANDIDATE);
    await t.clock.advance(CONNECT_TIMEOUT_MS * 2);
    expect(peer.received).toEqual([]);
    expect(t.names()).toEqual(['connected', 'left']);
  });

  it.each([
    ['a connection error', (peer: FakePeer) => emitError(peer), 'connection-failed'],
    ['the connection closing', (peer: FakePeer) => peer.events.emit('closed'), 'connection-failed'],
  ])(
    'fails on %s before the channel opens, and the stranger leaves on it after',
    async (...[, end, reason]) => {
      const before = setup();
      await flush();
      end(before.peer());
      expect(before.heard).toEqual([['failed', reason]]);
      expect(before.peer().destroyed).toBe(true);

      const after = setup();
      end(await open(after));
      expect(after.names()).toEqual(['connected', 'left']);
    },
  );

  it('fails when the stranger never connects, and when WebRTC cannot start', async () => {
    const slow = setup();
    await slow.clock.advance(CONNECT_TIMEOUT_MS - 1);
    expect(slow.heard).toEqual([]);
    await slow.clock.advance(1);
    expect(slow.heard).toEqual([['failed', 'timeout']]);
    expect(slow.peer().destroyed).toBe(true);

    const unsupported = setup({ peerLater: true });
    unsupported.peerFails();
    await flush();
    expect(unsupported.heard).toEqual([['failed', 'unsupported']]);
  });

  it('disposing stops everything: no bye but on an open channel, no timer, no event', async () => {
    const t = setup();
    const peer = await open(t);
    peer.route = 'direct';
    t.connection.dispose();
    t.connection.dispose();
    expect(frames(peer)).toEqual([{ type: 'bye' }]);
    expect(peer.destroyed).toBe(true);
    await t.clock.advance(CONNECT_TIMEOUT_MS + 60_000);
    expect(peer.routeReads).toBe(0);
    t.connection.signal(OFFER);
    expect(peer.received).toEqual([]);
    expect(t.connection.sendText('still there?')).toBe(false);
    expect(t.names()).toEqual(['connected']);
  });

  it('destroys a peer that arrives after dispose, unheard', async () => {
    const t = setup({ peerLater: true });
    t.connection.signal(OFFER);
    t.connection.dispose();
    t.peerArrives();
    await flush();
    expect(t.peer().destroyed).toBe(true);
    expect(t.peer().received).toEqual([]);
    expect(t.peer().sent).toEqual([]);
    await t.clock.advance(CONNECT_TIMEOUT_MS);
    expect(t.heard).toEqual([]);
  });

  it('reads the route after opening and after ICE reconnects, and tells each change once', async () => {
    const t = setup();
    const peer = await open(t);
    peer.route = 'relayed';
    await t.clock.advance(60_000);
    expect(peer.routeReads).toBe(ROUTE_CHECKS_MS.length);
    peer.route = undefined; // unreadable: keeps what was known
    peer.events.emit('iceReconnected');
    await t.clock.advance(ROUTE_CHECKS_MS[1] ?? 0);
    peer.route = 'direct';
    await t.clock.advance(60_000);
    expect(t.heard.filter(([name]) => name === 'route')).toEqual([
      ['route', 'relayed'],
      ['route', 'direct'],
    ]);
  });

  describe('a break in the line', () => {
    it('says "still here" every heartbeat, and calls silence longer than SILENCE_MS an interruption', async () => {
      const t = setup();
      const peer = await open(t);
      await t.clock.advance(10 * HEARTBEAT_MS);
      expect(peer.heartbeats).toBeGreaterThanOrEqual(10);
      expect(t.names()).not.toContain('interrupted');
      peer.strangerAlive = false;
      await t.clock.advance(SILENCE_MS + HEARTBEAT_MS);
      expect(t.names()).toContain('interrupted');
      expect(t.connection.interrupted).toBe(true);
      // The stranger's frames come through again: the chat goes on, nothing else changed.
      peer.strangerAlive = true;
      await t.clock.advance(HEARTBEAT_MS);
      expect(t.names().filter((name) => name !== 'connected')).toEqual(['interrupted', 'restored']);
      expect(t.connection.interrupted).toBe(false);
    });

    it('keeps taking messages while interrupted: they leave on the channel, which holds them', async () => {
      const t = setup();
      const peer = await open(t);
      peer.strangerAlive = false;
      await t.clock.advance(SILENCE_MS + HEARTBEAT_MS);
      expect(t.connection.sendText('still there?')).toBe(true);
      expect(frames(peer)).toEqual([{ type: 'text', text: 'still there?' }]);
    });

    it('restarts ICE at once when it fails, with the ICE servers it has', async () => {
      const t = setup();
      const peer = await open(t);
      peer.events.emit('iceInterrupted', 'failed');
      expect(t.names()).toContain('interrupted');
      expect(peer.restarts).toEqual([[]]);
    });

    it('restarts a connection that failed within the restart interval once the interval is over, unless it came back', async () => {
      const t = setup();
      const peer = await open(t);
      peer.events.emit('iceInterrupted', 'failed');
      expect(peer.restarts).toHaveLength(1);
      // The restarted (or rebuilt) connection fails too, at once: nothing heals it by itself.
      peer.events.emit('iceInterrupted', 'failed');
      expect(peer.restarts).toHaveLength(1);
      await t.clock.advance(RESTART_INTERVAL_MS);
      expect(peer.restarts).toHaveLength(2);
      // Failed again within the interval, then back by itself: no restart follows.
      peer.events.emit('iceInterrupted', 'failed');
      peer.events.emit('iceReconnected');
      await t.clock.advance(RESTART_INTERVAL_MS);
      expect(peer.restarts).toHaveLength(2);
    });

    it('gives a disconnected ICE ICE_DOWN_GRACE_MS to heal by itself before restarting it', async () => {
      const t = setup();
      const peer = await open(t);
      peer.events.emit('iceInterrupted', 'disconnected');
      await t.clock.advance(ICE_DOWN_GRACE_MS - 1);
      expect(peer.restarts).toEqual([]);
      peer.events.emit('iceReconnected');
      await t.clock.advance(ICE_DOWN_GRACE_MS);
      expect(peer.restarts).toEqual([]);
      expect(t.names()).toContain('restored');
      // Down again, and not healing: restarted.
      peer.events.emit('iceInterrupted', 'disconnected');
      await t.clock.advance(ICE_DOWN_GRACE_MS);
      expect(peer.restarts).toHaveLength(1);
    });

    it('restarts on request with fresh ICE servers while interrupted, no more than once per interval, and leaves a healthy line alone', async () => {
      const t = setup();
      const peer = await open(t);
      t.connection.restart(TURN);
      expect(peer.restarts).toEqual([]);
      peer.strangerAlive = false;
      await t.clock.advance(SILENCE_MS + HEARTBEAT_MS);
      t.connection.restart(TURN);
      t.connection.restart(TURN);
      expect(peer.restarts).toEqual([TURN]);
      await t.clock.advance(RESTART_INTERVAL_MS);
      t.connection.restart();
      expect(peer.restarts).toEqual([TURN, TURN]);
    });

    it('as the initiator, answers the stranger’s restart request with one restart, not a second on top of its own', async () => {
      const RESTART_REQUEST: Signal = { type: 'renegotiate', renegotiate: true };
      const t = setup({ initiator: true });
      const peer = await open(t);
      peer.events.emit('iceInterrupted', 'failed');
      expect(peer.restarts).toHaveLength(1);
      // The stranger noticed the break too and asks: our restart under way answers it.
      t.connection.signal(RESTART_REQUEST);
      expect(peer.received).toEqual([]);
      await t.clock.advance(RESTART_INTERVAL_MS);
      t.connection.signal(RESTART_REQUEST);
      expect(peer.received).toEqual([RESTART_REQUEST]);
      // …and a restart of ours right after the one the stranger asked for waits its turn.
      peer.events.emit('iceInterrupted', 'failed');
      expect(peer.restarts).toHaveLength(1);
    });

    it('as the answerer, passes restart requests on as they come (only the initiator restarts)', async () => {
      const RESTART_REQUEST: Signal = { type: 'renegotiate', renegotiate: true };
      const t = setup({ initiator: false });
      const peer = await open(t);
      t.connection.signal(RESTART_REQUEST);
      t.connection.signal(RESTART_REQUEST);
      expect(peer.received).toEqual([RESTART_REQUEST, RESTART_REQUEST]);
    });

    describe('a restart offer lost with a dropped connection to the server', () => {
      const ANSWER: Signal = { type: 'answer', sdp: 'v=0 answer' };

      /** Open, broken, and restarted once by ICE failing: our restart offer is out. */
      async function offerOut(): Promise<[Setup, FakePeer]> {
        const t = setup({ initiator: true });
        const peer = await open(t);
        peer.events.emit('signal', OFFER);
        t.connection.signal(ANSWER);
        peer.events.emit('iceInterrupted', 'failed');
        expect(peer.takeBacks).toEqual([false]);
        peer.events.emit('signal', OFFER);
        return [t, peer];
      }

      it('is taken back and replaced when the signaling comes back, once the interval since the last restart is over', async () => {
        const [t, peer] = await offerOut();
        await t.clock.advance(1_000);
        t.connection.restart(TURN, { signalingBack: true });
        // The stranger may have seen the last one: not two restarts within the interval.
        expect(peer.takeBacks).toEqual([false]);
        await t.clock.advance(RESTART_INTERVAL_MS - 1_000 - 1);
        expect(peer.takeBacks).toEqual([false]);
        await t.clock.advance(1);
        expect(peer.takeBacks).toEqual([false, true]);
        expect(peer.restarts.at(-1)).toEqual(TURN);
        // Its replacement is answered: nothing more.
        peer.events.emit('signal', OFFER);
        t.connection.signal(ANSWER);
        t.connection.restart(TURN, { signalingBack: true });
        await t.clock.advance(RESTART_INTERVAL_MS);
        expect(peer.takeBacks).toEqual([false, true]);
      });

      it('is replaced at once when the last restart is older than the interval, even on a line that healed', async () => {
        const [t, peer] = await offerOut();
        peer.events.emit('iceReconnected');
        await t.clock.advance(RESTART_INTERVAL_MS);
        expect(t.connection.interrupted).toBe(false);
        // The stranger came back to the server: our offer went to their old connection.
        t.connection.restart(undefined, { signalingBack: true });
        expect(peer.takeBacks).toEqual([false, true]);
      });

      it('is left alone when its answer comes before the replacement is due, and an answered offer is never taken back', async () => {
        const [t, peer] = await offerOut();
        t.connection.restart(TURN, { signalingBack: true });
        t.connection.signal(ANSWER);
        await t.clock.advance(RESTART_INTERVAL_MS);
        expect(peer.takeBacks).toEqual([false]);
        // A later break restarts as usual, without taking anything back.
        peer.events.emit('iceInterrupted', 'failed');
        expect(peer.takeBacks).toEqual([false, false]);
      });

      it('is not looked for by the answerer, whose restarts are requests', async () => {
        const t = setup({ initiator: false });
        const peer = await open(t);
        peer.strangerAlive = false;
        await t.clock.advance(SILENCE_MS + HEARTBEAT_MS);
        t.connection.restart(TURN, { signalingBack: true });
        expect(peer.takeBacks).toEqual([false]);
      });
    });

    it('ends the chat when the line stays broken past the window', async () => {
      const t = setup();
      await flush();
      t.peer().strangerAlive = false;
      const peer = await open(t);
      // Heartbeats every 750 ms from the opening: the one at 3,000 ms finds 2,500 ms of silence.
      await t.clock.advance(3000);
      expect(t.names().at(-1)).toBe('interrupted');
      await t.clock.advance(RECONNECT_WINDOW_MS - 1);
      expect(t.names()).not.toContain('left');
      await t.clock.advance(1);
      expect(t.names().at(-1)).toBe('left');
      expect(peer.destroyed).toBe(true);
    });
  });

  describe('sending a picture', () => {
    const image: OutgoingImage = { bytes: JPEG.slice(), mime: 'image/jpeg' };

    it('sends it in chunks, paced while the channel’s buffer is full', async () => {
      const t = setup();
      const peer = await open(t);
      peer.bufferedAmount = 10 * 1024 * 1024;
      const progress: number[] = [];
      const sent = t.connection.sendImage(Promise.resolve(image), {
        started: () => {},
        progress: (fraction) => progress.push(fraction),
      });
      await t.clock.advance(1000);
      expect(peer.sent).toEqual([]);
      peer.bufferedAmount = 0;
      await t.clock.advance(25);
      expect(await sent).toBe('sent');
      expect(frames(peer).map((frame) => frame.type)).toEqual([
        'image-start',
        'image-chunk',
        'image-end',
      ]);
      expect(progress).toEqual([1 / 3, 2 / 3, 1]);
    });

    it('cancels it when disposed, while paced or still being re-encoded', async () => {
      const t = setup();
      const peer = await open(t);
      peer.bufferedAmount = 10 * 1024 * 1024;
      let started = 0;
      const paced = t.connection.sendImage(Promise.resolve(image), {
        started: () => started++,
        progress: () => {},
      });
      const encoding = t.connection.sendImage(new Promise<OutgoingImage>(() => {}), {
        started: () => started++,
        progress: () => {},
      });
      await t.clock.advance(100);
      await flush(); // the first picture is re-encoded and waits for the channel to drain
      expect(started).toBe(1);
      t.connection.dispose();
      expect(await paced).toBe('cancelled');
      expect(await encoding).toBe('cancelled');
      expect(started).toBe(1);
      expect(frames(peer)).toEqual([{ type: 'bye' }]);
    });

    it('says why it could not go: not a picture, too large, or the channel refused it', async () => {
      const t = setup();
      const peer = await open(t);
      const quiet = { started: () => {}, progress: () => {} };
      expect(await t.connection.sendImage(Promise.reject(new Error('x')), quiet)).toBe(
        'unreadable',
      );
      const huge = {
        bytes: new Uint8Array(DATA_LIMITS.imageBytes + 1),
        mime: 'image/jpeg' as const,
      };
      expect(await t.connection.sendImage(Promise.resolve(huge), quiet)).toBe('too-large');
      peer.connected = false; // the channel closes under us
      expect(await t.connection.sendImage(Promise.resolve(image), quiet)).toBe('failed');
    });
  });
});

function emitError(peer: FakePeer): void {
  peer.events.emit('error', { kind: 'connection-failed', code: 'ERR_ICE_CONNECTION_FAILURE' });
}
