/**
 * What the page sees of a chat session: its phase and everything shown beside it, as one
 * immutable snapshot the controller publishes after every change.
 */
import { NO_CHAT, type ChatState } from '../chat/chat-log';
import type { PeerError, RouteType } from '../peer/peer-connection';
import type { RequestResult, ServerStatus } from '../signaling/signaling-client';
import { NO_MEDIA, type MediaState } from './local-media';

export type Phase =
  'idle' | 'requesting-media' | 'waiting' | 'connecting' | 'connected' | 'partner-left' | 'failed';

/** The server would not queue us. */
export interface StartRefused {
  kind: 'start-refused';
  code: Extract<RequestResult, { ok: false }>['code'];
  /** With `banned`: how long until this connection may start again. */
  retryAfterMs?: number;
}

/** A search for speakers of `languages` only found nobody within the server's wait. */
export interface SearchEnded {
  kind: 'search-ended';
  languages: readonly string[];
}

export type Problem =
  StartRefused | SearchEnded | { kind: 'peer-failed'; reason: PeerError['kind'] | 'timeout' };

/** Everything the page shows: the session's own state, the local media's and the chat log's. */
export interface SessionView extends MediaState, ChatState {
  readonly phase: Phase;
  readonly server: ServerStatus;
  /** The operator's default for "Hide my IP address", known after the server's welcome. */
  readonly relayByDefault: boolean | undefined;
  /** The operator's default for safe start, known after the server's welcome. */
  readonly safeStartByDefault: boolean | undefined;
  readonly problem: Problem | undefined;
  readonly remoteStream: MediaStream | undefined;
  readonly partnerNickname: string | undefined;
  readonly sharedInterests: readonly string[];
  /** Languages both speak (primary subtags), from the match. */
  readonly sharedLanguages: readonly string[];
  readonly safetyCode: string | undefined;
  /** While connected: whether media goes through a relay; `undefined` until the stats tell. */
  readonly route: RouteType | undefined;
  /**
   * The current chat's connection offered relay addresses only. "Hide my IP address" may have
   * changed since; it applies from the next stranger.
   */
  readonly chatRelayOnly: boolean;
  readonly relayOnly: boolean;
  /** In `partner-left`: whether it was this person who reported or blocked the stranger. */
  readonly endedBy: 'report' | 'block' | undefined;
  /** Safe start: each new stranger's video starts blurred until the person reveals it. */
  readonly safeStart: boolean;
  /** The current stranger's video is blurred (safe start, or the person blurred it again). */
  readonly strangerBlurred: boolean;
  /**
   * While the connection to the stranger is broken and may come back: until when (the page's
   * clock) before the chat is given up.
   */
  readonly reconnectingUntil: number | undefined;
  /** When (the page's clock) the stranger last said they were typing; cleared by their message. */
  readonly strangerTypingAt: number | undefined;
}

const INITIAL_VIEW: SessionView = {
  ...NO_MEDIA,
  ...NO_CHAT,
  phase: 'idle',
  server: 'connecting',
  relayByDefault: undefined,
  safeStartByDefault: undefined,
  problem: undefined,
  remoteStream: undefined,
  partnerNickname: undefined,
  sharedInterests: [],
  sharedLanguages: [],
  safetyCode: undefined,
  route: undefined,
  chatRelayOnly: false,
  relayOnly: false,
  endedBy: undefined,
  // Blurred until the server's welcome says otherwise: the safe side while it is unknown.
  safeStart: true,
  strangerBlurred: false,
  reconnectingUntil: undefined,
  strangerTypingAt: undefined,
};

export function initialView(): SessionView {
  return INITIAL_VIEW;
}

const IN_CHAT: ReadonlySet<Phase> = new Set(['connecting', 'connected', 'partner-left', 'failed']);

/** A stranger was found and is still on screen, whether or not they are connected: Next applies. */
export function isInChat(phase: Phase): boolean {
  return IN_CHAT.has(phase);
}
