/**
 * What the connection test's results mean, in plain language (the page's: the sentences are the
 * catalogue's `connectivity` messages). Only types and counts go into these sentences, never an
 * address: the page may be screenshotted and shared.
 */
import type { Messages } from '../i18n/messages';
import type { ProbeResult } from '../peer/connectivity-probe';
import type { ConnectivityOutcome, ConnectivityStep } from './connectivity-test';

export type ConnectivityMessages = Messages['connectivity'];

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

/** The status line while the test runs. */
export function progressText(
  step: ConnectivityStep,
  timeoutMs: number,
  m: ConnectivityMessages,
): string {
  return step === 'server' ? m.connectingToServer : m.testing(timeoutMs);
}

export function describeOutcome(outcome: ConnectivityOutcome, m: ConnectivityMessages): Report {
  switch (outcome.kind) {
    case 'server-unreachable':
      return { headline: m.serverUnreachable, findings: [] };
    case 'unsupported':
      return { headline: m.unsupported, findings: [] };
    case 'done':
      return describeResult(outcome.result, m);
  }
}

function describeResult(result: ProbeResult, m: ConnectivityMessages): Report {
  const relayWorks = result.counts.relay > 0;
  const directLikely = result.counts.srflx > 0 || result.counts.host > 0;
  let headline: string;
  if (relayWorks) headline = m.headlineRelayWorks;
  else if (result.offered.turn) headline = m.headlineRelayUnreachable;
  else headline = m.headlineNoRelay;
  if (!relayWorks && !directLikely) headline += m.headlineUnlikely;
  return {
    headline,
    findings: [relayFinding(result, m), stunFinding(result, m), hostFinding(result, m)],
  };
}

function relayFinding(result: ProbeResult, m: ConnectivityMessages): Finding {
  const topic = m.relayTopic;
  if (result.counts.relay > 0) {
    return { topic, verdict: 'good', text: m.relayWorks(result.firstRelayMs) };
  }
  if (!result.offered.turn) return { topic, verdict: 'bad', text: m.relayNotOffered };
  const refused = result.errors.some((error) => error.code === 401 || error.code === 403);
  const waited = result.ending === 'timeout' ? result.durationMs : undefined;
  return { topic, verdict: 'bad', text: m.relayMissing(refused, waited) };
}

function stunFinding(result: ProbeResult, m: ConnectivityMessages): Finding {
  const topic = m.stunTopic;
  if (result.counts.srflx > 0) return { topic, verdict: 'good', text: m.stunWorks };
  if (!result.offered.stun) return { topic, verdict: 'neutral', text: m.stunNotOffered };
  const relayWorks = result.counts.relay > 0;
  return { topic, verdict: relayWorks ? 'neutral' : 'bad', text: m.stunMissing(relayWorks) };
}

function hostFinding(result: ProbeResult, m: ConnectivityMessages): Finding {
  const topic = m.hostTopic;
  const count = result.counts.host;
  if (count === 0) return { topic, verdict: 'neutral', text: m.hostNone };
  if (result.mdnsHosts === count) return { topic, verdict: 'good', text: m.hostHidden(count) };
  return { topic, verdict: 'neutral', text: m.hostReal(count, result.mdnsHosts === 0) };
}
