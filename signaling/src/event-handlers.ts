/**
 * What each client event does, one handler an event (as peerjs-server keeps
 * its handlers): each validates its payload, calls matching or moderation,
 * and hands the decisions to the delivery. Handlers answer with an `Ack`;
 * they never throw for a bad payload.
 */
import {
  type Ack,
  type ClientToServerEvents,
  type Clock,
  ErrorCode,
  type ReportReason,
  type Signal,
} from '@mayfly/protocol';
import type { AddressLimits } from './address-limits.js';
import type { DecisionDelivery } from './decision-delivery.js';
import type { MatchingBackend, MatchResult } from './matching/index.js';
import type { MetadataSink } from './metadata.js';
import type { Moderation, ModerationConfig } from './moderation.js';
import { relayOnlySignal } from './relay-only.js';
import { parseReport, parseResumeRequest, parseSignal, parseStartRequest } from './schemas.js';
import type { SignalingServer, SignalingSocket } from './signaling-socket.js';

export type ClientEvent = keyof ClientToServerEvents;
/** Signals, the hot path, are answered synchronously; the rest wait for shared state. */
export type EventHandler = (
  socket: SignalingSocket,
  args: readonly unknown[],
) => Ack | Promise<Ack>;

export interface EventHandlerDeps {
  readonly io: SignalingServer;
  readonly clock: Clock;
  readonly moderationConfig: ModerationConfig;
  readonly matching: MatchingBackend;
  readonly moderation: Moderation;
  readonly addressLimits: AddressLimits;
  readonly delivery: DecisionDelivery;
  readonly metadataLog: MetadataSink;
}

/**
 * Gives the socket's stranger the tags of its address under the current key, registering it
 * first if that failed at connect (Redis away): no stranger enters matching without tags, or
 * blocks and bans would not apply to it. Tags change once per key epoch.
 */
export async function refreshTags(
  socket: SignalingSocket,
  moderation: Moderation,
  matching: MatchingBackend,
): Promise<void> {
  const tags = await moderation.tagsOf(socket.data.addressKey);
  const known = socket.data.tags;
  if (known.length === tags.length && known.every((tag, i) => tag === tags[i])) return;
  await matching.register(socket.id, tags);
  socket.data.tags = tags;
}

