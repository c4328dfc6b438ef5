import { describe, expect, it } from 'vitest';
import type { PeerOptions } from '../src/lib/peer/peer-connection';
import { ChatCodec } from '../src/lib/chat/chat-codec';
import { CONNECT_TIMEOUT_MS, ROUTE_CHECKS_MS } from '../src/lib/chat/chat-connection';
import { SessionController } from '../src/lib/session/session-controller';
import type { SessionView } from '../src/lib/session/session-view';
import en from '../src/lib/i18n/locales/en';
import { routeMeaning } from '../src/lib/session/route-meaning';
import { statusText } from '../src/lib/session/status-text';
import { splitImage } from '../src/lib/chat/image-transfer';
import { START_HOLD_MAX_MS, VIEW_HOLD_MAX_MS } from '../src/lib/session/view-publisher';
import { PREPARED_MAX_AGE_MS } from '../src/lib/session/prepared-peer';
import {
  FakePeer,
  FakeSignaling,
  FakeStream,
  FakeTrack,
  ManualClock,
  WELCOME,
  fakeMedia,
  fakeObjectUrls,
  flush,
  mediaError,
} from './fakes';

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);

function setup(
  options: {
    media?: () => Promise<FakeStream>;
    /** What the media port says of the browser's camera prompt; absent: it says nothing. */
    mayPrompt?: () => boolean;
    preparePeer?: () => void;
    reencodeImage?: () => Promise<{ bytes: Uint8Array<ArrayBuffer>; mime: 'image/jpeg' }>;
  } = {},
) {
  const signaling = new FakeSignaling();
  const clock = new ManualClock();
  const stream = new FakeStream(
    new FakeTrack('audio', 'audio-1'),
    new FakeTrack('video', 'video-1'),
  );
  const media = {
    ...fakeMedia(options.media ?? (() => Promise.resolve(stream))),
    ...(options.mayPrompt === undefined ? {} : { mayPrompt: options.mayPrompt }),
  };
  const peers: FakePeer[] = [];
  const urls = fakeObjectUrls();
  const online: (() => void)[] = [];
  const controller = new SessionController({
    chatWords: () => en.chat,
    signaling,
    media,
    clock,
    createPeer: (peerOptions: PeerOptions) => {
      const peer = new FakePeer(peerOptions);
      peers.push(peer);
      return Promise.resolve({ peer, codec: new ChatCodec() });
    },
    ...(options.preparePeer === undefined ? {} : { preparePeer: options.preparePeer }),
    reencodeImage:
      options.reencodeImage ?? (() => Promise.resolve({ bytes: JPEG.slice(), mime: 'image/jpeg' })),
    objectUrls: urls,
    randomId: () => 'img1',
    onBrowserOnline: (listener) => {
      online.push(listener);
      return () => online.splice(online.indexOf(listener), 1);
    },
  });
  const status = (): string => statusText(controller.view, en, 'en');
  const comeOnline = (): void => {
    for (const listener of online) listener();
  };
  return { controller, signaling, clock, stream, media, peers, urls, status, comeOnline };
}

type Setup = ReturnType<typeof setup>;

async function startAndMatch(t: Setup, initiator = true): Promise<FakePeer> {
  t.signaling.welcome();
  await t.controller.start({ nickname: 'Ann', interests: ['chess'], relayOnly: false });
  await flush();
  t.signaling.events.emit('matched', {
    initiator,
    sharedInterests: ['chess'],
    partnerNickname: 'Bo',
    resumeToken: TOKEN,
  });
  await flush();
  const peer = t.peers.at(-1);
  if (peer === undefined) throw new Error('no peer created');
  return peer;
}

const phase = (view: SessionView): string => view.phase;
const TOKEN = `${'a'.repeat(32)}.${'b'.repeat(32)}`;
const HOST_CANDIDATE = {
  type: 'candidate',
  candidate: { candidate: 'candidate:1 1 udp 1 192.0.2.1 5000 typ host' },
} as const;
const NEXT_TOKEN = `${'a'.repeat(32)}.${'c'.repeat(32)}`;
const FRESH_TURN = [{ urls: 'turn:192.0.2.9:3478', username: 'fresh', credential: 'p' }];

