import { describe, expect, it } from 'vitest';
import { detectPersonalData } from '../src/lib/chat/personal-data';
import en from '../src/lib/i18n/locales/en';
import es from '../src/lib/i18n/locales/es';

describe('personal data detector', () => {
  it.each([
    ['call me on +44 7700 900123', ['phone']],
    ['my number is (555) 123-4567', ['phone']],
    ['0176 12345678', ['phone']],
    ['write to ann.smith+chat@example.co.uk', ['email']],
    ['I live at 221B Baker Street', ['address']],
    ['Hauptstraße 5, Berlin', ['address']],
    ['5 rue de la Paix', ['address']],
    ['Calle Mayor 12', ['address']],
    ['mail me at x@y.io or 555-123-4567', ['phone', 'email']],
  ])('spots %j', (text, kinds) => {
    expect(detectPersonalData(text)).toEqual(kinds);
  });

  it.each([
    'hello there',
    'I am 25 and I like chess',
    'see you at 10:30',
    'the 2024-05-01 release',
    'I have 3 cats and 2 dogs',
    'I scored 1500 points',
    'meet me @ the park',
    'the st. patrick day parade',
  ])('leaves %j alone', (text) => {
    expect(detectPersonalData(text)).toEqual([]);
  });

  it('names what it found in plain words, in the page’s language', () => {
    const warn = (m: typeof en, kinds: ('phone' | 'email' | 'address')[]): string =>
      m.room.personalData(kinds.map((kind) => m.room.personalDataKinds[kind]));
    expect(warn(en, ['phone'])).toMatch(/^This looks like a phone number\. /u);
    expect(warn(en, ['phone', 'email', 'address'])).toMatch(
      /^This looks like a phone number, an e-mail address and a street address\. /u,
    );
    expect(warn(es, ['phone', 'email'])).toContain(
      'un número de teléfono y una dirección de correo electrónico',
    );
  });
});
