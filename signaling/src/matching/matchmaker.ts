/**
 * Who talks to whom. A pure state machine: no I/O, no timers, time comes from
 * an injected clock. The Socket.IO adapter translates events into calls and
 * the returned decisions into emits.
 *
 * Pairing is first come, first served: a stranger who starts looking is
 * paired at once with the longest-waiting acceptable stranger, so who you
 * meet depends only on who else is looking at that moment. Strangers sharing
 * an interest are preferred; a stranger who gave interests accepts only
 * shared-interest partners until they have waited `interestWaitMs`, then
 * anyone.
 *
 * A ban (moderation decided an address may not meet anyone for a while) is a
 * matching rule too: a banned stranger cannot start or look again, and the
 * ban takes the address's strangers out of the queue and out of their chats
 * the moment it starts, so no way into matching is left open.
 */
import { type Clock, PartnerLeftReason } from '@mayfly/protocol';

export interface MatchmakerOptions {
  readonly interestWaitMs: number;
  readonly skipMemoryMs: number;
}

export type StrangerId = string;

export type StrangerState = 'idle' | 'waiting' | 'paired';

/** What a stranger starts a search with, already validated and normalized. */
export interface StrangerProfile {
  readonly interests: readonly string[];
  readonly nickname: string | undefined;
}

export interface MatchingCounts {
  readonly connected: number;
  readonly waiting: number;
  readonly paired: number;
  /** Bans in force, each counted once whatever the number of its address's tags. */
  readonly bans: number;
}

export type Decision =
  | {
      readonly kind: 'paired';
      /** Creates the WebRTC offer: the stranger who started waiting first. */
      readonly initiator: StrangerId;
      readonly responder: StrangerId;
      readonly sharedInterests: readonly string[];
      /** The nickname each chose, if any, to show to the other. */
      readonly nicknames: Readonly<Record<StrangerId, string | undefined>>;
      /** How long each had waited, for metadata logging. */
      readonly waitedMs: Readonly<Record<StrangerId, number>>;
    }
  | {
      /** A ban started: the stranger left the queue or their chat and is idle until `until`. */
      readonly kind: 'banned';
      readonly stranger: StrangerId;
      readonly until: number;
    }
  | {
      readonly kind: 'partnerLeft';
      /** The stranger to tell. */
      readonly stranger: StrangerId;
      /** The one who left, so that a late decision cannot end a newer chat. */
      readonly leaver: StrangerId;
      readonly reason: PartnerLeftReason;
      readonly pairedForMs: number;
    };

export type BlockResult =
  | {
      readonly ok: true;
      readonly decisions: readonly Decision[];
      /** The blocked partner's address tags, for counting a report against them. */
      readonly partnerTags: readonly string[];
    }
  | { readonly ok: false; readonly code: 'invalid_state' | 'unknown_stranger' };

export type MatchResult =
  | { readonly ok: true; readonly decisions: readonly Decision[] }
  | { readonly ok: false; readonly code: 'invalid_state' | 'unknown_stranger' }
  /** The stranger's address is banned until `until`; nothing changed. */
  | { readonly ok: false; readonly code: 'banned'; readonly until: number };

interface Stranger {
  readonly id: StrangerId;
  state: StrangerState;
  /** Interests of the current or last search; undefined until the first start. */
  interests: readonly string[] | undefined;
  /** Shown to partners; kept only while the connection lives. */
  nickname: string | undefined;
  /** Short-lived pseudonyms of the connection's address, which blocks and bans are recorded against. */
  tags: readonly string[];
  waitingSince: number;
  /** Position in the queue: ties in waitingSince are broken by who came first. */
  ticket: number;
  partner: StrangerId | undefined;
  pairedAt: number;
  /** Strangers this one skipped, with the time the memory ends. */
  readonly skipped: Map<StrangerId, number>;
}

