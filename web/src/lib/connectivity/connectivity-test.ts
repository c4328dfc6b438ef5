/**
 * The connection test page's work, without the page: greet the signaling server for a fresh set
 * of ICE servers (TURN credentials are minted per connection), gather candidates against them,
 * and hang up. Dependencies are injected, as in the session controller.
 */
import type { IceServer } from '@mayfly/protocol';
import type { Clock } from '../clock';
import {
  runConnectivityProbe,
  type CandidateTally,
  type ProbeOptions,
  type ProbeResult,
} from '../peer/connectivity-probe';
import type { SignalingEvents } from '../signaling/signaling-client';

export type ConnectivityOutcome =
  | { kind: 'done'; result: ProbeResult }
  /** No welcome from the signaling server in time. */
  | { kind: 'server-unreachable' }
  /** The browser could not start gathering (no WebRTC, or it refused the configuration). */
  | { kind: 'unsupported' };

export type ConnectivityStep = 'server' | 'gathering';

/** The slice of SignalingClient the test needs. */
export interface WelcomeSource {
  on(event: 'welcome', listener: SignalingEvents['welcome']): () => void;
  connect(): void;
  close(): void;
}

export interface ConnectivityTestDeps {
  /** A new signaling connection of the test's own; closed when the test ends. */
  openSignaling(): WelcomeSource;
  createPeer: ProbeOptions['createPeer'];
  clock: Clock;
}

export interface ConnectivityTestOptions {
  onStep?: (step: ConnectivityStep) => void;
  onCandidate?: (tally: CandidateTally) => void;
  /** Aborting hangs up and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** How long the server has to greet us before the test gives up. */
export const WELCOME_TIMEOUT_MS = 10_000;

export async function runConnectivityTest(
  deps: ConnectivityTestDeps,
  options: ConnectivityTestOptions = {},
): Promise<ConnectivityOutcome> {
  const { signal } = options;
  signal?.throwIfAborted();
  options.onStep?.('server');
  const signaling = deps.openSignaling();
  try {
    const iceServers = await welcomeIceServers(signaling, deps.clock, signal);
    if (iceServers === undefined) return { kind: 'server-unreachable' };
    options.onStep?.('gathering');
    let result: ProbeResult;
    try {
      result = await runConnectivityProbe(iceServers, {
        createPeer: deps.createPeer,
        clock: deps.clock,
        ...(options.onCandidate === undefined ? {} : { onCandidate: options.onCandidate }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      console.error('mayfly: the connection test could not start WebRTC', error);
      return { kind: 'unsupported' };
    }
    return { kind: 'done', result };
  } finally {
    // The TURN credential stays valid for its lifetime; the socket is no longer needed.
    signaling.close();
  }
}

/** Connects and waits for the server's welcome; `undefined` when none comes in time. */
function welcomeIceServers(
  signaling: WelcomeSource,
  clock: Clock,
  signal: AbortSignal | undefined,
): Promise<readonly IceServer[] | undefined> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(signal?.reason as Error);
    };
    const unsubscribe = signaling.on('welcome', (welcome) => {
      done();
      resolve(welcome.iceServers);
    });
    const timer = clock.setTimeout(() => {
      done();
      resolve(undefined);
    }, WELCOME_TIMEOUT_MS);
    signal?.addEventListener('abort', onAbort, { once: true });
    signaling.connect();
  });
}
