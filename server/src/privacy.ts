/**
 * The privacy statement served at GET /privacy.json, generated from the
 * running configuration so that it cannot drift from what the service does.
 */
import type { Config } from './config.js';

export interface PrivacyStatement {
  service: string;
  generatedAt: string;
  logging: {
    what: string[];
    never: string[];
    clientIdentifier: string;
    retentionDays: number;
    deletion: string;
  };
  ipAddresses: {
    server: string;
    stranger: string;
    hideMyIp: { available: boolean; defaultOn: boolean; how: string };
  };
  cookies: string[];
  thirdPartyScripts: string[];
  thirdPartyRequests: string[];
  browserStorage: string;
  dataFlow: { media: string; messages: string; images: string; signaling: string };
  turn: { mode: Config['turn']['mode']; policy: string; credentials: string };
  matchingState: {
    where: 'memory' | 'redis';
    held: string[];
    inTransit: string | undefined;
    retention: string;
  };
  encryption: string;
  moderation: string[];
  reports: {
    kept: string[];
    ban: string;
    whoCanSee: string;
    never: string;
    blockMinutes: number;
    banReports: number;
    reportWindowMinutes: number;
    banMinutes: number;
  };
  limits: string[];
  metrics: { enabled: boolean; what: string; never: string };
}

export function buildPrivacyStatement(config: Config, now: number): PrivacyStatement {
  const relayAvailable = config.turn.mode !== 'off';
  return {
    service: 'Mayfly',
    generatedAt: new Date(now).toISOString(),
    logging: {
      what: [
        'the time a connection opened and closed, and its duration',
        'when a chat started and ended, how long it lasted and how it ended (next, stop, disconnect)',
        'how long a stranger waited to be paired',
        'refused connections and the first protocol error of a connection, by kind, and how many errors the connection had',
        'a pseudonymous client key instead of the IP address',
      ],
      never: [
        'IP addresses',
        'nicknames',
        'interests',
        'languages',
        'chat messages',
        'images',
        'video or audio',
        'WebRTC session descriptions (SDP) or ICE candidates, since they contain IP addresses',
      ],
      clientIdentifier:
        'HMAC-SHA256 of the IP address (IPv6: its /56 prefix, one household) with a random key that changes every UTC day; the key is deleted together with that day’s log.',
      retentionDays: config.log.retentionDays,
      deletion: `Log files and their keys are deleted automatically once they are ${config.log.retentionDays} days old, checked at start-up and at every UTC midnight.`,
    },
    ipAddresses: {
      server:
        'Used in memory while you are connected (to limit connections per address) and never stored.',
      stranger:
        'In direct mode the stranger’s browser learns your IP address, as in every peer-to-peer call. Turn on “Hide my IP address” to relay through our TURN server: the stranger then only learns the relay’s address.',
      hideMyIp: {
        available: relayAvailable,
        defaultOn: config.relayByDefault && relayAvailable,
        how: 'Your browser uses relay candidates only, and the server drops any other candidate you might still send.',
      },
    },
    cookies: [],
    thirdPartyScripts: [],
    thirdPartyRequests: [],
    browserStorage:
      'None: no cookies, localStorage, sessionStorage or IndexedDB; a conversation exists only in the open tab.',
    dataFlow: {
      media:
        'Video and audio go directly between the two browsers, or through the TURN relay, encrypted end to end (DTLS-SRTP). They never reach the signaling server.',
      messages:
        'Text messages go over an encrypted WebRTC data channel between the two browsers. They never reach the server.',
      images:
        'Images are re-encoded in the sender’s browser (removing EXIF and GPS data), sent over the data channel and held in memory only until the chat ends.',
      signaling:
        'The signaling server passes connection offers, answers and ICE candidates between the two partners in memory only and keeps none of them.',
    },
    turn: {
      mode: config.turn.mode,
      policy:
        'The relay forwards only to public addresses: loopback, private, link-local, multicast and other special-purpose ranges are refused.',
      credentials: `Short-lived credentials minted per connection, valid ${duration(config.turn.credentialTtlSeconds * 1000)}.`,
    },
    matchingState: matchingState(config),
    encryption:
      'Media and data channels are encrypted end to end by WebRTC (DTLS). Compare the safety code with your partner: if both see the same code, nobody in between (not even this server) altered the connection.',
    moderation: [
      'Next and Stop end a chat at once; a stranger you skipped is not offered to you again for a while.',
      'Report or Block end a chat at once, and the two of you are not matched again while the block lasts, even after either reconnects.',
      `A connection that floods the server is cut off, and its address may not connect again for ${duration(config.addressLimits.cutOffCooldownMs)}, twice as long after each further cut-off within an hour (at most ${duration(config.addressLimits.cutOffCooldownMaxMs)}); the count is kept under a short-lived tag of the address, never the address, ${config.redis === undefined ? 'in the server’s memory' : 'in Redis'}, for an hour after the last cut-off.`,
      'Messages that look like a phone number, e-mail or street address ask for confirmation before they are sent.',
      'The server cannot see or record conversations, so it cannot moderate their content.',
    ],
    reports: reportsStatement(config),
    metrics: {
      enabled: config.metrics.port !== undefined || config.metrics.token !== undefined,
      what: 'When the operator turns it on, a Prometheus endpoint (/metrics) with totals and counts only: connections, waiting and chatting strangers, matches, wait and chat durations, Next/Stop/Report/Block counts, bans in force, cut-offs, proof-of-work state, relay allocations and relayed bytes, Redis health, and the process’s own figures. It is kept in memory and reset when the process restarts.',
      never:
        'No label or value names a client: no address, pseudonym, nickname, interest or language; every label is a reason or code from a fixed list.',
    },
    limits: [
      'A stranger can always record or screenshot what you show them.',
      'Anonymity here means the service keeps as little as possible; it is not protection against a determined stranger.',
    ],
  };
}

