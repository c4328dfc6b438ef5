/**
 * Turns the matching backend's decisions into what sockets see: `matched`,
 * `partnerLeft` and `banned` for this node's sockets, the rest passed to the
 * node that holds them. The one writer of who is whose partner on this node:
 * the relay asks it, nothing else sets it. It also schedules the pairing of
 * strangers who become acceptable to each other later (interest waits, skip
 * memories, blocks running out, graces for resumes ending), and keeps the
 * news of disconnected strangers until a backend that was away answers again.
 */
import { type Clock, PartnerLeftReason } from '@mayfly/protocol';
import type { Decision, MatchingBackend, StrangerId } from './matching/index.js';
import type { MetadataSink } from './metadata.js';
import type { SignalingServer, SignalingSocket } from './signaling-socket.js';

function strangersOf(decision: Decision): StrangerId[] {
  return decision.kind === 'paired'
    ? [decision.initiator, decision.responder]
    : [decision.stranger];
}

/**
 * One log line per outage of the shared state (Redis), not one per failed call; whoever
 * calls it next learns whether an outage just ended.
 */
export class SharedStateOutage {
  #failing = false;

  failed(operation: string, error: unknown): void {
    if (this.#failing) return;
    this.#failing = true;
    console.error(`signaling: matching ${operation} failed: ${(error as Error).name}`);
  }

  /** The backend answered: true when that ends an outage. */
  answered(): boolean {
    const ended = this.#failing;
    this.#failing = false;
    return ended;
  }
}

interface Pairing {
  readonly partner: StrangerId;
  readonly pairedAt: number;
}

export interface DecisionDeliveryDeps {
  readonly clock: Clock;
  readonly metadataLog: MetadataSink;
  /** Other nodes exist (a shared adapter): decisions for sockets elsewhere go to them. */
  readonly shared: boolean;
}

export class DecisionDelivery {
  readonly #io: SignalingServer;
  readonly #matching: MatchingBackend;
  readonly #deps: DecisionDeliveryDeps;
  readonly #pairings = new Map<StrangerId, Pairing>();
  /**
   * Disconnected strangers the backend could not be told of (Redis away), with the pairing
   * they had here: told once it answers again. A removal that timed out may still have
   * happened, so the partner is told from here when the backend no longer knows of them.
   */
  readonly #pendingRemovals = new Map<StrangerId, Pairing | undefined>();
  readonly outage = new SharedStateOutage();
  #matchTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(io: SignalingServer, matching: MatchingBackend, deps: DecisionDeliveryDeps) {
    this.#io = io;
    this.#matching = matching;
    this.#deps = deps;
    matching.onDecisions((decisions) => this.deliver(decisions));
    // Decisions another node made for this node's sockets.
    io.on('decisions', (decisions) => {
      if (!Array.isArray(decisions)) return;
      for (const decision of decisions) {
        for (const stranger of strangersOf(decision)) this.#applyToLocal(decision, stranger);
      }
      this.#scheduleMatching();
    });
  }

  /** Who the socket's stranger is paired with, as delivered to this node. */
  partnerOf(id: StrangerId): StrangerId | undefined {
    return this.#pairings.get(id)?.partner;
  }

  /** A failed backend call's handler for `operation`. */
  failure(operation: string): (error: unknown) => void {
    return (error) => this.outage.failed(operation, error);
  }

