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
 *
 * A chat outlives a dropped connection for `resumeGraceMs`: the stranger is
 * held ("away") and may take the chat over from a new connection with the
 * resume token it got when paired (chat-keys.ts); after the grace its
 * partner is told it left.
 */
import { type Clock, PartnerLeftReason } from '@mayfly/protocol';
import type {
  BlockResult,
  Decision,
  MatchingCounts,
  MatchmakerOptions,
  MatchResult,
  ResumeResult,
  SearchLanguages,
  StrangerId,
  StrangerProfile,
  StrangerState,
} from './decisions.js';
import { AddressRules, forgetExpired } from './address-rules.js';
import { searchExpired, sharedLanguages, type LanguageTimes } from './language-rules.js';
import { bestPartner, nextChange, type PairingContext } from './pairing-rules.js';
import { ChatKeys } from './chat-keys.js';
import { clearChat, newStranger, sharedInterests, type Stranger } from './stranger.js';

export class Matchmaker {
  private readonly strangers = new Map<StrangerId, Stranger>();
  /** Waiting strangers in the order they started waiting. */
  private readonly waiting = new Set<StrangerId>();
  private readonly rules = new AddressRules();
  private tickets = 0;
  private readonly keys: ChatKeys;
  private readonly languageTimes: LanguageTimes;

