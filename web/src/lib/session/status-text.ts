import type { Messages } from '../i18n/messages';
import { listLanguages } from '../languages/spoken-languages';
import type { SessionView } from './session-view';

type StatusMessages = Messages['status'];

/** The server's refusals of a Start that the page explains; any other gets `refused`. */
const START_REFUSED = {
  invalid_nickname: 'invalidNickname',
  invalid_interests: 'invalidInterests',
  invalid_languages: 'invalidLanguages',
  unreachable: 'unreachable',
} as const satisfies Readonly<Record<string, keyof StatusMessages>>;

function refusal(code: string, m: StatusMessages): string {
  const key = Object.hasOwn(START_REFUSED, code)
    ? START_REFUSED[code as keyof typeof START_REFUSED]
    : 'refused';
  return m[key];
}

/** The one sentence the status region announces for each state, in the page's language. */
export function statusText(view: SessionView, messages: Messages, locale: string): string {
  const m = messages.status;
  const offline = view.server === 'offline';
  if (view.server === 'check-failed') return m.checkFailed;
  switch (view.phase) {
    case 'idle': {
      if (view.problem?.kind === 'start-refused' && view.problem.code === 'banned') {
        return m.banned(Math.max(1, Math.ceil((view.problem.retryAfterMs ?? 0) / 60_000)));
      }
      if (view.problem?.kind === 'search-ended') {
        return m.searchEnded(listLanguages(view.problem.languages, locale));
      }
      if (view.problem?.kind === 'start-refused') return refusal(view.problem.code, m);
      if (offline) return m.offline;
      if (view.server === 'checking') return m.checking;
      if (view.server === 'connecting') return m.connectingToServer;
      return m.idle;
    }
    case 'requesting-media':
      return m.requestingMedia;
    case 'waiting':
      if (view.server === 'checking') return m.waitingChecking;
      return offline ? m.waitingOffline : m.waiting;
    case 'connecting':
      return m.strangerFound;
    case 'connected': {
      if (view.reconnectingUntil !== undefined) return m.reconnecting;
      const languages =
        view.sharedLanguages.length > 0 ? listLanguages(view.sharedLanguages, locale) : '';
      return m.connected(view.partnerNickname, view.sharedInterests, languages);
    }
    case 'partner-left':
      if (view.endedBy === 'report') return m.reported;
      if (view.endedBy === 'block') return m.blocked;
      return m.partnerLeft;
    case 'failed':
      return view.relayOnly ? m.failedRelayOnly : m.failed;
  }
}
