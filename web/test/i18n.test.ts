import { describe, expect, it } from 'vitest';
import { catalogueShape as shape } from '../src/lib/i18n/catalogue-shape';
import { plural } from '../src/lib/i18n/format';
import {
  LOCALES,
  PSEUDO_LOCALE,
  localeFromPath,
  localizedPath,
  negotiateLocale,
  parseAcceptLanguage,
  resolveLocale,
  textDirection,
  type Locale,
} from '../src/lib/i18n/locales';
import { loadMessages, type Messages } from '../src/lib/i18n/messages';
import en from '../src/lib/i18n/locales/en';
import { pseudoText } from '../src/lib/i18n/pseudo';

/** Calls every message function with sample arguments of the right kind, by parameter name. */
function render(messages: Messages): string[] {
  const m = messages;
  const connectivity = m.connectivity;
  return [
    m.start.nicknameError(24),
    m.start.interestsError(5, 24),
    m.start.languagesHint(3),
    ...[0, 1, 2, 3, 5, 11, 21, 100].map((n) => m.status.banned(n)),
    m.status.searchEnded('Japanese'),
    m.status.connected(undefined, [], ''),
    m.status.connected('Ada', ['chess', 'music'], 'Spanish'),
    m.privacy.number(1234),
    m.privacy.dateTime(new Date(Date.UTC(2026, 11, 6, 19, 48))),
    connectivity.duration(850),
    connectivity.duration(1234),
    connectivity.testing(8000),
    connectivity.count(3),
    connectivity.firstRelay(180),
    connectivity.after(42),
    connectivity.relayWorks(undefined),
    connectivity.relayWorks(180),
    connectivity.relayMissing(true, undefined),
    connectivity.relayMissing(false, 8000),
    connectivity.stunMissing(true),
    connectivity.stunMissing(false),
    ...[1, 2, 5, 21].flatMap((n) => [
      connectivity.hostHidden(n),
      connectivity.hostReal(n, true),
      connectivity.hostReal(n, false),
    ]),
  ];
}

const ALL: readonly Locale[] = [...LOCALES, PSEUDO_LOCALE];