  constructor(
    private readonly options: MatchmakerOptions,
    private readonly clock: Clock,
  ) {
    this.keys = new ChatKeys(Math.max(options.resumeGraceMs ?? 0, 60_000));
    this.languageTimes = {
      languageWaitMs: options.languageWaitMs ?? 0,
      languageOnlyWaitMs: options.languageOnlyWaitMs ?? 120_000,
    };
  }

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
    this.strangers.set(id, newStranger(id, tags));
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
    this.setLanguages(stranger, profile);
    return { ok: true, decisions: this.enqueue(stranger) };
  }

  /**
   * Leave the current partner, remembering them as skipped, and look again
   * with the same interests. From idle after a previous search it simply
   * looks again; while waiting it changes nothing.
   */
  next(id: StrangerId, languages: SearchLanguages = {}): MatchResult {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return { ok: false, code: 'unknown_stranger' };
    const until = this.bannedUntil(stranger);
    if (until !== undefined) return { ok: false, code: 'banned', until };
    if (stranger.interests === undefined) return { ok: false, code: 'invalid_state' };
    if (stranger.state === 'waiting') return { ok: true, decisions: [] };
    this.stopRejoining(stranger);
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Next);
    this.setLanguages(stranger, languages);
    return { ok: true, decisions: [...decisions, ...this.enqueue(stranger)] };
  }

  /** Leave the partner or the queue and stay idle. */
  stop(id: StrangerId): MatchResult {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return { ok: false, code: 'unknown_stranger' };
    this.waiting.delete(id);
    this.stopRejoining(stranger);
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Stop);
    stranger.state = 'idle';
    return { ok: true, decisions };
  }

  /** Forget the stranger at once and tell their partner. */
  remove(id: StrangerId): readonly Decision[] {
    const stranger = this.strangers.get(id);
    if (stranger === undefined) return [];
    this.waiting.delete(id);
    this.stopRejoining(stranger);
    const decisions = this.leavePartner(stranger, PartnerLeftReason.Disconnect, false);
    this.strangers.delete(id);
    return decisions;
  }

  /**
   * The connection is gone. A stranger in a chat is held for `resumeGraceMs` (its partner is
   * told it is away); any other is removed.
   */
  hold(id: StrangerId): readonly Decision[] {
    const stranger = this.strangers.get(id);
    const grace = this.options.resumeGraceMs ?? 0;
    if (stranger?.state !== 'paired' || stranger.partner === undefined || grace <= 0) {
      return this.remove(id);
    }
    if (stranger.awayUntil !== undefined) return [];
    stranger.awayUntil = this.clock.now() + grace;
    return [{ kind: 'partnerAway', stranger: stranger.partner, away: id, graceMs: grace }];
  }

  /**
   * Connection `id` (new, idle) takes over the chat `token` was handed for. Its partner is
   * told it is back; the connection that held the chat, if still open, is to be closed. When
   * this state does not know the chat (it was lost: a restart) and has not seen it end, the
   * stranger waits `resumeGraceMs` for its partner to rejoin the same way.
   */
  resume(id: StrangerId, token: string): ResumeResult {
    const self = this.strangers.get(id);
    if (self === undefined) return { ok: false, code: 'unknown_stranger' };
    if (self.state !== 'idle') return { ok: false, code: 'invalid_state' };
    const presented = this.keys.read(token, this.clock.now());
    if (presented === undefined) return { ok: false, code: 'resume_invalid' };
    if (presented.ended) return { ok: false, code: 'resume_expired' };
    const held = (presented.ids ?? []).map((other) => this.strangers.get(other));
    if (presented.ids !== undefined) {
      const old = held.find((other) => other?.sideKey === presented.sideKey);
      const partner = held.find((other) => other !== old);
      if (old === undefined || partner === undefined) return { ok: false, code: 'resume_invalid' };
      return this.takeOver(self, old, partner, presented.pair);
    }
    return this.rejoin(self, presented.pair, presented.pairKey, presented.sideKey, token);
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
    this.rules.block(stranger.tags, partner.tags, now + blockMs, now);
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
    if (until <= now) return [];
    this.rules.ban(tags, until, now);
    const decisions: Decision[] = [];
    for (const stranger of this.strangers.values()) {
      if (!stranger.tags.some((tag) => tags.includes(tag))) continue;
      if (stranger.state === 'idle') continue;
      this.waiting.delete(stranger.id);
      this.stopRejoining(stranger);
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
    const decisions: Decision[] = [...this.endGraces()];
    const now = this.clock.now();
    for (const id of [...this.waiting]) {
      const stranger = this.strangers.get(id);
      if (stranger === undefined || stranger.state !== 'waiting') continue;
      if (searchExpired(stranger, now, this.languageTimes)) {
        this.waiting.delete(id);
        stranger.state = 'idle';
        this.setLanguages(stranger, {});
        decisions.push({ kind: 'searchEnded', stranger: id, reason: 'no_language_match' });
        continue;
      }
      const decision = this.pairWithBest(stranger);
      if (decision !== undefined) decisions.push(decision);
    }
    return decisions;
  }

  /** The next time at which waiting strangers may become acceptable to each other. */
  nextDeadline(): number | undefined {
    return nextChange(this.waitingStrangers(), this.strangers.values(), this.pairingContext());
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
    return {
      connected: this.strangers.size,
      waiting: this.waiting.size,
      paired,
      bans: this.rules.bansInForce(this.clock.now()),
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
    this.keys.end(stranger.pairKey, now);
    clearChat(stranger);
    if (partner === undefined) return [];
    partner.partner = undefined;
    partner.state = 'idle';
    clearChat(partner);
    return [
      { kind: 'partnerLeft', stranger: partner.id, leaver: stranger.id, reason, pairedForMs },
    ];
  }

  /**
   * Pairs `stranger` with the longest-waiting acceptable stranger: one sharing an interest
   * (and a language, or past caring) first, then one sharing a language, then anyone.
   */
  private pairWithBest(stranger: Stranger): Decision | undefined {
    const context = this.pairingContext();
    const best = bestPartner(stranger, this.waitingStrangers(), context);
    return best === undefined ? undefined : this.pair(best, stranger, context.now);
  }

  private waitingStrangers(): Stranger[] {
    return [...this.waiting].flatMap((id) => this.strangers.get(id) ?? []);
  }

  private pairingContext(): PairingContext {
    const { interestWaitMs } = this.options;
    const { languageTimes, rules } = this;
    return { now: this.clock.now(), interestWaitMs, languageTimes, rules };
  }

  /** The languages of a search; an empty list means any language is fine. */
  private setLanguages(stranger: Stranger, search: SearchLanguages): void {
    stranger.languages = [...(search.languages ?? [])];
    stranger.languagesOnly = stranger.languages.length > 0 && search.languagesOnly === true;
  }

  /** When the ban on any of the stranger's tags ends, if one is in force. */
  private bannedUntil(stranger: Stranger): number | undefined {
    return this.rules.bannedUntil(stranger.tags, this.clock.now());
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
    const languages = sharedLanguages(initiator, responder);
    // Languages served the wait only: not kept beyond it.
    for (const stranger of [initiator, responder]) this.setLanguages(stranger, {});
    const secrets = this.keys.open(initiator.id, responder.id);
    for (const [stranger, side] of [
      [initiator, secrets.initiator],
      [responder, secrets.responder],
    ] as const) {
      stranger.pairKey = secrets.pairKey;
      stranger.sideKey = side.sideKey;
    }
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
      resumeTokens: {
        [initiator.id]: secrets.initiator.token,
        [responder.id]: secrets.responder.token,
      },
      sharedLanguages: languages,
    };
  }

  /** `self` takes over `old`'s side of the chat with `partner`; `old` is forgotten. */
  private takeOver(self: Stranger, old: Stranger, partner: Stranger, pair: string): ResumeResult {
    Object.assign(self, {
      state: 'paired',
      partner: partner.id,
      pairedAt: old.pairedAt,
      interests: old.interests,
      nickname: old.nickname,
      skipped: old.skipped,
      pairKey: old.pairKey,
    });
    const side = this.keys.rekey(old.pairKey, old.id, self.id, pair);
    self.sideKey = side.sideKey;
    partner.partner = self.id;
    this.strangers.delete(old.id);
    const decisions: Decision[] = [
      { kind: 'resumed', stranger: self.id, partner: partner.id },
      { kind: 'partnerReturned', stranger: partner.id, partner: self.id },
    ];
    // Still open (the server had not noticed the drop): that connection is closed quietly.
    if (old.awayUntil === undefined) decisions.push({ kind: 'replaced', stranger: old.id });
    return { ok: true, decisions, resumeToken: side.token, partnerPresent: true };
  }

  /** The chat is unknown here: wait for the partner's rejoin, or complete it. */
  private rejoin(
    self: Stranger,
    pair: string,
    pairKey: string,
    sideKey: string,
    token: string,
  ): ResumeResult {
    const now = this.clock.now();
    const waiting = this.strangers.get(this.keys.rejoining(pairKey) ?? '');
    if (waiting?.state === 'rejoining' && waiting.id !== self.id) {
      if (waiting.sideKey === sideKey) {
        // The same side again, from yet another connection: it replaces the first.
        this.remove(waiting.id);
        const again = this.rejoin(self, pair, pairKey, sideKey, token);
        if (!again.ok) return again;
        const replaced: Decision = { kind: 'replaced', stranger: waiting.id };
        return { ...again, decisions: [...again.decisions, replaced] };
      }
      this.keys.stopRejoining(pairKey);
      for (const [a, b] of [
        [self, waiting],
        [waiting, self],
      ] as const) {
        // Interests are unknown here; none keeps Next working (it looks again with them).
        Object.assign(a, {
          state: 'paired',
          partner: b.id,
          pairedAt: now,
          rejoinUntil: undefined,
          interests: a.interests ?? [],
        });
      }
      // Both rejoined with their tokens: both get new side secrets, so neither can be replayed.
      const side = this.keys.reopen(pairKey, waiting.id, self.id, pair);
      const theirs = this.keys.rekey(pairKey, waiting.id, waiting.id, pair);
      self.pairKey = pairKey;
      self.sideKey = side.sideKey;
      waiting.sideKey = theirs.sideKey;
      return {
        ok: true,
        decisions: [
          { kind: 'resumed', stranger: self.id, partner: waiting.id },
          {
            kind: 'partnerReturned',
            stranger: waiting.id,
            partner: self.id,
            resumeToken: theirs.token,
          },
        ],
        resumeToken: side.token,
        partnerPresent: true,
      };
    }
    const grace = this.options.resumeGraceMs ?? 0;
    if (grace <= 0) return { ok: false, code: 'resume_expired' };
    Object.assign(self, { state: 'rejoining', pairKey, sideKey, rejoinUntil: now + grace });
    this.keys.startRejoining(pairKey, self.id);
    return { ok: true, decisions: [], resumeToken: token, partnerPresent: false };
  }

  /** Held strangers whose grace is over leave; rejoining ones give up. */
  private endGraces(): Decision[] {
    const now = this.clock.now();
    const decisions: Decision[] = [];
    for (const stranger of [...this.strangers.values()]) {
      if (stranger.awayUntil !== undefined && stranger.awayUntil <= now) {
        decisions.push(...this.remove(stranger.id));
      } else if (stranger.rejoinUntil !== undefined && stranger.rejoinUntil <= now) {
        this.stopRejoining(stranger);
        decisions.push({ kind: 'rejoinFailed', stranger: stranger.id });
      }
    }
    return decisions;
  }

  private stopRejoining(stranger: Stranger): void {
    if (stranger.state !== 'rejoining') return;
    this.keys.stopRejoining(stranger.pairKey);
    clearChat(stranger);
    stranger.state = 'idle';
  }
}