describe('our side of the connection, made before the match', () => {
  const OFFER = { type: 'offer', sdp: 'v=0 offer' } as const;
  const ANSWER = { type: 'answer', sdp: 'v=0 answer' } as const;
  const match = (t: Setup, initiator: boolean): void =>
    t.signaling.events.emit('matched', { initiator, sharedInterests: [], resumeToken: TOKEN });
  const made = (t: Setup): [boolean, boolean][] =>
    t.peers.map((peer) => [peer.options.initiator, peer.destroyed]);

  /** Start, and the server queues us: returns the initiator's peer made while we wait. */
  async function waiting(t: Setup): Promise<FakePeer> {
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    await flush();
    expect(made(t), 'the answering peer made on Start gave way to an offer').toEqual([
      [false, true],
      [true, false],
    ]);
    const prepared = t.peers[1];
    if (prepared === undefined) throw new Error('no peer prepared');
    expect(prepared.options).toMatchObject({ initiator: true, relayOnly: false });
    expect(prepared.options.stream).toBe(t.stream);
    return prepared;
  }

  /** The server answers `start` and `next` only when told to (a stranger may be found first). */
  function slowServer(t: Setup): { answer: () => void } {
    let answer = (): void => {};
    const hold = (): Promise<{ ok: true }> =>
      new Promise((resolve) => (answer = () => resolve({ ok: true })));
    t.signaling.start = (request) => {
      t.signaling.sent.push({ event: 'start', request });
      return hold();
    };
    t.signaling.next = () => {
      t.signaling.sent.push({ event: 'next' });
      return hold();
    };
    return { answer: () => answer() };
  }

  it('answers with a peer made on Start while the server decides, kept silent until the match', async () => {
    const t = setup();
    const server = slowServer(t);
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    await flush();
    expect(t.signaling.sent.map((sent) => sent.event)).toEqual(['start']);
    expect(made(t)).toEqual([[false, false]]);
    const prepared = t.peers[0];
    if (prepared === undefined) throw new Error('no peer prepared');
    expect(prepared.options).toMatchObject({
      initiator: false,
      relayOnly: false,
      iceServers: WELCOME.iceServers,
    });
    expect(prepared.options.stream).toBe(t.stream);

    // A stranger was waiting: the server pairs us, and their offer follows at once.
    match(t, false);
    t.signaling.events.emit('signal', OFFER);
    server.answer();
    await flush();
    expect(made(t), 'the chat took it: no second peer').toEqual([[false, false]]);
    expect(prepared.received).toEqual([OFFER]);
    prepared.events.emit('signal', ANSWER);
    expect(t.signaling.signals).toEqual([ANSWER]);
    prepared.open();
    expect(phase(t.controller.view)).toBe('connected');
  });

  it('answers the next stranger with a peer made on Next', async () => {
    const t = setup();
    const first = await startAndMatch(t, true);
    first.open();
    const server = slowServer(t);
    t.controller.next();
    await flush();
    expect(first.destroyed).toBe(true);
    const prepared = t.peers.at(-1);
    expect(prepared?.options.initiator).toBe(false);
    expect(prepared?.destroyed).toBe(false);
    const count = t.peers.length;
    match(t, false);
    server.answer();
    await flush();
    expect(t.peers, 'no new peer').toHaveLength(count);
    t.signaling.events.emit('signal', OFFER);
    expect(prepared?.received).toEqual([OFFER]);
  });

  it('is made once we are queued, kept in the tab, and leaves at once on the match', async () => {
    const t = setup();
    const prepared = await waiting(t);
    prepared.events.emit('signal', OFFER);
    prepared.events.emit('signal', HOST_CANDIDATE);
    await flush();
    expect(t.signaling.signals, 'nothing leaves before a stranger is found').toEqual([]);

    match(t, true);
    await flush();
    expect(t.peers, 'no new peer').toHaveLength(2);
    expect(prepared.destroyed).toBe(false);
    expect(t.signaling.signals).toEqual([OFFER, HOST_CANDIDATE]);
    expect(phase(t.controller.view)).toBe('connecting');
    // It is the chat's peer from here on: its later signals leave, the stranger's reach it.
    const later = {
      ...HOST_CANDIDATE,
      candidate: { candidate: 'candidate:2 1 udp 1 x 1 typ host' },
    };
    prepared.events.emit('signal', later);
    t.signaling.events.emit('signal', ANSWER);
    expect(t.signaling.signals.at(-1)).toEqual(later);
    expect(prepared.received).toEqual([ANSWER]);
    prepared.open();
    expect(phase(t.controller.view)).toBe('connected');
  });

  it('is thrown away when we are matched as the answering side after all', async () => {
    const t = setup();
    const prepared = await waiting(t);
    prepared.events.emit('signal', OFFER);
    match(t, false);
    await flush();
    expect(prepared.destroyed).toBe(true);
    expect(made(t).at(-1)).toEqual([false, false]);
    expect(t.signaling.signals, 'the offer made ahead never leaves').toEqual([]);
  });

  it('is made again when what the chat needs changes: Hide my IP address, a camera, the network, the ICE servers', async () => {
    let call = 0;
    const camera2 = new FakeStream(new FakeTrack('video', 'video-2'));
    const t = setup({ media: () => Promise.resolve(++call === 1 ? t.stream : camera2) });
    const first = await waiting(t);
    t.controller.setRelayOnly(true);
    await flush();
    expect(first.destroyed).toBe(true);
    expect(t.peers[2]?.options.relayOnly).toBe(true);

    await t.controller.selectDevice('video', { deviceId: { exact: 'video-2' } });
    await flush();
    expect(t.peers[2]?.destroyed).toBe(true);
    expect(t.peers[3]?.destroyed).toBe(false);

    t.comeOnline();
    await flush();
    expect(t.peers[3]?.destroyed).toBe(true);

    // Our connection to the server came back with fresh TURN credentials: we ask again.
    t.signaling.welcome({ ...WELCOME, iceServers: FRESH_TURN });
    await flush();
    expect(made(t).slice(4)).toEqual([
      [true, true],
      [false, true],
      [true, false],
    ]);
    expect(t.peers[5]?.options.iceServers).toEqual(FRESH_TURN);
    expect(t.peers[6]?.options.iceServers).toEqual(FRESH_TURN);
    const count = t.peers.length;
    match(t, true);
    await flush();
    expect(t.peers, 'the chat took the last one').toHaveLength(count);
    expect(t.peers.at(-1)?.destroyed).toBe(false);
  });

  it('is made again when it grows old, and the chat makes its own if it broke', async () => {
    const t = setup();
    const first = await waiting(t);
    await t.clock.advance(PREPARED_MAX_AGE_MS);
    expect(first.destroyed).toBe(true);
    const second = t.peers[2];
    expect(second?.destroyed).toBe(false);
    second?.events.emit('closed');
    match(t, true);
    await flush();
    expect(made(t)).toEqual([
      [false, true],
      [true, true],
      [true, true],
      [true, false],
    ]);
  });

  it('is thrown away on Stop, answering or offering', async () => {
    const t = setup();
    slowServer(t);
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    t.controller.stop();
    await flush();
    expect(made(t)).toEqual([[false, true]]);

    const u = setup();
    const prepared = await waiting(u);
    u.controller.stop();
    await flush();
    expect(prepared.destroyed).toBe(true);
  });
});

