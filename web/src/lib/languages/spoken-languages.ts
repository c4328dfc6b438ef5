/**
 * The languages a visitor can say they speak on the start form: primary subtags, as the server
 * matches them (`pt-BR` and `pt-PT` speakers meet as `pt`). Names come from the browser
 * (`Intl.DisplayNames`) in the page's language, so no list of names ships with the page.
 */
import { LANGUAGES_MAX_COUNT, normalizeLanguages } from '@mayfly/protocol';

/** Offered to everyone; the browser's own languages are added to them. */
// prettier-ignore
export const COMMON_LANGUAGES: readonly string[] = [
  'ar', 'bn', 'de', 'en', 'es', 'fa', 'fr', 'hi', 'id', 'it', 'ja', 'ko',
  'nl', 'pl', 'pt', 'ru', 'sw', 'th', 'tr', 'uk', 'ur', 'vi', 'zh',
];

/** The browser's preferred languages as primary subtags, best first, at most the server's limit. */
export function browserLanguages(preferred: readonly string[]): string[] {
  const languages: string[] = [];
  for (const tag of preferred) {
    const primary = normalizeLanguages([tag])?.[0];
    if (primary !== undefined && !languages.includes(primary)) languages.push(primary);
    if (languages.length === LANGUAGES_MAX_COUNT) break;
  }
  return languages;
}

/**
 * What the form ticks at first: the page's language when the browser lists it too (a page in
 * Spanish for a Spanish browser), else the browser's first language (someone reading the English
 * page with a Spanish browser is likelier to speak Spanish), else the page's language.
 */
export function defaultSpokenLanguages(pageLocale: string, browser: readonly string[]): string[] {
  const page = normalizeLanguages([pageLocale])?.[0];
  if (page !== undefined && (browser.includes(page) || browser.length === 0)) return [page];
  return browser.slice(0, 1);
}

const namers = new Map<string, (code: string) => string>();

/**
 * Names languages in `locale`; the code itself where the browser has no name for it. One namer
 * per locale: the status line names the shared languages at every change of a call's state.
 */
export function languageNamer(locale: string): (code: string) => string {
  let namer = namers.get(locale);
  if (namer === undefined) {
    namer = newLanguageNamer(locale);
    namers.set(locale, namer);
  }
  return namer;
}

function newLanguageNamer(locale: string): (code: string) => string {
  let names: Intl.DisplayNames | undefined;
  try {
    names = new Intl.DisplayNames([locale], { type: 'language', fallback: 'code' });
  } catch {
    names = undefined; // an engine without Intl.DisplayNames: codes are still understood
  }
  return (code) => names?.of(code) ?? code;
}

/** The list to offer: the browser's languages first, then the common ones by name. */
export function offeredLanguages(
  ownFirst: readonly string[],
  name: (code: string) => string,
): string[] {
  const rest = COMMON_LANGUAGES.filter((code) => !ownFirst.includes(code)).sort((a, b) =>
    name(a).localeCompare(name(b)),
  );
  return [...ownFirst, ...rest];
}

/** "Spanish, English and French" in the page's language. */
export function listLanguages(codes: readonly string[], locale: string): string {
  const name = languageNamer(locale);
  const names = codes.map(name);
  try {
    return new Intl.ListFormat([locale], { type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}