export function eventHandlers(deps: EventHandlerDeps): Readonly<Record<ClientEvent, EventHandler>> {
  const { io, clock, matching, moderation, addressLimits, delivery, metadataLog } = deps;

  /** The backend's answer to a start or next as the client hears it. */
  const outcome = (result: MatchResult, beforeDelivery?: () => void): Ack => {
    if (!result.ok && result.code === 'banned') {
      const retryAfterMs = Math.max(0, result.until - clock.now());
      return { ok: false, code: ErrorCode.Banned, retryAfterMs };
    }
    if (!result.ok) return { ok: false, code: ErrorCode.InvalidState };
    beforeDelivery?.();
    delivery.deliver(result.decisions);
    return { ok: true };
  };

  /** Start and Next count against the address, under its current tags; over the limit they wait. */
  const admitSearch = async (socket: SignalingSocket): Promise<Ack | undefined> => {
    await refreshTags(socket, moderation, matching);
    const [tag] = socket.data.tags;
    if (tag === undefined) return undefined;
    const waitMs = await addressLimits.takeStart(tag);
    return waitMs === undefined
      ? undefined
      : { ok: false, code: ErrorCode.RateLimited, retryAfterMs: waitMs };
  };

  /** Report (with a reason) or block: the chat ends and the two are kept apart; a report counts. */
  const endAndBlock = async (
    socket: SignalingSocket,
    reason: ReportReason | undefined,
  ): Promise<Ack> => {
    if (delivery.partnerOf(socket.id) === undefined)
      return { ok: false, code: ErrorCode.NoPartner };
    const result = await matching.block(socket.id, deps.moderationConfig.blockMs);
    if (!result.ok) return { ok: false, code: ErrorCode.NoPartner };
    delivery.leftChat(socket.id);
    delivery.deliver(result.decisions);
    const client = socket.data.client;
    if (reason === undefined) {
      metadataLog.write({ event: 'blocked', client });
      return { ok: true };
    }
    metadataLog.write({ event: 'reported', client, reason });
    const bannedUntil = await moderation.recordReport(result.partnerTags, socket.data.tags);
    if (bannedUntil !== undefined) {
      metadataLog.write({ event: 'ban_started', durationMs: deps.moderationConfig.banMs });
      // Out of the queue and out of its chats, wherever its connections are.
      delivery.deliver(await matching.ban(result.partnerTags, bannedUntil));
    }
    return { ok: true };
  };

  /** The server picks the target: the sender's current partner, never one the client names. */
  const relayToPartner = (socket: SignalingSocket, signal: Signal): Ack => {
    const partner = delivery.partnerOf(socket.id);
    if (partner === undefined) return { ok: false, code: ErrorCode.NoPartner };
    // Second line of defence for "Hide my IP address": never pass on an address.
    const relayed = socket.data.relayOnly ? relayOnlySignal(signal) : signal;
    if (relayed === undefined) return { ok: true };
    // A partner on this node is emitted to directly; one elsewhere through the adapter.
    const local = io.sockets.sockets.get(partner);
    if (local !== undefined) local.emit('signal', relayed);
    else io.to(partner).emit('signal', relayed);
    return { ok: true };
  };

  return {
    async start(socket, [payload]) {
      const parsed = parseStartRequest(payload);
      if (!parsed.ok) return parsed;
      const overLimit = await admitSearch(socket);
      if (overLimit !== undefined) return overLimit;
      const { interests, nickname, relayOnly, languages, languagesOnly } = parsed.value;
      const profile = { interests, nickname, languages, languagesOnly };
      let result = await matching.start(socket.id, profile);
      if (!result.ok && result.code === 'unknown_stranger') {
        // The shared state lost this connection (Redis restarted empty): register again.
        await matching.register(socket.id, socket.data.tags);
        result = await matching.start(socket.id, profile);
      }
      return outcome(result, () => {
        socket.data.relayOnly = relayOnly;
        socket.data.languages = { languages, languagesOnly };
      });
    },

    async next(socket) {
      const overLimit = await admitSearch(socket);
      if (overLimit !== undefined) return overLimit;
      // The one who leaves is not told by a decision: their pairing ends here.
      const result = await matching.next(socket.id, socket.data.languages);
      return outcome(result, () => delivery.leftChat(socket.id));
    },

    async stop(socket) {
      return outcome(await matching.stop(socket.id), () => delivery.leftChat(socket.id));
    },

    signal(socket, [payload]) {
      const parsed = parseSignal(payload);
      return parsed.ok ? relayToPartner(socket, parsed.value) : parsed;
    },

    async report(socket, [payload]) {
      const parsed = parseReport(payload);
      return parsed.ok ? endAndBlock(socket, parsed.value.reason) : parsed;
    },

    async block(socket) {
      return endAndBlock(socket, undefined);
    },

    async resume(socket, [payload]) {
      const parsed = parseResumeRequest(payload);
      if (!parsed.ok) return parsed;
      // A resume is a way into a chat: it counts as a Start against the address.
      const overLimit = await admitSearch(socket);
      if (overLimit !== undefined) return overLimit;
      const result = await matching.resume(socket.id, parsed.value.resumeToken);
      if (!result.ok) {
        const code =
          result.code === 'resume_invalid' || result.code === 'resume_expired'
            ? result.code
            : ErrorCode.InvalidState;
        return { ok: false, code };
      }
      delivery.deliver(result.decisions);
      metadataLog.write({ event: 'resumed', client: socket.data.client });
      const { resumeToken, partnerPresent } = result;
      return { ok: true, resumeToken, partnerPresent };
    },
  };
}
