/**
 * Matching by spoken language, the rules both backends share (the Redis
 * script has the same in Lua): strangers who speak a language in common are
 * paired first; one who gave languages accepts others only after
 * `languageWaitMs`, and never when they asked for speakers of their
 * languages only (their search ends after `languageOnlyWaitMs` instead).
 * Languages are self-declared primary subtags (`es`, `pt`, `ja`), never
 * derived from an address, and kept only while the stranger waits.
 */
export interface LanguageSearch {
  readonly languages: readonly string[];
  readonly languagesOnly: boolean;
  readonly waitingSince: number;
}

export interface LanguageTimes {
  readonly languageWaitMs: number;
  readonly languageOnlyWaitMs: number;
}

export function sharedLanguages(a: LanguageSearch, b: LanguageSearch): string[] {
  return a.languages.filter((language) => b.languages.includes(language));
}

function acceptsAnyLanguage(s: LanguageSearch, now: number, times: LanguageTimes): boolean {
  if (s.languages.length === 0) return true;
  return !s.languagesOnly && now - s.waitingSince >= times.languageWaitMs;
}

/** Whether the two may meet as far as languages go. */
export function languagesFit(
  a: LanguageSearch,
  b: LanguageSearch,
  now: number,
  times: LanguageTimes,
): boolean {
  return (
    sharedLanguages(a, b).length > 0 ||
    (acceptsAnyLanguage(a, now, times) && acceptsAnyLanguage(b, now, times))
  );
}

/** When the stranger's language rules change: the end of its wait, or of its search. */
export function languageDeadline(s: LanguageSearch, times: LanguageTimes): number | undefined {
  if (s.languages.length === 0) return undefined;
  return s.waitingSince + (s.languagesOnly ? times.languageOnlyWaitMs : times.languageWaitMs);
}

/** A stranger who asked for their languages only and found nobody in time. */
export function searchExpired(s: LanguageSearch, now: number, times: LanguageTimes): boolean {
  return (
    s.languagesOnly && s.languages.length > 0 && now - s.waitingSince >= times.languageOnlyWaitMs
  );
}