describe('a chat that survives a network change', () => {
  async function connected(t: Setup): Promise<FakePeer> {
    const peer = await startAndMatch(t);
    peer.open();
    await flush();
    return peer;
  }

  it('says "Reconnecting" within seconds of a silent line, with until when, and drops it when the line is back', async () => {
    const t = setup();
    const peer = await connected(t);
    peer.strangerAlive = false;
    await t.clock.advance(3000);
    expect(t.controller.view.reconnectingUntil).toBe(t.clock.now() + 25_000);
    expect(t.status()).toBe('The connection to the stranger broke. Reconnecting…');
    peer.strangerAlive = true;
    await t.clock.advance(1000);
    expect(t.controller.view.reconnectingUntil).toBeUndefined();
    expect(t.status()).toContain('Connected to Bo');
  });

  it('takes the chat back on the server when its own connection comes back, and restarts ICE with fresh servers if the line broke too', async () => {
    const t = setup();
    const peer = await connected(t);
    peer.strangerAlive = false;
    await t.clock.advance(3000);
    t.signaling.goOffline();
    t.signaling.welcome({ ...WELCOME, iceServers: FRESH_TURN });
    await flush();
    expect(t.signaling.resumed).toEqual([TOKEN]);
    expect(peer.restarts).toEqual([FRESH_TURN]);
    expect(phase(t.controller.view)).toBe('connected');
    // The next resume uses the new token: the old one is spent.
    t.signaling.welcome();
    await flush();
    expect(t.signaling.resumed).toEqual([TOKEN, NEXT_TOKEN]);
  });

  it('ends the chat as "Stranger left" when the server says the chat is over', async () => {
    const t = setup();
    await connected(t);
    t.signaling.resumeAcks.push({ ok: false, code: 'resume_expired' });
    t.signaling.welcome();
    await flush();
    expect(phase(t.controller.view)).toBe('partner-left');
    expect(t.status()).toContain('Stranger left');
  });

  it('counts down from the server’s grace when it says the stranger is away, and restarts when they return', async () => {
    const t = setup();
    const peer = await connected(t);
    peer.strangerAlive = false;
    await t.clock.advance(3000);
    t.signaling.events.emit('partnerAway', { graceMs: 20_000 });
    expect(t.controller.view.reconnectingUntil).toBe(t.clock.now() + 20_000);
    t.signaling.events.emit('partnerReturned', {});
    expect(peer.restarts).toHaveLength(1);
  });

  it('keeps saying "Connected" through a server restart while the call flows, even while the server waits for the stranger', async () => {
    const t = setup();
    const peer = await connected(t);
    t.signaling.resumeAcks.push({ ok: true, resumeToken: NEXT_TOKEN, partnerPresent: false });
    t.signaling.goOffline();
    t.signaling.welcome();
    await flush();
    expect(t.signaling.resumed).toEqual([TOKEN]);
    expect(t.controller.view.reconnectingUntil).toBeUndefined();
    expect(t.status()).toContain('Connected to Bo');
    expect(peer.restarts).toEqual([]);
  });

  it('restarts a broken line at once when the browser comes back online', async () => {
    const t = setup();
    const peer = await connected(t);
    t.comeOnline();
    expect(peer.restarts).toEqual([]); // a healthy line is left alone
    peer.strangerAlive = false;
    await t.clock.advance(3000);
    t.comeOnline();
    expect(peer.restarts).toHaveLength(1);
  });

  it('tries the server at once when the browser comes back online, waiting or chatting', async () => {
    const t = setup();
    t.signaling.welcome();
    t.comeOnline();
    expect(t.signaling.reconnectsNow).toBe(1);
    await connected(t);
    t.signaling.goOffline();
    t.comeOnline();
    expect(t.signaling.reconnectsNow).toBe(2);
  });
});

