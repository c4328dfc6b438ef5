/**
 * "Hide my IP address", the server's side: a client that hides its address
 * gathers relay candidates only; whatever else it might still send (a
 * modified client, a browser bug) is filtered here before it is relayed, so
 * that no address of its own reaches the stranger through the server.
 */
import type { Signal } from '@mayfly/protocol';

/**
 * Whether an ICE candidate is a relay candidate (or the end-of-candidates
 * marker, an empty string). Host and server-reflexive candidates carry IP
 * addresses.
 */
export function isRelayCandidate(candidate: string): boolean {
  if (candidate === '') return true;
  const fields = candidate.split(/\s+/u);
  const typIndex = fields.indexOf('typ');
  return typIndex !== -1 && fields[typIndex + 1] === 'relay';
}

/** Removes `a=candidate` lines that are not relay candidates from an SDP. */
export function stripNonRelayCandidates(sdp: string): string {
  return sdp
    .split(/(?<=\r?\n)/u)
    .filter((line) => !line.startsWith('a=candidate:') || isRelayCandidate(line.trim().slice(2)))
    .join('');
}

/**
 * What of a relay-only client's signal may be relayed: a candidate only if it
 * is a relay candidate (undefined: drop it), an offer or answer without its
 * other candidates, anything else as it is.
 */
export function relayOnlySignal(signal: Signal): Signal | undefined {
  switch (signal.type) {
    case 'candidate':
      return isRelayCandidate(signal.candidate.candidate) ? signal : undefined;
    case 'offer':
    case 'answer':
      return { type: signal.type, sdp: stripNonRelayCandidates(signal.sdp) };
    default:
      return signal;
  }
}
