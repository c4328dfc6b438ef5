/**
 * What the connection test's results mean, in plain language. Only types and counts go into
 * these sentences, never an address: the page may be screenshotted and shared.
 */
import type { CandidateType, ProbeResult } from '../peer/connectivity-probe';
import type { ConnectivityOutcome, ConnectivityStep } from './connectivity-test';

export type Verdict = 'good' | 'bad' | 'neutral';

export interface Finding {
  /** What was tested, e.g. "Relay (TURN)". */
  topic: string;
  verdict: Verdict;
  /** One or two sentences: what happened and what it means for a chat. */
  text: string;
}

export interface Report {
  /** The sentence the status region announces. */
  headline: string;
  findings: Finding[];
}

/** What each candidate type is, for the counts table. */
export const CANDIDATE_MEANING: Readonly<Record<CandidateType, string>> = {
  host: 'an address of this device on its local network',
  srflx: 'your public address, as our STUN server sees it',
  prflx: 'an address learned while testing a connection',
  relay: 'an address on our TURN relay, which can forward the call for you',
};

export const CANDIDATE_LABEL: Readonly<Record<CandidateType, string>> = {
  host: 'Local (host)',
  srflx: 'Public (srflx)',
  prflx: 'Peer-reflexive (prflx)',
  relay: 'Relay (relay)',
};

const HIDE_IP = '“Hide my IP address”';

/** The status line while the test runs. */
export function progressText(step: ConnectivityStep, timeoutMs: number): string {
  return step === 'server'
    ? 'Connecting to the Mayfly server…'
    : `Testing your connection… This takes up to ${formatDuration(timeoutMs)}.`;
}

/** `850 ms`, `1.2 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`;
}

export function describeOutcome(outcome: ConnectivityOutcome): Report {
  switch (outcome.kind) {
    case 'server-unreachable':
      return {
        headline:
          'The test could not start: the Mayfly server did not answer. Check your internet connection and run the test again.',
        findings: [],
      };
    case 'unsupported':
      return {
        headline:
          'This browser could not start a WebRTC connection, so video chat will not work in it. Try an up-to-date Firefox, Chrome, Edge or Safari.',
        findings: [],
      };
    case 'done':
      return describeResult(outcome.result);
  }
}

function describeResult(result: ProbeResult): Report {
  const relay = relayFinding(result);
  const stun = stunFinding(result);
  const host = hostFinding(result);
  const relayWorks = result.counts.relay > 0;
  const directLikely = result.counts.srflx > 0 || result.counts.host > 0;
  let headline: string;
  if (relayWorks) {
    headline = `Test finished. TURN works: ${HIDE_IP} will work on this network.`;
  } else if (result.offered.turn) {
    headline = `Test finished. The relay is unreachable: ${HIDE_IP} will not work on this network.`;
  } else {
    headline = `Test finished. This server has no relay, so ${HIDE_IP} is not available.`;
  }
  if (!relayWorks && !directLikely) {
    headline += ' Calls are unlikely to connect from this network.';
  }
  return { headline, findings: [relay, stun, host] };
}

function relayFinding(result: ProbeResult): Finding {
  const topic = 'Relay (TURN)';
  if (result.counts.relay > 0) {
    const after =
      result.firstRelayMs === undefined
        ? ''
        : ` It answered in ${formatDuration(result.firstRelayMs)}.`;
    return {
      topic,
      verdict: 'good',
      text: `TURN works: our relay gave this browser an address.${after} With ${HIDE_IP} ticked, the stranger sees the relay’s address, not yours.`,
    };
  }
  if (!result.offered.turn) {
    return {
      topic,
      verdict: 'bad',
      text: `This server offers no TURN relay, so ${HIDE_IP} cannot work and strict networks may not connect at all. Only the site’s operator can change this.`,
    };
  }
  const refused = result.errors.some((error) => error.code === 401 || error.code === 403);
  const why = refused
    ? 'The relay refused the login this page was given; the site’s operator should check its TURN settings.'
    : 'The server’s TURN relay is unreachable from here: a firewall, a VPN or the network may block UDP traffic to it.';
  const waited =
    result.ending === 'timeout'
      ? ` No answer came within ${formatDuration(result.durationMs)}.`
      : '';
  return {
    topic,
    verdict: 'bad',
    text: `No relay address came back, so ${HIDE_IP} will not work on this network. ${why}${waited}`,
  };
}

function stunFinding(result: ProbeResult): Finding {
  const topic = 'Public address (STUN)';
  if (result.counts.srflx > 0) {
    return {
      topic,
      verdict: 'good',
      text: `Our STUN server found your public address, so direct connections to most strangers should work. In a direct call the stranger’s browser can see that address; ${HIDE_IP} avoids that.`,
    };
  }
  if (!result.offered.stun) {
    return {
      topic,
      verdict: 'neutral',
      text: 'This server offers no STUN server, so your public address was not looked up. Direct calls may still work through the relay or on open networks.',
    };
  }
  return {
    topic,
    verdict: result.counts.relay > 0 ? 'neutral' : 'bad',
    text:
      'No public address came back. Either this device is not behind a router that translates addresses (then its local address is its public one), or the network blocks STUN. If calls do not connect, ' +
      (result.counts.relay > 0
        ? `tick ${HIDE_IP}: the relay works here.`
        : 'try another network: the relay is unreachable too.'),
  };
}

function hostFinding(result: ProbeResult): Finding {
  const topic = 'Local addresses (host)';
  const count = result.counts.host;
  if (count === 0) {
    return {
      topic,
      verdict: 'neutral',
      text: 'Your browser offered no local addresses. That is normal when a browser setting, an extension or a VPN hides them, or on a machine whose only network is its own loopback.',
    };
  }
  const addresses = count === 1 ? 'one local address' : `${count} local addresses`;
  if (result.mdnsHosts === count) {
    return {
      topic,
      verdict: 'good',
      text: `Your browser offered ${addresses}, each hidden behind a random “.local” name, so the real local IP stays private.`,
    };
  }
  return {
    topic,
    verdict: 'neutral',
    text: `Your browser offered ${addresses}, ${result.mdnsHosts === 0 ? 'as real IP addresses' : 'some as real IP addresses'} of this device. A stranger in a direct call can see them; ${HIDE_IP} keeps them out of the call.`,
  };
}