  /** Delivers decisions to this node's sockets and passes the rest to the other nodes. */
  deliver(decisions: readonly Decision[]): void {
    if (this.outage.answered()) {
      for (const [id, pairing] of this.#pendingRemovals) this.#hold(id, pairing);
    }
    const elsewhere: Decision[] = [];
    for (const decision of decisions) {
      let remote = false;
      for (const stranger of strangersOf(decision)) {
        if (this.#io.sockets.sockets.has(stranger)) this.#applyToLocal(decision, stranger);
        else remote = true;
      }
      if (remote) elsewhere.push(decision);
    }
    if (elsewhere.length > 0 && this.#deps.shared) this.#io.serverSideEmit('decisions', elsewhere);
    this.#scheduleMatching();
  }

  /** The socket's stranger left its chat by its own event (Next, Stop, a report or block). */
  leftChat(id: StrangerId): void {
    this.#pairings.delete(id);
  }

  /**
   * The socket is gone: the backend holds its stranger for a resume if it was chatting (its
   * partner is told it is away), or forgets it.
   */
  disconnected(id: StrangerId): void {
    const pairing = this.#pairings.get(id);
    this.#pairings.delete(id);
    this.#hold(id, pairing);
  }

  /** No more pairing rounds (shutdown). */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#matchTimer);
  }

  #hold(id: StrangerId, pairing: Pairing | undefined): void {
    this.#matching.hold(id).then(
      (decisions) => {
        const wasPending = this.#pendingRemovals.delete(id);
        const partner = pairing?.partner;
        const told = decisions.some((decision) => strangersOf(decision).includes(partner ?? ''));
        if (!wasPending || pairing === undefined || told) {
          this.deliver(decisions);
          return;
        }
        const reason = PartnerLeftReason.Disconnect;
        const pairedForMs = this.#deps.clock.now() - pairing.pairedAt;
        this.deliver([
          ...decisions,
          { kind: 'partnerLeft', stranger: pairing.partner, leaver: id, reason, pairedForMs },
        ]);
      },
      (error: unknown) => {
        this.#pendingRemovals.set(id, pairing);
        this.outage.failed('hold', error);
      },
    );
  }

  /** Applies a decision to one of this node's sockets: its pairing, its client, the log. */
  #applyToLocal(decision: Decision, self: StrangerId): void {
    const socket: SignalingSocket | undefined = this.#io.sockets.sockets.get(self);
    if (socket === undefined) return;
    const { clock, metadataLog } = this.#deps;
    switch (decision.kind) {
      case 'paired': {
        const initiator = decision.initiator === self;
        const partner = initiator ? decision.responder : decision.initiator;
        const partnerNickname = decision.nicknames[partner];
        const resumeToken = decision.resumeTokens[self];
        this.#pairings.set(self, { partner, pairedAt: clock.now() });
        socket.emit('matched', {
          initiator,
          sharedInterests: [...decision.sharedInterests],
          ...(partnerNickname === undefined ? {} : { partnerNickname }),
          ...(resumeToken === undefined ? {} : { resumeToken }),
          sharedLanguages: [...decision.sharedLanguages],
        });
        metadataLog.write({
          event: 'paired',
          client: socket.data.client,
          waitedMs: decision.waitedMs[self] ?? 0,
          byInterest: decision.sharedInterests.length > 0,
        });
        return;
      }
      case 'banned':
        this.#pairings.delete(self);
        socket.emit('banned', { retryAfterMs: Math.max(0, decision.until - clock.now()) });
        return;
      case 'partnerAway':
        if (this.partnerOf(self) === decision.away) {
          socket.emit('partnerAway', { graceMs: decision.graceMs });
        }
        return;
      case 'partnerReturned': {
        this.#pairings.set(self, { partner: decision.partner, pairedAt: clock.now() });
        const { resumeToken } = decision;
        socket.emit('partnerReturned', resumeToken === undefined ? {} : { resumeToken });
        return;
      }
      case 'resumed':
        this.#pairings.set(self, { partner: decision.partner, pairedAt: clock.now() });
        return;
      case 'replaced':
        // A new connection took this one's chat over: it has nothing left to do here.
        this.#pairings.delete(self);
        socket.disconnect(true);
        return;
      case 'searchEnded':
        socket.emit('searchEnded', { reason: decision.reason });
        return;
      case 'rejoinFailed':
        socket.emit('partnerLeft', { reason: PartnerLeftReason.Disconnect });
        return;
      case 'partnerLeft':
        // A late decision about an earlier partner must not end this chat.
        if (this.partnerOf(self) !== decision.leaver) return;
        this.#pairings.delete(self);
        socket.emit('partnerLeft', { reason: decision.reason });
        metadataLog.write({
          event: 'chat_ended',
          client: socket.data.client,
          durationMs: decision.pairedForMs,
          reason: decision.reason,
        });
        return;
    }
  }

  #scheduleMatching(): void {
    clearTimeout(this.#matchTimer);
    if (this.#closed) return;
    this.#matching.nextDeadline().then((deadline) => {
      if (deadline === undefined || this.#closed) return;
      clearTimeout(this.#matchTimer);
      this.#matchTimer = setTimeout(
        () => {
          this.#matching
            .pairWaiting()
            .then((decisions) => this.deliver(decisions), this.failure('pairWaiting'));
        },
        Math.max(0, deadline - this.#deps.clock.now()),
      );
    }, this.failure('nextDeadline'));
  }
}
