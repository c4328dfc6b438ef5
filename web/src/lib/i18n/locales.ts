/**
 * The page's languages and how one is picked for a request: the URL's prefix (`/es/privacy`),
 * else the browser's `Accept-Language`, else English. No cookie and no storage: the choice lives
 * in the URL, so it survives a reload and can be shared.
 */

/** The languages the page is translated into, in the switcher's order. */
export const LOCALES = ['en', 'es', 'pt-BR', 'fr', 'de', 'ru', 'tr', 'ar', 'hi', 'ja'] as const;
export type OfferedLocale = (typeof LOCALES)[number];

/**
 * Every English string transformed (`[!! Ŝţàŕţ !!]`), so that untranslated text stands out.
 * Reachable at `/en-XA/…` only: never negotiated, never in the switcher.
 */
export const PSEUDO_LOCALE = 'en-XA';
export type Locale = OfferedLocale | typeof PSEUDO_LOCALE;

export const DEFAULT_LOCALE: OfferedLocale = 'en';

/** Each language named in itself, for the switcher. */
export const LOCALE_NAMES: Readonly<Record<OfferedLocale, string>> = {
  en: 'English',
  es: 'Español',
  'pt-BR': 'Português (Brasil)',
  fr: 'Français',
  de: 'Deutsch',
  ru: 'Русский',
  tr: 'Türkçe',
  ar: 'العربية',
  hi: 'हिन्दी',
  ja: '日本語',
};

const RIGHT_TO_LEFT: ReadonlySet<string> = new Set(['ar']);

export function textDirection(locale: Locale): 'ltr' | 'rtl' {
  return RIGHT_TO_LEFT.has(locale) ? 'rtl' : 'ltr';
}

const ALL_LOCALES: readonly Locale[] = [...LOCALES, PSEUDO_LOCALE];

/** `es`, `pt-br` → the locale spelled as we spell it; anything else → undefined. */
function knownLocale(tag: string): Locale | undefined {
  const lower = tag.toLowerCase();
  return ALL_LOCALES.find((locale) => locale.toLowerCase() === lower);
}

/**
 * The locale named by the path's first segment and the path without it:
 * `/es/privacy` → `{ locale: 'es', path: '/privacy' }`, `/ja` → `{ locale: 'ja', path: '/' }`.
 */
export function localeFromPath(pathname: string): { locale: Locale; path: string } | undefined {
  const match = /^\/([^/]+)(\/.*)?$/u.exec(pathname);
  const segment = match?.[1];
  if (segment === undefined) return undefined;
  const locale = knownLocale(segment);
  if (locale === undefined) return undefined;
  return { locale, path: match?.[2] ?? '/' };
}

/**
 * `path` (unprefixed, e.g. `/privacy`) under `prefix`: `/es/privacy`, `/es` for `/`. Without a
 * prefix the path stays as it is, and the server picks the language from the browser's.
 */
export function localizedPath(path: string, prefix: Locale | undefined): string {
  if (prefix === undefined) return path;
  return path === '/' ? `/${prefix}` : `/${prefix}${path}`;
}

/** `Accept-Language` as language tags, most wanted first; `q=0` and `*` left out. */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (header === null || header === undefined) return [];
  return header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...parameters] = part.trim().split(';');
      const q = parameters.map((p) => /^\s*q\s*=\s*([0-9.]+)\s*$/u.exec(p)?.[1]).find(Boolean);
      const quality = q === undefined ? 1 : Number(q);
      return { tag: tag.trim(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter(({ tag, quality }) => tag !== '' && tag !== '*' && quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index)
    .map(({ tag }) => tag);
}

/**
 * The first of the browser's languages the page speaks: an exact match (`pt-BR`), else the same
 * language (`es-MX` → `es`, `pt-PT` → `pt-BR`); English when none is.
 */
export function negotiateLocale(preferred: readonly string[]): OfferedLocale {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    const exact = LOCALES.find((locale) => locale.toLowerCase() === lower);
    if (exact !== undefined) return exact;
    const language = lower.split('-')[0];
    const same = LOCALES.find((locale) => locale.toLowerCase().split('-')[0] === language);
    if (same !== undefined) return same;
  }
  return DEFAULT_LOCALE;
}

/** URL first, then the browser's languages, then English. */
export function resolveLocale(pathname: string, preferred: readonly string[]): Locale {
  return localeFromPath(pathname)?.locale ?? negotiateLocale(preferred);
}