describe('catalogues', () => {
  it.each(ALL)('%s has every key of English, of the same kind, and no other', async (locale) => {
    expect(shape(await loadMessages(locale))).toEqual(shape(en));
  });

  it.each(ALL)('%s gives a non-empty text for every message and argument', async (locale) => {
    const messages = await loadMessages(locale);
    for (const text of render(messages)) {
      expect(text.trim()).not.toBe('');
      expect(text).not.toMatch(/undefined|NaN|\[object/u);
    }
    for (const line of shape(messages).filter((leaf) => leaf.endsWith(': string'))) {
      const path = line.slice(1, -': string'.length).split('.');
      const text = path.reduce<unknown>(
        (node, key) => (node as Record<string, unknown>)[key],
        messages,
      );
      expect(typeof text === 'string' && text.trim() !== '', line).toBe(true);
    }
  });

  it('translates: no locale but English repeats the English sentences', async () => {
    for (const locale of LOCALES.filter((tag) => tag !== 'en')) {
      const messages = await loadMessages(locale);
      expect(messages.start.notice, locale).not.toBe(en.start.notice);
      expect(messages.status.waiting, locale).not.toBe(en.status.waiting);
      expect(messages.connectivity.intro, locale).not.toBe(en.connectivity.intro);
    }
  });
});

describe('choosing the locale', () => {
  it('reads the language prefix of the path, in any case', () => {
    expect(localeFromPath('/es/privacy')).toEqual({ locale: 'es', path: '/privacy' });
    expect(localeFromPath('/ja')).toEqual({ locale: 'ja', path: '/' });
    expect(localeFromPath('/pt-br/connectivity')).toEqual({
      locale: 'pt-BR',
      path: '/connectivity',
    });
    expect(localeFromPath('/en-XA/')).toEqual({ locale: 'en-XA', path: '/' });
    expect(localeFromPath('/privacy')).toBeUndefined();
    expect(localeFromPath('/')).toBeUndefined();
    expect(localeFromPath('/xx/privacy')).toBeUndefined();
  });

  it('writes paths under a prefix, and leaves them alone without one', () => {
    expect(localizedPath('/', 'es')).toBe('/es');
    expect(localizedPath('/privacy', 'ar')).toBe('/ar/privacy');
    expect(localizedPath('/privacy', undefined)).toBe('/privacy');
  });

  it('orders Accept-Language by quality, dropping q=0 and *', () => {
    expect(parseAcceptLanguage('fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5')).toEqual([
      'fr-CH',
      'fr',
      'en',
      'de',
    ]);
    expect(parseAcceptLanguage('en;q=0.1, ja;q=1, ru;q=0')).toEqual(['ja', 'en']);
    expect(parseAcceptLanguage(null)).toEqual([]);
    expect(parseAcceptLanguage('')).toEqual([]);
  });

  it('negotiates an exact tag, then the same language, then English', () => {
    expect(negotiateLocale(['pt-BR'])).toBe('pt-BR');
    expect(negotiateLocale(['pt-PT'])).toBe('pt-BR');
    expect(negotiateLocale(['es-MX', 'en'])).toBe('es');
    expect(negotiateLocale(['ko', 'ja-JP'])).toBe('ja');
    expect(negotiateLocale(['ko', 'zh'])).toBe('en');
    expect(negotiateLocale([])).toBe('en');
    // The pseudo-locale is never negotiated.
    expect(negotiateLocale(['en-XA'])).toBe('en');
  });

  it('prefers the URL to the browser, and the browser to the default', () => {
    expect(resolveLocale('/de/privacy', ['ja'])).toBe('de');
    expect(resolveLocale('/privacy', ['ja'])).toBe('ja');
    expect(resolveLocale('/', [])).toBe('en');
  });

  it('writes Arabic right to left, the others left to right', () => {
    expect(textDirection('ar')).toBe('rtl');
    for (const locale of ALL.filter((tag) => tag !== 'ar'))
      expect(textDirection(locale)).toBe('ltr');
  });
});

describe('plurals', () => {
  it('picks the form Intl.PluralRules names and formats the number', () => {
    const forms = { one: '# minuta', few: '# minuty', many: '# minut', other: '# minuty' };
    expect(plural('pl', 1, forms)).toBe('1 minuta');
    expect(plural('pl', 3, forms)).toBe('3 minuty');
    expect(plural('pl', 5, forms)).toBe('5 minut');
    expect(plural('en', 1234, { one: '# minute', other: '# minutes' })).toBe('1,234 minutes');
  });

  it('says minutes in each language as its grammar wants', async () => {
    const ru = await loadMessages('ru');
    expect(ru.status.banned(1)).toContain('1 минуту');
    expect(ru.status.banned(3)).toContain('3 минуты');
    expect(ru.status.banned(5)).toContain('5 минут.');
    expect(ru.status.banned(21)).toContain('21 минуту');
    const ar = await loadMessages('ar');
    expect(ar.status.banned(1)).toContain('بعد دقيقة واحدة');
    expect(ar.status.banned(2)).toContain('بعد دقيقتين');
    // Arabic or Latin digits, as the engine's CLDR data has it.
    expect(ar.status.banned(3)).toMatch(/بعد (3|٣) دقائق/u);
    expect(ar.status.banned(11)).toMatch(/بعد (11|١١) دقيقة/u);
    expect(en.status.banned(1)).toBe(
      'Several people reported this connection recently. You can start again in 1 minute.',
    );
    expect(en.status.banned(5)).toContain('in 5 minutes.');
  });
});

describe('pseudo-locale', () => {
  it('accents and brackets every string but keeps what a message inserts', async () => {
    expect(pseudoText('Start')).toBe('[!! Ŝţàŕţ !!]');
    const pseudo = await loadMessages(PSEUDO_LOCALE);
    expect(pseudo.start.start).toBe('[!! Ŝţàŕţ !!]');
    const connected = pseudo.status.connected('Ada', ['chess'], 'Spanish');
    expect(connected).toContain('Ada');
    expect(connected).toContain('chess');
    expect(connected).toContain('Spanish');
    expect(connected).not.toContain('Connected');
    expect(pseudo.status.banned(5)).toContain('5');
  });
});