describe('SessionController', () => {
  it('loads the WebRTC code on prepare() and again on Start, touching neither camera nor server', async () => {
    let prepared = 0;
    const t = setup({ preparePeer: () => prepared++ });
    t.signaling.welcome();
    t.controller.prepare();
    expect(prepared).toBe(1);
    expect(t.media.calls).toBe(0);
    expect(t.signaling.sent).toEqual([]);
    expect(phase(t.controller.view)).toBe('idle');
    await t.controller.start({ relayOnly: false });
    expect(prepared).toBe(2);
  });

  it('asks for the camera, shows the preview and looks for a stranger', async () => {
    const t = setup();
    t.signaling.welcome();
    expect(t.status()).toContain('Press Start');
    const started = t.controller.start({ nickname: 'Ann', interests: ['chess'], relayOnly: false });
    expect(phase(t.controller.view)).toBe('requesting-media');
    await started;
    await flush();
    expect(phase(t.controller.view)).toBe('waiting');
    expect(t.controller.view.localStream).toBe(t.stream);
    expect(t.controller.view.cameras.map((c) => c.label)).toEqual(['Front camera', 'Camera 2']);
    expect(t.status()).toContain('Looking for a stranger');
    expect(t.signaling.sent).toEqual([
      { event: 'start', request: { nickname: 'Ann', interests: ['chess'], relayOnly: false } },
    ]);
  });

  it('waits for the server greeting before it asks to be queued', async () => {
    const t = setup();
    await t.controller.start({ relayOnly: true });
    await flush();
    expect(t.signaling.sent).toEqual([]);
    expect(t.status()).toContain('Looking for a stranger');
    t.signaling.welcome();
    await flush();
    expect(t.signaling.sent).toEqual([{ event: 'start', request: { relayOnly: true } }]);
  });

  it('uses the server default for "Hide my IP address" until the person chooses', () => {
    const t = setup();
    t.signaling.welcome({ ...WELCOME, relayByDefault: true });
    expect(t.controller.view.relayOnly).toBe(true);
    t.controller.setRelayOnly(false);
    t.signaling.welcome({ ...WELCOME, relayByDefault: true });
    expect(t.controller.view.relayOnly).toBe(false);
  });

  it('uses the server default for safe start until the person chooses, then keeps their choice', async () => {
    const t = setup();
    expect(t.controller.view.safeStart).toBe(true); // before the welcome: the safe side
    t.signaling.welcome({ ...WELCOME, safeStartByDefault: false });
    expect(t.controller.view.safeStart).toBe(false);
    expect(t.controller.view.safeStartByDefault).toBe(false);
    await t.controller.start({ relayOnly: false, safeStart: true });
    t.controller.stop();
    // A reconnection greets again with the default; the choice made in this tab stands.
    t.signaling.welcome({ ...WELCOME, safeStartByDefault: false });
    expect(t.controller.view.safeStart).toBe(true);
  });

  it('blurs every new stranger under safe start until the person shows the video', async () => {
    const t = setup();
    t.signaling.welcome({ ...WELCOME, safeStartByDefault: true });
    const first = await startAndMatch(t);
    expect(t.controller.view.strangerBlurred).toBe(true);
    first.open();
    first.events.emit('stream', new FakeStream(new FakeTrack('video')) as unknown as MediaStream);
    expect(t.controller.view.strangerBlurred).toBe(true);
    t.controller.revealStranger();
    expect(t.controller.view.strangerBlurred).toBe(false);

    t.controller.next();
    t.signaling.events.emit('matched', { initiator: true, sharedInterests: [] });
    await flush();
    expect(phase(t.controller.view)).toBe('connecting');
    expect(t.controller.view.strangerBlurred).toBe(true);
  });

  it('shows strangers at once without safe start, and blurs one again on request', async () => {
    const t = setup();
    t.signaling.welcome({ ...WELCOME, safeStartByDefault: true });
    t.controller.setSafeStart(false);
    await startAndMatch(t);
    expect(t.controller.view.strangerBlurred).toBe(false);
    t.controller.blurStranger();
    expect(t.controller.view.strangerBlurred).toBe(true);
    t.controller.revealStranger();
    expect(t.controller.view.strangerBlurred).toBe(false);
  });

  it('connects to the matched stranger through one peer, relaying signals both ways', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ relayOnly: true });
    await flush();
    t.signaling.events.emit('matched', { initiator: false, sharedInterests: [] });
    // The offer can arrive before simple-peer has loaded; it must not be lost.
    t.signaling.events.emit('signal', { type: 'offer', sdp: 'v=0' });
    await flush();
    // Made on Start, then as an initiator's while we waited: both thrown away (see PreparedPeer).
    expect(t.peers.map((p) => [p.options.initiator, p.destroyed])).toEqual([
      [false, true],
      [true, true],
      [false, false],
    ]);
    const peer = t.peers[2];
    expect(peer?.options).toMatchObject({
      initiator: false,
      relayOnly: true,
      iceServers: WELCOME.iceServers,
    });
    expect(peer?.options.stream).toBe(t.stream);
    expect(peer?.received).toEqual([{ type: 'offer', sdp: 'v=0' }]);
    expect(t.status()).toContain('Connecting');
    expect(t.status()).not.toContain('Connected');

    peer?.events.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
    expect(t.signaling.signals).toEqual([{ type: 'answer', sdp: 'v=0 answer' }]);
    peer?.open();
    peer?.events.emit('safetyCode', '1234 5678 9012 3456');
    expect(phase(t.controller.view)).toBe('connected');
    expect(t.status()).toContain('Connected');
    expect(t.controller.view.safetyCode).toBe('1234 5678 9012 3456');
  });

  it('says so when the stranger leaves, keeps the log and offers Next', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    peer.receive({ type: 'text', text: 'hi' });
    t.signaling.events.emit('partnerLeft', { reason: 'next' });
    expect(phase(t.controller.view)).toBe('partner-left');
    expect(t.status()).toContain('Stranger left');
    expect(peer.destroyed).toBe(true);
    expect(t.controller.view.chat.map((e) => (e.kind === 'text' ? e.text : 'image'))).toEqual([
      'hi',
      'Stranger left.',
    ]);
    t.controller.next();
    await flush();
    expect(phase(t.controller.view)).toBe('waiting');
    expect(t.controller.view.chat).toEqual([]);
    expect(t.signaling.sent.at(-1)).toEqual({ event: 'next' });
  });

  it('treats the data channel closing as the stranger leaving', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    peer.events.emit('closed');
    expect(t.status()).toContain('Stranger left');
  });

  it('tells whether media is relayed, reading the route a few times after connecting', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.route = 'relayed';
    await t.clock.advance(10_000);
    expect(peer.routeReads).toBe(0); // nothing to read before the connection opens
    expect(t.controller.view.route).toBeUndefined();

    peer.open();
    await t.clock.advance(0);
    // Not at once: the stranger's first picture is due then, and a stats read is not free.
    expect(peer.routeReads).toBe(0);
    await t.clock.advance(ROUTE_CHECKS_MS[0] ?? 0);
    expect(t.controller.view.route).toBe('relayed');
    peer.route = 'direct'; // ICE settled on a better pair
    await t.clock.advance((ROUTE_CHECKS_MS[1] ?? 0) - (ROUTE_CHECKS_MS[0] ?? 0));
    expect(t.controller.view.route).toBe('direct');
    peer.route = undefined; // an unreadable report keeps the last answer
    await t.clock.advance(60_000);
    expect(t.controller.view.route).toBe('direct');
    expect(peer.routeReads).toBe(ROUTE_CHECKS_MS.length);
  });

  it('promises "not yours" only when this chat offered relay addresses alone', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ relayOnly: true });
    await flush();
    t.signaling.events.emit('matched', { initiator: true, sharedInterests: [] });
    await flush();
    // Unticking during the chat applies from the next stranger, not to this connection.
    t.controller.setRelayOnly(false);
    const peer = t.peers[0];
    expect(peer?.options.relayOnly).toBe(true);
    if (peer === undefined) throw new Error('no peer created');
    peer.route = 'relayed';
    peer.open();
    await t.clock.advance(0);
    expect(routeMeaning(t.controller.view, en.room)).toBe(
      'The stranger sees our relay’s address, not yours.',
    );
    // Relayed because the stranger hid their IP: ours was still offered while connecting.
    expect(routeMeaning({ route: 'relayed', chatRelayOnly: false }, en.room)).toContain(
      'shared its addresses',
    );
    expect(routeMeaning({ route: 'direct', chatRelayOnly: false }, en.room)).toBe(
      'The stranger’s browser can see your IP address.',
    );
  });

  it('reads the route again after ICE reconnects, and forgets it when the chat ends', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.route = 'direct';
    peer.open();
    await t.clock.advance(60_000);
    const reads = peer.routeReads;
    peer.route = 'relayed';
    peer.events.emit('iceReconnected');
    await t.clock.advance(ROUTE_CHECKS_MS[0] ?? 0);
    expect(t.controller.view.route).toBe('relayed');
    await t.clock.advance(60_000);
    expect(peer.routeReads).toBe(reads + ROUTE_CHECKS_MS.length);

    peer.events.emit('iceReconnected');
    t.signaling.events.emit('partnerLeft', { reason: 'stop' });
    expect(t.controller.view.route).toBeUndefined();
    await t.clock.advance(60_000);
    expect(peer.routeReads).toBe(reads + ROUTE_CHECKS_MS.length); // timers were cancelled
  });

  it('skips to the next stranger, freeing pictures held in memory', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    for (const message of splitImage('pic1', JPEG, 'image/jpeg')) peer.receive(message);
    const image = t.controller.view.chat.find((e) => e.kind === 'image');
    expect(image).toMatchObject({
      kind: 'image',
      from: 'stranger',
      name: 'Bo',
      url: 'blob:test/1',
    });
    t.controller.next();
    expect(peer.destroyed).toBe(true);
    expect(t.urls.revoked).toEqual(['blob:test/1']);
  });

  it('stops: leaves the server queue and turns the camera off', async () => {
    const t = setup();
    await startAndMatch(t);
    t.controller.stop();
    expect(phase(t.controller.view)).toBe('idle');
    expect(t.stream.tracks.every((track) => track.stopped)).toBe(true);
    expect(t.controller.view.localStream).toBeUndefined();
    expect(t.signaling.sent.at(-1)).toEqual({ event: 'stop' });
  });

  it('looks for a stranger in text-only mode when camera permission is denied', async () => {
    const t = setup({ media: () => Promise.reject(mediaError('NotAllowedError')) });
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    await flush();
    expect(t.controller.view).toMatchObject({
      phase: 'waiting',
      textOnly: true,
      mediaProblem: 'permission-denied',
      localStream: undefined,
    });
    expect(t.signaling.sent.map((s) => s.event)).toEqual(['start']);
  });

  it('forgets the text-only reason on Stop', async () => {
    const t = setup({ media: () => Promise.reject(mediaError('NotAllowedError')) });
    await t.controller.start({ relayOnly: false });
    t.controller.stop();
    expect(t.controller.view).toMatchObject({ phase: 'idle', textOnly: false });
    expect(t.controller.view.mediaProblem).toBeUndefined();
  });

  it('calls the connection failed when the stranger never connects, suggesting relay mode', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    await t.clock.advance(CONNECT_TIMEOUT_MS);
    expect(t.controller.view.problem).toEqual({ kind: 'peer-failed', reason: 'timeout' });
    expect(peer.destroyed).toBe(true);
    expect(t.status()).toContain('Hide my IP address');
  });

  it('fails on a peer error while connecting', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.events.emit('error', { kind: 'connection-failed', code: 'ERR_ICE_CONNECTION_FAILURE' });
    expect(phase(t.controller.view)).toBe('failed');
  });

  it('re-asks the server when "Hide my IP address" changed before Next', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.events.emit('error', { kind: 'connection-failed', code: 'ERR_ICE_CONNECTION_FAILURE' });
    t.controller.setRelayOnly(true);
    t.controller.next();
    await flush();
    expect(t.signaling.sent.slice(-2)).toEqual([
      { event: 'stop' },
      { event: 'start', request: { nickname: 'Ann', interests: ['chess'], relayOnly: true } },
    ]);
  });

  it('queues again by itself after the server connection comes back', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    await flush();
    t.signaling.goOffline();
    expect(t.status()).toContain('Looking for a stranger');
    expect(t.status()).toContain('retrying');
    t.signaling.welcome();
    await flush();
    expect(t.signaling.sent.map((s) => s.event)).toEqual(['start', 'start']);
  });

  it('keeps looking and asks again when the server briefly cannot match', async () => {
    const t = setup();
    t.signaling.welcome();
    t.signaling.acks.push({ ok: false, code: 'matching_unavailable' });
    await t.controller.start({ relayOnly: false });
    await flush();
    expect(phase(t.controller.view)).toBe('waiting');
    expect(t.controller.view.problem).toBeUndefined();
    await t.clock.advance(2000);
    await flush();
    expect(t.signaling.sent.map((s) => s.event)).toEqual(['start', 'start']);
    expect(phase(t.controller.view)).toBe('waiting');
  });

  it('keeps looking and waits as long as the server says when asked too often', async () => {
    const t = setup();
    t.signaling.welcome();
    t.signaling.acks.push({ ok: false, code: 'rate_limited', retryAfterMs: 45_000 });
    await t.controller.start({ relayOnly: false });
    await flush();
    await t.clock.advance(44_999);
    expect(t.signaling.sent.map((s) => s.event)).toEqual(['start']);
    expect(t.status()).toContain('Looking for a stranger');
    await t.clock.advance(1);
    expect(t.signaling.sent.map((s) => s.event)).toEqual(['start', 'start']);
  });

  it('reports the stranger: tells the server first, leaves the chat and says why', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.events.emit('connected');
    await flush();
    t.controller.report('harassment');
    expect(t.signaling.sent.at(-1)).toEqual({ event: 'report', reason: 'harassment' });
    expect(peer.destroyed).toBe(true);
    expect(phase(t.controller.view)).toBe('partner-left');
    expect(t.status()).toContain('You reported the stranger');
    t.controller.next();
    expect(t.status()).toContain('Looking for a stranger');
  });

  it('blocks the stranger, and does nothing when not in a chat', async () => {
    const t = setup();
    t.controller.block();
    expect(t.signaling.sent).toEqual([]);
    await startAndMatch(t);
    t.controller.block();
    expect(t.signaling.sent.at(-1)).toEqual({ event: 'block' });
    expect(t.status()).toContain('You blocked the stranger');
  });

  it('says how long a ban lasts when the server refuses to start', async () => {
    const t = setup();
    t.signaling.welcome();
    t.signaling.acks.push({ ok: false, code: 'banned', retryAfterMs: 25 * 60_000 + 1 });
    await t.controller.start({ relayOnly: false });
    await flush();
    expect(phase(t.controller.view)).toBe('idle');
    expect(t.status()).toBe(
      'Several people reported this connection recently. You can start again in 26 minutes.',
    );
  });

  it('ends the chat, turns the camera off and says how long when a ban starts mid-chat', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.connected = true;
    peer.events.emit('connected');
    await flush();
    t.signaling.events.emit('banned', { retryAfterMs: 60 * 60_000 });
    await flush();
    expect(phase(t.controller.view)).toBe('idle');
    expect(peer.destroyed).toBe(true);
    expect(t.stream.tracks.every((track) => track.stopped)).toBe(true);
    expect(t.status()).toBe(
      'Several people reported this connection recently. You can start again in 60 minutes.',
    );
    // Nothing is asked of the server on our own: it already took us out of matching.
    expect(t.signaling.sent.map((sent) => sent.event)).toEqual(['start']);
  });

  it('stops looking when a ban starts while waiting', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    await flush();
    t.signaling.events.emit('banned', { retryAfterMs: 90_000 });
    await flush();
    expect(phase(t.controller.view)).toBe('idle');
    expect(t.status()).toContain('You can start again in 2 minutes.');
  });

  it('says how long a ban lasts when the server refuses Next', async () => {
    const t = setup();
    await startAndMatch(t);
    t.signaling.acks.push({ ok: false, code: 'banned', retryAfterMs: 5 * 60_000 });
    t.controller.next();
    await flush();
    expect(phase(t.controller.view)).toBe('idle');
    expect(t.status()).toContain('You can start again in 5 minutes.');
  });

  it('returns to idle with the reason when the server refuses the request', async () => {
    const t = setup();
    t.signaling.welcome();
    t.signaling.acks.push({ ok: false, code: 'invalid_nickname' });
    await t.controller.start({ nickname: 'x', relayOnly: false });
    await flush();
    expect(t.controller.view.problem).toEqual({ kind: 'start-refused', code: 'invalid_nickname' });
    expect(phase(t.controller.view)).toBe('idle');
    expect(t.stream.tracks.every((track) => track.stopped)).toBe(true);
  });

  it('ignores a match that arrives after Stop', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ relayOnly: false });
    t.controller.stop();
    t.signaling.events.emit('matched', { initiator: true, sharedInterests: [] });
    await flush();
    // The peers made on Start and while we waited were thrown away with the rest; none after.
    expect(t.peers.map((peer) => peer.destroyed)).toEqual([true, true]);
    expect(phase(t.controller.view)).toBe('idle');
  });

  it('sends and shows text messages with nicknames', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    expect(t.controller.sendText('too early')).toBe(false);
    peer.open();
    expect(t.controller.sendText('  hello  ')).toBe(true);
    expect(peer.sent).toEqual([JSON.stringify({ type: 'text', text: 'hello' })]);
    peer.receive({ type: 'text', text: 'hey Ann' });
    expect(t.controller.view.chat).toMatchObject([
      { from: 'me', name: 'Ann', text: 'hello' },
      { from: 'stranger', name: 'Bo', text: 'hey Ann' },
    ]);
  });

  it('says in the chat when the safety code changes mid-chat (a connection rebuilt without the same certificates)', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    peer.events.emit('safetyCode', '1111 2222 3333 4444');
    expect(t.controller.view.chat).toEqual([]);
    peer.events.emit('safetyCode', '5555 6666 7777 8888');
    expect(t.controller.view.safetyCode).toBe('5555 6666 7777 8888');
    expect(t.controller.view.chat.at(-1)).toMatchObject({
      from: 'system',
      text: 'The safety code changed when the connection was rebuilt. Compare the new one with the stranger.',
    });
  });

  it('shows when the stranger is typing until their message comes, and tells them when we type', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    expect(t.controller.view.strangerTypingAt).toBeUndefined();
    peer.receive({ type: 'typing' });
    expect(t.controller.view.strangerTypingAt).toBe(t.clock.now());
    peer.receive({ type: 'text', text: 'hi' });
    expect(t.controller.view.strangerTypingAt).toBeUndefined();
    t.controller.typing();
    expect(peer.sent).toContain(JSON.stringify({ type: 'typing' }));
    peer.receive({ type: 'typing' });
    t.controller.next();
    expect(t.controller.view.strangerTypingAt).toBeUndefined();
  });

  it('says goodbye on the data channel when leaving, so the stranger learns without the server', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    t.controller.next();
    expect(peer.sent.map((text) => JSON.parse(text) as unknown)).toEqual([{ type: 'bye' }]);
    expect(peer.destroyed).toBe(true);
  });

  it("ends the chat when the stranger's goodbye arrives, before the server says so", async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    peer.receive({ type: 'bye' });
    expect(phase(t.controller.view)).toBe('partner-left');
    expect(t.status()).toContain('Stranger left');
    expect(peer.destroyed).toBe(true);
    // The server's word, when it comes, changes nothing more.
    t.signaling.events.emit('partnerLeft', { reason: 'next' });
    expect(phase(t.controller.view)).toBe('partner-left');
  });

  it('sends a re-encoded picture in chunks and shows it', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    await t.controller.sendImage(new Blob(['raw photo with exif']));
    const messages = peer.sent.map((text) => JSON.parse(text) as { type: string });
    expect(messages.map((m) => m.type)).toEqual(['image-start', 'image-chunk', 'image-end']);
    expect(t.controller.view.chat.at(-1)).toMatchObject({ kind: 'image', from: 'me', progress: 1 });
    expect(t.controller.view.sendingImage).toBe(false);
  });

  it('says so when a file is not a picture, and takes the next one', async () => {
    let calls = 0;
    const t = setup({
      reencodeImage: () =>
        ++calls === 1
          ? Promise.reject(new Error('not an image'))
          : Promise.resolve({ bytes: JPEG.slice(), mime: 'image/jpeg' }),
    });
    const peer = await startAndMatch(t);
    peer.open();
    await t.controller.sendImage(new Blob(['a text file']));
    expect(t.controller.view.chat.at(-1)).toMatchObject({
      from: 'system',
      text: 'That file could not be read as a picture.',
    });
    expect(t.controller.view.sendingImage).toBe(false);
    await t.controller.sendImage(new Blob(['photo']));
    expect(t.controller.view.chat.at(-1)).toMatchObject({ kind: 'image', progress: 1 });
  });

  it('lets go of a picture on its way when the stranger leaves, and keeps what was sent', async () => {
    const t = setup();
    const peer = await startAndMatch(t);
    peer.open();
    peer.bufferedAmount = 10 * 1024 * 1024;
    const sending = t.controller.sendImage(new Blob(['photo']));
    await t.clock.advance(100);
    expect(t.controller.view.sendingImage).toBe(true);
    t.signaling.events.emit('partnerLeft', { reason: 'next' });
    await sending;
    expect(t.controller.view.sendingImage).toBe(false);
    expect(t.controller.view.chat.map((e) => e.kind)).toEqual(['image', 'text']);
    expect(peer.sent.map((text) => JSON.parse(text) as unknown)).toEqual([{ type: 'bye' }]);
  });

  it('sends a newly chosen camera to the stranger', async () => {
    let call = 0;
    const camera2 = new FakeStream(new FakeTrack('video', 'video-2'));
    const t = setup({ media: () => Promise.resolve(++call === 1 ? t.stream : camera2) });
    const peer = await startAndMatch(t);
    peer.open();
    const old = t.stream.getVideoTracks()[0];
    await t.controller.selectDevice('video', { deviceId: { exact: 'video-2' } });
    expect(peer.replaced).toEqual([[old, t.stream.getVideoTracks()[0]]]);
    expect(t.controller.view.cameraId).toBe('video-2');
  });

  it('says so in the chat when a chosen microphone cannot be opened', async () => {
    let call = 0;
    const t = setup({
      media: () => (++call === 1 ? Promise.resolve(t.stream) : Promise.reject(mediaError('x'))),
    });
    const peer = await startAndMatch(t);
    peer.open();
    await t.controller.selectDevice('audio', { deviceId: { exact: 'audio-2' } });
    expect(t.controller.view.chat.at(-1)).toMatchObject({
      from: 'system',
      text: 'That microphone could not be opened.',
    });
    expect(t.controller.view.microphoneId).toBe('audio-1');
  });

  it('mutes the microphone and turns the camera off for the stranger too', async () => {
    const t = setup();
    await startAndMatch(t);
    t.controller.toggleMicrophone();
    t.controller.toggleCamera();
    expect(t.stream.getAudioTracks()[0]?.enabled).toBe(false);
    expect(t.stream.getVideoTracks()[0]?.enabled).toBe(false);
    expect(t.controller.view).toMatchObject({ micMuted: true, cameraOff: true });
  });
  describe('holds the page view back while its own WebRTC step runs', () => {
    /** The phases the page heard, in order, without repeats. */
    function pageHears(t: Setup): string[] {
      const heard: string[] = [];
      t.controller.subscribe((view) => {
        if (heard.at(-1) !== view.phase) heard.push(view.phase);
      });
      return heard;
    }

    it('renders the room once the camera has answered and the server has queued us', async () => {
      const t = setup();
      const heard = pageHears(t);
      t.signaling.welcome();
      const started = t.controller.start({ relayOnly: false });
      expect(phase(t.controller.view)).toBe('requesting-media');
      expect(heard).toEqual(['idle']);
      await started;
      expect(t.signaling.sent.map((sent) => sent.event)).toEqual(['start']);
      expect(heard).toEqual(['idle', 'waiting']);
    });

    it('shows the camera prompt within the longest hold when the person takes their time', async () => {
      let allow: (stream: FakeStream) => void = () => {};
      const t = setup({ media: () => new Promise((resolve) => (allow = resolve)) });
      const heard = pageHears(t);
      t.signaling.welcome();
      const started = t.controller.start({ relayOnly: false });
      await t.clock.advance(VIEW_HOLD_MAX_MS - 1);
      expect(heard).toEqual(['idle']);
      await t.clock.advance(1);
      expect(heard).toEqual(['idle', 'requesting-media']);
      allow(t.stream);
      await started;
      expect(heard).toEqual(['idle', 'requesting-media', 'waiting']);
    });

    /** Start with a camera that answers only when the test says, the page listening. */
    function startWithSlowCamera(mayPrompt: boolean) {
      let allow: (stream: FakeStream) => void = () => {};
      const t = setup({
        media: () => new Promise((resolve) => (allow = resolve)),
        mayPrompt: () => mayPrompt,
      });
      const heard = pageHears(t);
      // The status line's listener is not held: it hears at once that the camera is asked for.
      const live: string[] = [];
      t.controller.subscribe((view) => live.push(view.phase), { live: true });
      t.signaling.welcome();
      const started = t.controller.start({ relayOnly: false });
      return { t, heard, live, started, allow: () => allow(t.stream) };
    }

    it('says so at once too where the media port says the prompt may show', async () => {
      const { t, heard, allow, started } = startWithSlowCamera(true);
      await t.clock.advance(VIEW_HOLD_MAX_MS);
      expect(heard).toEqual(['idle', 'requesting-media']);
      allow();
      await started;
    });

    it('where no prompt can show (camera and microphone allowed), waits for a slow camera', async () => {
      const { t, heard, live, allow, started } = startWithSlowCamera(false);
      await t.clock.advance(VIEW_HOLD_MAX_MS * 3);
      expect(heard).toEqual(['idle']);
      expect(live).toContain('requesting-media');
      allow();
      await started;
      expect(heard).toEqual(['idle', 'waiting']);
    });

    it('where no prompt can show, still shows the room within the longest hold', async () => {
      const { t, heard } = startWithSlowCamera(false);
      await t.clock.advance(START_HOLD_MAX_MS - 1);
      expect(heard).toEqual(['idle']);
      await t.clock.advance(1);
      expect(heard).toEqual(['idle', 'requesting-media']);
    });

    it('as the initiator, shows "connecting" once its offer and first candidate have left', async () => {
      const t = setup();
      const heard = pageHears(t);
      const peer = await startAndMatch(t, true);
      expect(phase(t.controller.view)).toBe('connecting');
      expect(heard.at(-1)).toBe('waiting');
      peer.events.emit('signal', { type: 'offer', sdp: 'v=0' });
      expect(t.signaling.signals).toEqual([{ type: 'offer', sdp: 'v=0' }]);
      expect(heard.at(-1)).toBe('waiting');
      peer.events.emit('signal', HOST_CANDIDATE);
      expect(t.signaling.signals).toEqual([{ type: 'offer', sdp: 'v=0' }, HOST_CANDIDATE]);
      expect(heard.at(-1)).toBe('connecting');
    });

    it('as the answerer, shows "connecting" and the stranger once its answer and a candidate have left', async () => {
      const t = setup();
      const heard = pageHears(t);
      let streams = 0;
      t.controller.subscribe((view) => {
        if (view.remoteStream !== undefined) streams++;
      });
      const peer = await startAndMatch(t, false);
      expect(phase(t.controller.view)).toBe('connecting');
      expect(heard.at(-1)).toBe('waiting');
      t.signaling.events.emit('signal', { type: 'offer', sdp: 'v=0' });
      expect(peer.received).toEqual([{ type: 'offer', sdp: 'v=0' }]);
      peer.events.emit(
        'stream',
        new FakeStream(new FakeTrack('video', 'theirs')) as unknown as MediaStream,
      );
      expect(t.controller.view.remoteStream).toBeDefined();
      expect(streams).toBe(0);
      expect(heard.at(-1)).toBe('waiting');
      peer.events.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
      expect(streams).toBe(0);
      peer.events.emit('signal', HOST_CANDIDATE);
      expect(streams).toBe(1);
      expect(heard.at(-1)).toBe('connecting');
    });

    /**
     * Start, when a stranger was waiting: the server pairs us before it answers our start.
     * Returns the phases the page heard.
     */
    async function startMatchedAtOnce(t: Setup): Promise<string[]> {
      const heard = pageHears(t);
      const start = t.signaling.start.bind(t.signaling);
      t.signaling.start = (request) => {
        t.signaling.events.emit('matched', {
          initiator: false,
          sharedInterests: [],
          partnerNickname: 'Bo',
          resumeToken: TOKEN,
        });
        return start(request);
      };
      t.signaling.welcome();
      await t.controller.start({ relayOnly: false });
      await flush();
      return heard;
    }

    it('matched at once after Start, first renders the room when its answer and a candidate have left', async () => {
      const t = setup();
      const heard = await startMatchedAtOnce(t);
      const peer = t.peers.at(-1);
      if (peer === undefined) throw new Error('no peer created');
      expect(phase(t.controller.view)).toBe('connecting');
      // Past the hold of a single step: the whole set-up after Start counts.
      await t.clock.advance(VIEW_HOLD_MAX_MS);
      t.signaling.events.emit('signal', { type: 'offer', sdp: 'v=0' });
      expect(heard).toEqual(['idle']);
      peer.events.emit('signal', { type: 'answer', sdp: 'v=0 answer' });
      expect(heard).toEqual(['idle']);
      peer.events.emit('signal', HOST_CANDIDATE);
      expect(heard).toEqual(['idle', 'connecting']);
    });

    it(`matched at once after Start, shows the room within ${START_HOLD_MAX_MS} ms even without an offer`, async () => {
      const t = setup();
      const heard = await startMatchedAtOnce(t);
      await t.clock.advance(START_HOLD_MAX_MS - 1);
      expect(heard).toEqual(['idle']);
      await t.clock.advance(1);
      expect(heard).toEqual(['idle', 'connecting']);
    });

    it('never holds longer than the longest hold, and not past the end of the chat', async () => {
      const t = setup();
      const heard = pageHears(t);
      const peer = await startAndMatch(t, true);
      await t.clock.advance(VIEW_HOLD_MAX_MS);
      expect(heard.at(-1)).toBe('connecting');
      t.signaling.events.emit('signal', { type: 'offer', sdp: 'v=0' });
      expect(peer.received).toEqual([{ type: 'offer', sdp: 'v=0' }]);
      t.controller.stop();
      expect(heard.at(-1)).toBe('idle');
    });
  });
});

