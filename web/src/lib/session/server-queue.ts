/**
 * Our place in the server's queue: the `start`, `next` and `stop` requests, one at a time, and
 * what to do when one is not taken. A request the server cannot take now waits: for the next
 * `welcome` when the server is away, for the time it names when we asked too often, for a
 * moment when it briefly cannot match. A refusal for good (a bad nickname, a ban) ends the
 * search and goes to `onRefused`.
 */
import type { StartRequest } from '@mayfly/protocol';
import type { Clock } from '../clock';
import type { RequestResult, SignalingPort } from '../signaling/signaling-client';
import type { StartRefused } from './session-view';

export interface ServerQueueDeps {
  signaling: SignalingPort;
  clock: Clock;
  /** The server will not queue us (e.g. `invalid_nickname`, `banned`); the search is over. */
  onRefused(problem: StartRefused): void;
  /** The server took a start or next and no stranger was found with it: we wait in its queue. */
  onQueued?(): void;
}

/** How long to wait before asking again when the server names no time. */
export const RETRY_MS = 2_000;

type Wanted = 'start' | 'next';

export class ServerQueue {
  readonly #deps: ServerQueueDeps;
  #request: StartRequest = {};
  /** The request changed since the server last heard it in full. */
  #requestChanged = false;
  /** Looking for a stranger: between Start or Next and a match, Stop or a refusal. */
  #looking = false;
  /** The server may have us queued or paired: Stop must tell it. */
  #joined = false;
  #welcomed = false;
  /** A request not yet sent, because the server is away or one is already under way. */
  #wanted: Wanted | undefined;
  /** A request is under way, or we wait before asking again. */
  #busy = false;
  #retryTimer: unknown;

  constructor(deps: ServerQueueDeps) {
    this.#deps = deps;
  }

  /** Looks for a stranger with this request, as soon as the server can hear it. */
  start(request: StartRequest): void {
    this.#request = request;
    this.#requestChanged = false;
    this.#want('start');
  }

  /** Leaves the current stranger and looks for the next. */
  next(): void {
    this.#want('next');
  }

  /** From the next request on, the server hears this one; a Next re-sends it in full. */
  update(request: StartRequest): void {
    this.#request = request;
    this.#requestChanged = true;
  }

  /** A stranger was found: nothing more to ask. */
  matched(): void {
    this.#looking = false;
    this.#wanted = undefined;
  }

  /** Leaves the queue or the chat; the server hears `stop` if it may have us and can be told. */
  stop(): void {
    const { signaling } = this.#deps;
    if (this.#joined && signaling.status === 'online') {
      void signaling.stop().then((result) => {
        if (!result.ok) console.warn('mayfly: stop was not acknowledged:', result.code);
      });
    }
    this.cancel();
  }

  /** Stops looking without telling the server, which took us out itself (a ban). */
  cancel(): void {
    this.#looking = false;
    this.#joined = false;
    this.#wanted = undefined;
  }

  /** A new connection to the server: whatever queue spot we had went with the old one. */
  welcome(): void {
    this.#welcomed = true;
    if (this.#looking) this.#want('start');
  }

  dispose(): void {
    this.cancel();
    this.#deps.clock.clearTimeout(this.#retryTimer);
  }

  #want(kind: Wanted): void {
    this.#looking = true;
    this.#joined = true;
    // A Next that was never sent is a Start for the server, which knows no partner of ours.
    this.#wanted = kind === 'next' && this.#wanted === 'start' ? 'start' : kind;
    this.#flush();
  }

  #flush(): void {
    const wanted = this.#wanted;
    if (wanted === undefined || this.#busy) return;
    if (this.#deps.signaling.status !== 'online' || !this.#welcomed) return; // on welcome
    this.#busy = true;
    this.#wanted = undefined;
    void this.#ask(wanted).then((retry) => {
      if (retry === undefined) {
        this.#done();
        return;
      }
      this.#retryTimer = this.#deps.clock.setTimeout(() => {
        if (this.#looking) this.#wanted ??= retry.kind;
        this.#done();
      }, retry.inMs);
    });
  }

  #done(): void {
    this.#busy = false;
    this.#flush();
  }

  /** Sends one request; returns what to ask again and when, if the server asked us to wait. */
  async #ask(kind: Wanted): Promise<{ kind: Wanted; inMs: number } | undefined> {
    const { signaling } = this.#deps;
    let result: RequestResult;
    if (kind === 'next' && this.#requestChanged) {
      // The request changed ("Hide my IP address"): the server must hear it in full.
      await signaling.stop();
      kind = 'start';
    }
    if (kind === 'start') {
      this.#requestChanged = false;
      result = await signaling.start(this.#request);
      if (!result.ok && result.code === 'invalid_state') {
        // The server still has us queued or paired (e.g. a lost acknowledgement).
        await signaling.stop();
        result = await signaling.start(this.#request);
      }
    } else {
      result = await signaling.next();
      if (!result.ok && result.code === 'invalid_state') {
        result = await signaling.start(this.#request);
      }
    }
    if (!this.#looking) return undefined;
    if (result.ok) {
      // A stranger found at once comes before the answer (matched() ended the looking).
      this.#deps.onQueued?.();
      return undefined;
    }
    switch (result.code) {
      case 'unreachable':
      case 'shutting_down':
        // Once the server greets us again (or at once, if it still answers).
        this.#wanted = 'start';
        return undefined;
      case 'rate_limited':
      case 'matching_unavailable':
        // Too fast, or the server briefly cannot match (its shared state is away): keep
        // looking, and ask again when the server says we may, or in a moment.
        return { kind, inMs: Math.max(result.retryAfterMs ?? RETRY_MS, 0) };
      default:
        this.cancel();
        this.#deps.onRefused({
          kind: 'start-refused',
          code: result.code,
          ...('retryAfterMs' in result && result.retryAfterMs !== undefined
            ? { retryAfterMs: result.retryAfterMs }
            : {}),
        });
        return undefined;
    }
  }
}