/** What matching holds while a stranger waits or chats, and where: one process, or Redis. */
function matchingState(config: Config): PrivacyStatement['matchingState'] {
  const held = [
    'a random connection id (not derived from you), whether you are idle, waiting or chatting, and since when',
    'your nickname and interests, to match you and show your nickname to your partner',
    'the languages you gave: in the queue while you wait (dropped from it when you are paired), and with your connection for Next',
    'your partner’s connection id while you chat',
    `the connection ids of strangers you skipped, for ${duration(config.matching.skipMemoryMs)}`,
    ...(config.matching.resumeGraceMs > 0
      ? [
          `while you chat, digests of the chat's resume secrets (never the secrets, which only the two browsers hold), so that a dropped connection can take the chat back within ${duration(config.matching.resumeGraceMs)}; during those ${duration(config.matching.resumeGraceMs)} the chat is held as it was, then forgotten`,
        ]
      : []),
  ];
  if (config.redis === undefined) {
    return {
      where: 'memory',
      held: [...held, 'your IP address, to limit connections per address'],
      inTransit: undefined,
      retention: 'Held in this server’s memory only, and forgotten when your connection closes.',
    };
  }
  return {
    where: 'redis',
    held: [
      ...held,
      'which signaling node holds your connection',
      'a count of connections per address, under an HMAC of the address with a random key that Redis holds and replaces every day (never the address itself)',
    ],
    inTransit:
      'When you and your partner are on different nodes, connection offers, answers and ICE candidates (which contain IP addresses) and your nickname pass between the nodes through Redis publish/subscribe, which delivers and keeps nothing.',
    retention:
      'Deleted from Redis when your connection closes; if a node stops without a goodbye, within seconds. Every key expires by itself within 10 minutes of its last use.',
  };
}

/** "1 minute", "90 minutes", "45 seconds": a duration as a person reads it. */
export function duration(ms: number): string {
  const unit = (count: number, name: string): string => `${count} ${name}${count === 1 ? '' : 's'}`;
  if (ms < 60_000 || ms % 60_000 !== 0) return unit(Math.round(ms / 1000), 'second');
  // Whole hours from two hours up; "60 minutes" and "90 minutes" read better as they are.
  if (ms >= 2 * 3_600_000 && ms % 3_600_000 === 0) return unit(ms / 3_600_000, 'hour');
  return unit(ms / 60_000, 'minute');
}

/** What a report or a block keeps, from the running configuration. */
function reportsStatement(config: Config): PrivacyStatement['reports'] {
  const minutes = (ms: number): number => Math.round(ms / 60_000);
  const { blockMs, banReports, reportWindowMs, banMs } = config.moderation;
  const where = config.redis === undefined ? 'in the server’s memory' : 'in Redis';
  return {
    kept: [
      `A block between short-lived tags of the two addresses, ${where}, for ${duration(blockMs)}. A tag is an HMAC of the address with a random key; each key is destroyed within twice the longest block, ban or report window, so a tag cannot outlive what it serves.`,
      `For a report, also that the reported address was reported and by which tag, ${where}, for ${duration(reportWindowMs)}, or until the reports ban the address.`,
      'A line in the metadata log: the reporter’s daily pseudonym and the reason (or that a block happened), kept like every log line.',
    ],
    ban: `Reports from ${banReports} different ${banReports === 1 ? 'address' : 'addresses'} within ${duration(reportWindowMs)} ban the reported address from meeting anyone for ${duration(banMs)}: its connections leave the queue and their chats at once, and cannot start again until the ban ends. The ban consumes the reports that caused it. An IPv6 address counts by its /56 prefix, one household. A banned visitor is told how long remains; the ban is kept under short-lived tags of the address, ${where}, and ends by itself.`,
    whoCanSee:
      'Only the server, to keep blocks and bans. Nobody reviews reports: the server never sees conversations.',
    never:
      'No message, picture, video, nickname, interest or IP address is sent with a report or kept because of one.',
    blockMinutes: minutes(blockMs),
    banReports,
    reportWindowMinutes: minutes(reportWindowMs),
    banMinutes: minutes(banMs),
  };
}