describe('languages', () => {
  it('asks the server for speakers of the chosen languages, and says which both speak', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ languages: ['es', 'en'], languagesOnly: true, relayOnly: false });
    await flush();
    expect(t.signaling.sent).toContainEqual({
      event: 'start',
      request: { languages: ['es', 'en'], languagesOnly: true, relayOnly: false },
    });
    t.signaling.events.emit('matched', {
      initiator: true,
      sharedInterests: [],
      sharedLanguages: ['es'],
      resumeToken: TOKEN,
    });
    await flush();
    t.peers.at(-1)?.open();
    await flush();
    expect(t.status()).toBe('Connected to a stranger. You both speak Spanish.');
  });

  it('sends neither without languages, and never "only my language" without one', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ languages: [], languagesOnly: true, relayOnly: false });
    await flush();
    expect(t.signaling.sent).toContainEqual({ event: 'start', request: { relayOnly: false } });
  });

  it('goes back to the start form when a speakers-only search ends, saying why and what to do', async () => {
    const t = setup();
    t.signaling.welcome();
    await t.controller.start({ languages: ['es', 'pt'], languagesOnly: true, relayOnly: false });
    await flush();
    expect(phase(t.controller.view)).toBe('waiting');
    t.signaling.events.emit('searchEnded', { reason: 'no_language_match' });
    expect(phase(t.controller.view)).toBe('idle');
    expect(t.stream.tracks.every((track) => track.stopped)).toBe(true);
    expect(t.status()).toBe(
      'Nobody who speaks Spanish and Portuguese came for a while, so we stopped looking. Press Start to look again, or untick “Only people who speak my language” to meet anyone.',
    );
    // A late searchEnded (the person had pressed Stop) changes nothing.
    t.signaling.events.emit('searchEnded', { reason: 'no_language_match' });
    expect(phase(t.controller.view)).toBe('idle');
  });
});
