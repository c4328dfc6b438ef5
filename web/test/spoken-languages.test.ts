import { describe, expect, it } from 'vitest';
import {
  COMMON_LANGUAGES,
  browserLanguages,
  languageNamer,
  listLanguages,
  offeredLanguages,
} from '../src/lib/languages/spoken-languages';

describe('spoken languages', () => {
  it('reads the browser’s languages as the server matches them: primary subtags, best first, at most three', () => {
    expect(browserLanguages(['pt-BR', 'pt-PT', 'en-US', 'es', 'fr'])).toEqual(['pt', 'en', 'es']);
    expect(browserLanguages(['x-klingon', 'de'])).toEqual(['de']);
    expect(browserLanguages([])).toEqual([]);
  });

  it('offers the browser’s languages first, then the common ones by name, each once', () => {
    const name = languageNamer('en');
    const offered = offeredLanguages(['es', 'gsw'], name);
    expect(offered.slice(0, 2)).toEqual(['es', 'gsw']);
    expect(new Set(offered).size).toBe(offered.length);
    expect(offered).toHaveLength(COMMON_LANGUAGES.length + 1);
    const rest = offered.slice(2).map(name);
    expect(rest).toEqual([...rest].sort((a, b) => a.localeCompare(b)));
  });

  it('names languages in the page’s language, and lists them as a sentence would', () => {
    expect(languageNamer('en')('ja')).toBe('Japanese');
    expect(languageNamer('es')('ja')).toBe('japonés');
    expect(listLanguages(['es', 'pt'], 'en')).toBe('Spanish and Portuguese');
    expect(listLanguages(['es', 'en', 'fr'], 'en')).toBe('Spanish, English, and French');
  });
});
