/**
 * Turns the server's /privacy.json into plain-language sections. The server owns the content; this
 * module only knows friendly titles for the keys it expects (in the page's language) and renders
 * any other key too, so a new field on the server shows up without a client release.
 *
 * The server writes its sentences in English: they are marked `fromServer` (the page gives them
 * `lang="en"`), and so are titles made from keys the catalogue does not know.
 */
import type { Messages } from '../i18n/messages';

export type PrivacyWords = Messages['privacy'];

export type PrivacyNode =
  | { kind: 'text'; text: string; fromServer?: true }
  | { kind: 'list'; items: PrivacyNode[] }
  | { kind: 'fields'; fields: PrivacyField[] };

export interface PrivacyField {
  label: string;
  /** A title made from the server's key, in English. */
  labelFromServer?: true;
  value: PrivacyNode;
}

export interface PrivacySection {
  key: string;
  title: string;
  titleFromServer?: true;
  body: PrivacyNode;
}

/** For these keys an empty list means "none", which is the point worth saying. */
const EMPTY_MEANS_NONE: ReadonlySet<string> = new Set([
  'cookies',
  'thirdPartyScripts',
  'thirdPartyRequests',
]);

const MAX_DEPTH = 5;
const MAX_ITEMS = 100;

/** The catalogue's title for a key the page knows, else undefined. */
function knownTitle(key: string, words: PrivacyWords): string | undefined {
  return Object.hasOwn(words.titles, key)
    ? words.titles[key as keyof PrivacyWords['titles']]
    : undefined;
}

/** `someNewField` → "Some new field", for keys the catalogue has no title for. */
export function humanizeKey(key: string): string {
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function titled(key: string, words: PrivacyWords): { title: string; fromServer?: true } {
  const title = knownTitle(key, words);
  return title !== undefined ? { title } : { title: humanizeKey(key), fromServer: true };
}

function toNode(value: unknown, key: string, depth: number, words: PrivacyWords): PrivacyNode {
  if (value === null || value === undefined) return { kind: 'text', text: words.notStated };
  if (typeof value === 'boolean') return { kind: 'text', text: value ? words.yes : words.no };
  if (typeof value === 'number') return { kind: 'text', text: words.number(value) };
  if (typeof value === 'string') {
    if (key === 'generatedAt') {
      const date = new Date(value);
      if (!Number.isNaN(date.getTime())) return { kind: 'text', text: words.dateTime(date) };
    }
    return { kind: 'text', text: value, fromServer: true };
  }
  if (depth >= MAX_DEPTH) return { kind: 'text', text: '…' };
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return {
        kind: 'text',
        text: EMPTY_MEANS_NONE.has(key) ? words.none : words.nothingListed,
      };
    }
    return {
      kind: 'list',
      items: value.slice(0, MAX_ITEMS).map((item: unknown) => toNode(item, key, depth + 1, words)),
    };
  }
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .slice(0, MAX_ITEMS)
      .map(([childKey, child]): PrivacyField => {
        const { title, fromServer } = titled(childKey, words);
        const value = toNode(child, childKey, depth + 1, words);
        return fromServer
          ? { label: title, labelFromServer: true, value }
          : { label: title, value };
      });
    return fields.length === 0
      ? { kind: 'text', text: words.nothingListed }
      : { kind: 'fields', fields };
  }
  return { kind: 'text', text: String(value) };
}

/** Sections in the server's order; `undefined` when the document is not a JSON object. */
export function toPrivacySections(
  document: unknown,
  words: PrivacyWords,
): PrivacySection[] | undefined {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return undefined;
  }
  return Object.entries(document as Record<string, unknown>).map(([key, value]) => {
    const { title, fromServer } = titled(key, words);
    const body = toNode(value, key, 1, words);
    return fromServer ? { key, title, titleFromServer: true, body } : { key, title, body };
  });
}
