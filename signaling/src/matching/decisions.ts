/**
 * The vocabulary of matching, shared by both backends and the adapter: who a
 * stranger is, what they can be doing, and the decisions matching hands back
 * for the adapter to deliver.
 */
import type { PartnerLeftReason } from '@mayfly/protocol';

export interface MatchmakerOptions {
  readonly interestWaitMs: number;
  readonly skipMemoryMs: number;
  /**
   * How long a paired stranger whose connection closed is held for its partner, who may
   * resume the chat from a new connection meanwhile; 0 ends the chat at once. @default 0
   */
  readonly resumeGraceMs?: number;
  /**
   * How long strangers who gave languages wait for one who speaks one of them before anyone
   * will do. @default 0
   */
  readonly languageWaitMs?: number;
  /**
   * How long a stranger who asked for speakers of their languages only waits for one; then
   * the search ends (`searchEnded`). @default 120000
   */
  readonly languageOnlyWaitMs?: number;
}

export type StrangerId = string;

/**
 * `rejoining`: came back with a resume token for a chat this state no longer knows (the
 * server restarted, or Redis came back empty), and waits for its partner to do the same.
 */
export type StrangerState = 'idle' | 'waiting' | 'paired' | 'rejoining';

/** What a stranger starts a search with, already validated and normalized. */
export interface StrangerProfile {
  readonly interests: readonly string[];
  readonly nickname: string | undefined;
  /** Languages the stranger speaks (primary subtags, `es`, `ja`), at most three. */
  readonly languages?: readonly string[];
  /** Meet only strangers who speak one of them (the search ends after `languageOnlyWaitMs`). */
  readonly languagesOnly?: boolean;
}

/** What Next looks again with besides the interests kept from Start. */
export type SearchLanguages = Pick<StrangerProfile, 'languages' | 'languagesOnly'>;

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
      /** Each side's secret for resuming this chat from another connection. */
      readonly resumeTokens: Readonly<Record<StrangerId, string>>;
      /** Languages both speak; empty when paired regardless. */
      readonly sharedLanguages: readonly string[];
    }
  | {
      /** Nobody who speaks the stranger's languages came in time (languagesOnly): idle now. */
      readonly kind: 'searchEnded';
      readonly stranger: StrangerId;
      readonly reason: 'no_language_match';
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
    }
  | {
      /** The partner's connection closed; they are held this long for a resume. */
      readonly kind: 'partnerAway';
      readonly stranger: StrangerId;
      readonly away: StrangerId;
      readonly graceMs: number;
    }
  | {
      /** The partner resumed the chat on connection `partner`. */
      readonly kind: 'partnerReturned';
      readonly stranger: StrangerId;
      readonly partner: StrangerId;
      /** A new token for the stranger told, when the one it rejoined with is now spent. */
      readonly resumeToken?: string;
    }
  | {
      /** This connection took over a chat: its partner is `partner` (told to it silently). */
      readonly kind: 'resumed';
      readonly stranger: StrangerId;
      readonly partner: StrangerId;
    }
  | {
      /** Another connection took over this one's chat: close it without telling anyone. */
      readonly kind: 'replaced';
      readonly stranger: StrangerId;
    }
  | {
      /** Came back to rejoin a chat and the partner did not within the grace: it is over. */
      readonly kind: 'rejoinFailed';
      readonly stranger: StrangerId;
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

export type ResumeResult =
  | {
      readonly ok: true;
      readonly decisions: readonly Decision[];
      /** The token to resume with next time (this side's secret changes with every resume). */
      readonly resumeToken: string;
      /** False while waiting for the partner to rejoin a chat the server had lost. */
      readonly partnerPresent: boolean;
    }
  | {
      readonly ok: false;
      readonly code: 'invalid_state' | 'unknown_stranger' | 'resume_invalid' | 'resume_expired';
    };