export class Matchmaker {
  private readonly strangers = new Map<StrangerId, Stranger>();
  /** Waiting strangers in the order they started waiting. */
  private readonly waiting = new Set<StrangerId>();
  /** Address tag -> tags it blocked -> until when. */
  private readonly blocks = new Map<string, Map<string, number>>();
  /** Banned address tag -> until when. */
  private readonly bans = new Map<string, number>();
  /** Each ban in force, by its first tag -> until when (for counting bans, not tags). */
  private readonly banned = new Map<string, number>();
  private tickets = 0;

  constructor(
    private readonly options: MatchmakerOptions,
    private readonly clock: Clock,
  ) {}

  /**
   * A new connection; idle until it starts. `tags` are its address's
   * short-lived pseudonyms: a block or ban outlives the connection through
   * them. Registering a known stranger again only replaces its tags (they
   * change with the key epoch); its state stays.
   */
  register(id: StrangerId, tags: readonly string[] = []): void {
    const known = this.strangers.get(id);
    if (known !== undefined) {
      known.tags = [...tags];
      return;
    }
    this.strangers.set(id, {
      id,
      tags: [...tags],
      state: 'idle',
      interests: undefined,
      nickname: undefined,
      waitingSince: 0,
      ticket: 0,
      partner: undefined,
      pairedAt: 0,
      skipped: new Map(),
    });
  }

  /** Start looking, from idle, with normalized interests and nickname. */
  start(id: StrangerId, profile: StrangerProfile): MatchResult {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return { ok: false, code: 'unknown_stranger' };
    if (stranger.state !== 'idle') return { ok: false, code: 'invalid_state' };
    const until = this.bannedUntil(stranger);
    if (until !== undefined) return { ok: false, code: 'banned', until };
    stranger.interests = [...profile.interests];
    stranger.nickname = profile.nickname;
    return { ok: true, decisions: this.enqueue(stranger) };
  }

