import type { SessionView } from './session-view';

const START_REFUSED: Readonly<Record<string, string>> = {
  invalid_nickname: 'The server did not accept that nickname. Try letters and digits only.',
  invalid_interests: 'The server did not accept those interests. Use up to 5 short words.',
  unreachable: 'The server did not answer. Press Start to try again.',
};

const CHECKING = 'Checking your browser…';
const CHECK_FAILED =
  'This browser could not pass the server’s check against automated abuse. Reload the page to try again, or try another browser.';

/** The one sentence the status region announces for each state. */
export function statusText(view: SessionView): string {
  const offline = view.server === 'offline';
  if (view.server === 'check-failed') return CHECK_FAILED;
  switch (view.phase) {
    case 'idle': {
      if (view.problem?.kind === 'start-refused' && view.problem.code === 'banned') {
        const minutes = Math.max(1, Math.ceil((view.problem.retryAfterMs ?? 0) / 60_000));
        return `Several people reported this connection recently. You can start again in ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      }
      if (view.problem?.kind === 'start-refused') {
        return (
          START_REFUSED[view.problem.code] ??
          'The server refused to start a chat. Press Start to try again.'
        );
      }
      if (offline) return 'Can’t reach the server. Retrying by itself…';
      if (view.server === 'checking') return CHECKING;
      if (view.server === 'connecting') return 'Connecting to the server…';
      return 'Press Start to meet a stranger.';
    }
    case 'requesting-media':
      return 'Asking for your camera and microphone…';
    case 'waiting':
      if (view.server === 'checking') return `Looking for a stranger… ${CHECKING}`;
      return offline
        ? 'Looking for a stranger… The server can’t be reached right now; retrying by itself.'
        : 'Looking for a stranger…';
    case 'connecting':
      return 'Stranger found. Connecting…';
    case 'connected': {
      if (view.reconnectingUntil !== undefined) {
        return 'The connection to the stranger broke. Reconnecting…';
      }
      const who = view.partnerNickname ?? 'a stranger';
      const shared =
        view.sharedInterests.length > 0 ? ` You both like ${view.sharedInterests.join(', ')}.` : '';
      return `Connected to ${who}.${shared}`;
    }
    case 'partner-left':
      if (view.endedBy === 'report') {
        return 'You reported the stranger; you will not be matched with them again. Press Next to meet someone new.';
      }
      if (view.endedBy === 'block') {
        return 'You blocked the stranger; you will not be matched with them again. Press Next to meet someone new.';
      }
      return 'Stranger left. Press Next to meet someone new.';
    case 'failed':
      return view.relayOnly
        ? 'Could not connect to the stranger. Press Next to try someone else.'
        : 'Could not connect to the stranger. A strict network may block direct connections: tick “Hide my IP address” (relay mode) and press Next.';
  }
}
