/**
 * Turns the server's /privacy.json into plain-language sections. The server owns the content; this
 * module only knows friendly titles for the keys it expects and renders any other key too, so a
 * new field on the server shows up without a client release.
 */

export type PrivacyNode =
  | { kind: 'text'; text: string }
  | { kind: 'list'; items: PrivacyNode[] }
  | { kind: 'fields'; fields: { label: string; value: PrivacyNode }[] };

export interface PrivacySection {
  key: string;
  title: string;
  body: PrivacyNode;
}

const TITLES: Readonly<Record<string, string>> = {
  service: 'Service',
  matchingState: 'While you wait or chat',
  where: 'Held',
  held: 'What is held',
  inTransit: 'Passing between servers',
  retention: 'For how long',
  reports: 'Reports, blocks and bans',
  kept: 'Kept',
  ban: 'Temporary bans',
  whoCanSee: 'Who can see it',
  blockMinutes: 'A block lasts (minutes)',
  banReports: 'Reports that ban (different addresses)',
  reportWindowMinutes: 'A report counts for (minutes)',
  banMinutes: 'A ban lasts (minutes)',
  generatedAt: 'Statement generated',
  logging: 'What the server logs',
  what: 'Logged',
  never: 'Never logged',
  clientIdentifier: 'How you are told apart in the log',
  retentionDays: 'Kept for (days)',
  deletion: 'Deletion',
  ipAddresses: 'Your IP address',
  server: 'Our server',
  stranger: 'The stranger',
  hideMyIp: '“Hide my IP address”',
  available: 'Available',
  defaultOn: 'On by default',
  how: 'How it works',
  cookies: 'Cookies',
  thirdPartyScripts: 'Third-party scripts',
  thirdPartyRequests: 'Requests to other sites',
  browserStorage: 'Storage in your browser',
  dataFlow: 'Where your video, messages and pictures go',
  media: 'Video and audio',
  messages: 'Text messages',
  images: 'Pictures',
  signaling: 'Connection set-up',
  turn: 'Relay server (TURN)',
  mode: 'Mode',
  policy: 'Policy',
  credentials: 'Credentials',
  encryption: 'Encryption',
  moderation: 'Moderation',
  limits: 'Limits',
  metrics: 'Metrics for the operator',
  enabled: 'Turned on',
};

/** For these keys an empty list means "none", which is the point worth saying. */
const EMPTY_MEANS_NONE: ReadonlySet<string> = new Set([
  'cookies',
  'thirdPartyScripts',
  'thirdPartyRequests',
]);

const MAX_DEPTH = 5;
const MAX_ITEMS = 100;

export function humanizeKey(key: string): string {
  const title = TITLES[key];
  if (title !== undefined) return title;
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function toNode(value: unknown, key: string, depth: number): PrivacyNode {
  if (value === null || value === undefined) return { kind: 'text', text: 'Not stated.' };
  if (typeof value === 'boolean') return { kind: 'text', text: value ? 'Yes' : 'No' };
  if (typeof value === 'number') return { kind: 'text', text: String(value) };
  if (typeof value === 'string') {
    if (key === 'generatedAt') {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return { kind: 'text', text: date.toUTCString() };
    }
    return { kind: 'text', text: value };
  }
  if (depth >= MAX_DEPTH) return { kind: 'text', text: '…' };
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return { kind: 'text', text: EMPTY_MEANS_NONE.has(key) ? 'None.' : 'Nothing listed.' };
    }
    return {
      kind: 'list',
      items: value.slice(0, MAX_ITEMS).map((item: unknown) => toNode(item, key, depth + 1)),
    };
  }
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .slice(0, MAX_ITEMS)
      .map(([childKey, child]) => ({
        label: humanizeKey(childKey),
        value: toNode(child, childKey, depth + 1),
      }));
    return fields.length === 0
      ? { kind: 'text', text: 'Nothing listed.' }
      : { kind: 'fields', fields };
  }
  return { kind: 'text', text: String(value) };
}

/** Sections in the server's order; `undefined` when the document is not a JSON object. */
export function toPrivacySections(document: unknown): PrivacySection[] | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return undefined;
  }
  return Object.entries(document as Record<string, unknown>).map(([key, value]) => ({
    key,
    title: humanizeKey(key),
    body: toNode(value, key, 1),
  }));
}