  /**
   * Leave the current partner, remembering them as skipped, and look again
   * with the same interests. From idle after a previous search it simply
   * looks again; while waiting it changes nothing.
   */
  next(id: StrangerId): MatchResult {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return { ok: false, code: 'unknown_stranger' };
    const until = this.bannedUntil(stranger);
    if (until !== undefined) return { ok: false, code: 'banned', until };
    if (stranger.interests === undefined) return { ok: false, code: 'invalid_state' };
    if (stranger.state === 'waiting') return { ok: true, decisions: [] };
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Next);
    return { ok: true, decisions: [...decisions, ...this.enqueue(stranger)] };
  }

  /** Leave the partner or the queue and stay idle. */
  stop(id: StrangerId): MatchResult {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return { ok: false, code: 'unknown_stranger' };
    this.waiting.delete(id);
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Stop);
    stranger.state = 'idle';
    return { ok: true, decisions };
  }

  /** The connection is gone: forget the stranger and tell their partner. */
  remove(id: StrangerId): readonly Decision[] {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return [];
    this.waiting.delete(id);
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Disconnect, false);
    this.strangers.delete(id);
    return decisions;
  }

  /**
   * End the chat and keep the two apart for `blockMs`, also after either
   * reconnects (the block is recorded against their address tags). The
   * partner is told as for Next; the one who blocks stays idle.
   */
  block(id: StrangerId, blockMs: number): BlockResult {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return { ok: false, code: 'unknown_stranger' };
    const partner =
      stranger.partner === undefined ? undefined : this.strangers.get(stranger.partner);
    if (stranger.state !== 'paired' || partner === undefined) {
      return { ok: false, code: 'invalid_state' };
    }
    const now = this.clock.now();
    for (const [tag, blocked] of this.blocks) {
      forgetExpired(blocked, now);
      if (blocked.size === 0) this.blocks.delete(tag);
    }
    for (const tag of stranger.tags) {
      const blocked = this.blocks.get(tag) ?? new Map<string, number>();
      // Two on one address (a shared NAT): blocking the address would block it from itself.
      // Those two are kept apart by the skip memory of this connection instead.
      for (const other of partner.tags) if (other !== tag) blocked.set(other, now + blockMs);
      if (blocked.size > 0) this.blocks.set(tag, blocked);
    }
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Next);
    return { ok: true, decisions, partnerTags: partner.tags };
  }

  /**
   * Bans every stranger carrying one of `tags` until `until`: they may not
   * start or look again, waiting ones leave the queue and chatting ones
   * leave their chat (the partner is told as for Stop). Each of them is told
   * by a `banned` decision. Strangers who register later with one of the
   * tags are refused at their first start.
   */
  ban(tags: readonly string[], until: number): readonly Decision[] {
    const now = this.clock.now();
    for (const [tag, end] of this.bans) if (end <= now) this.bans.delete(tag);
    if (until <= now) return [];
    for (const tag of tags) this.bans.set(tag, Math.max(until, this.bans.get(tag) ?? 0));
    const [first] = tags;
    if (first !== undefined) this.banned.set(first, Math.max(until, this.banned.get(first) ?? 0));
    const decisions: Decision[] = [];
    for (const stranger of this.strangers.values()) {
      if (!stranger.tags.some((tag) => tags.includes(tag))) continue;
      if (stranger.state === 'idle') continue;
      this.waiting.delete(stranger.id);
      decisions.push(...this.leavePartner(stranger, PartnerLeftReason.Stop, false));
      stranger.state = 'idle';
      decisions.push({
        kind: 'banned',
        stranger: stranger.id,
        until: this.bannedUntil(stranger) ?? until,
      });
    }
    return decisions;
  }

  /**
   * Pairs waiting strangers who have become acceptable to each other since
   * they started waiting (an interest wait or a skip memory ran out). Call it
   * at {@link nextDeadline}.
   */
  pairWaiting(): readonly Decision[] {
    const decisions: Decision[] = [];
    for (const id of [...this.waiting]) {
      const stranger = this.strangers.get(id);
      if (stranger === undefined || stranger.state !== 'waiting') continue;
      const decision = this.pairWithBest(stranger);
      if (decision !== undefined) decisions.push(decision);
    }
    return decisions;
  }

  /** The next time at which waiting strangers may become acceptable to each other. */
  nextDeadline(): number | undefined {
    const now = this.clock.now();
    let deadline: number | undefined;
    const consider = (time: number): void => {
      if (time > now && (deadline === undefined || time < deadline)) deadline = time;
    };
    for (const id of this.waiting) {
      const stranger = this.strangers.get(id);
      if (stranger === undefined) continue;
      if ((stranger.interests?.length ?? 0) > 0) {
        consider(stranger.waitingSince + this.options.interestWaitMs);
      }
      for (const [other, until] of stranger.skipped) {
        if (this.waiting.has(other)) consider(until);
      }
    }
    const waitingTags = new Set(
      [...this.waiting].flatMap((id) => this.strangers.get(id)?.tags ?? []),
    );
    for (const tag of waitingTags) {
      for (const [other, until] of this.blocks.get(tag) ?? []) {
        if (waitingTags.has(other)) consider(until);
      }
    }
    return deadline;
  }

  stateOf(id: StrangerId): StrangerState | undefined {
    return this.strangers.get(id)?.state;
  }

  partnerOf(id: StrangerId): StrangerId | undefined {
    return this.strangers.get(id)?.partner;
  }

  /** Counts for health and metrics; no identities. */
  counts(): MatchingCounts {
    let paired = 0;
    for (const stranger of this.strangers.values()) if (stranger.state === 'paired') paired++;
    const now = this.clock.now();
    for (const [tag, until] of this.banned) if (until <= now) this.banned.delete(tag);
    return {
      connected: this.strangers.size,
      waiting: this.waiting.size,
      paired,
      bans: this.banned.size,
    };
  }

  private enqueue(stranger: Stranger): Decision[] {
    stranger.state = 'waiting';
    stranger.waitingSince = this.clock.now();
    stranger.ticket = ++this.tickets;
    this.waiting.add(stranger.id);
    const decision = this.pairWithBest(stranger);
    return decision === undefined ? [] : [decision];
  }

  private leavePartner(
    stranger: Stranger,
    reason: PartnerLeftReason,
    rememberSkip = true,
  ): Decision[] {
    const partnerId = stranger.partner;
    if (stranger.state !== 'paired' || partnerId === undefined) return [];
    const partner = this.strangers.get(partnerId);
    const now = this.clock.now();
    const pairedForMs = now - stranger.pairedAt;
    stranger.partner = undefined;
    stranger.state = 'idle';
    if (rememberSkip && this.options.skipMemoryMs > 0) {
      forgetExpired(stranger.skipped, now);
      stranger.skipped.set(partnerId, now + this.options.skipMemoryMs);
    }
    if (partner === undefined) return [];
    partner.partner = undefined;
    partner.state = 'idle';
    return [
      { kind: 'partnerLeft', stranger: partner.id, leaver: stranger.id, reason, pairedForMs },
    ];
  }

  /** Pairs `stranger` with the longest-waiting acceptable stranger, preferring shared interests. */
  private pairWithBest(stranger: Stranger): Decision | undefined {
    const now = this.clock.now();
    let fallback: Stranger | undefined;
    for (const otherId of this.waiting) {
      if (otherId === stranger.id) continue;
      const other = this.strangers.get(otherId);
      if (other === undefined || this.skippedEitherWay(stranger, other, now)) continue;
      if (this.blockedEitherWay(stranger, other, now)) continue;
      if (sharedInterests(stranger, other).length > 0) return this.pair(other, stranger, now);
      if (
        fallback === undefined &&
        this.acceptsAnyone(stranger, now) &&
        this.acceptsAnyone(other, now)
      ) {
        fallback = other;
      }
    }
    return fallback === undefined ? undefined : this.pair(fallback, stranger, now);
  }

  /** When the ban on any of the stranger's tags ends, if one is in force. */
  private bannedUntil(stranger: Stranger): number | undefined {
    const now = this.clock.now();
    let until: number | undefined;
    for (const tag of stranger.tags) {
      const end = this.bans.get(tag);
      if (end !== undefined && end > now && (until === undefined || end > until)) until = end;
    }
    return until;
  }

  private acceptsAnyone(stranger: Stranger, now: number): boolean {
    return (
      (stranger.interests?.length ?? 0) === 0 ||
      now - stranger.waitingSince >= this.options.interestWaitMs
    );
  }

  private blockedEitherWay(a: Stranger, b: Stranger, now: number): boolean {
    const blocks = (from: Stranger, to: Stranger): boolean =>
      from.tags.some((tag) =>
        to.tags.some((other) => (this.blocks.get(tag)?.get(other) ?? 0) > now),
      );
    return blocks(a, b) || blocks(b, a);
  }

  private skippedEitherWay(a: Stranger, b: Stranger, now: number): boolean {
    return isRemembered(a.skipped, b.id, now) || isRemembered(b.skipped, a.id, now);
  }

  private pair(a: Stranger, b: Stranger, now: number): Decision {
    const [initiator, responder] = a.ticket < b.ticket ? [a, b] : [b, a];
    for (const stranger of [initiator, responder]) {
      this.waiting.delete(stranger.id);
      stranger.state = 'paired';
      stranger.pairedAt = now;
    }
    initiator.partner = responder.id;
    responder.partner = initiator.id;
    return {
      kind: 'paired',
      initiator: initiator.id,
      responder: responder.id,
      sharedInterests: sharedInterests(initiator, responder),
      nicknames: { [initiator.id]: initiator.nickname, [responder.id]: responder.nickname },
      waitedMs: {
        [initiator.id]: now - initiator.waitingSince,
        [responder.id]: now - responder.waitingSince,
      },
    };
  }
}

function sharedInterests(a: Stranger, b: Stranger): string[] {
  const theirs = new Set(b.interests ?? []);
  return (a.interests ?? []).filter((tag) => theirs.has(tag));
}

/** True while `id` is remembered in `memory`; forgets expired entries on the way. */
function isRemembered(memory: Map<StrangerId, number>, id: StrangerId, now: number): boolean {
  const until = memory.get(id);
  if (until === undefined) return false;
  if (until > now) return true;
  memory.delete(id);
  return false;
}

function forgetExpired(memory: Map<StrangerId, number>, now: number): void {
  for (const [id, until] of memory) if (until <= now) memory.delete(id);
}
