import { describe, expect, it } from 'vitest';
import en from '../src/lib/i18n/locales/en';
import { toPrivacySections } from '../src/lib/privacy/privacy-statement';

describe('privacy statement rendering', () => {
  it('keeps the server order, with friendly titles and "None." for empty cookie lists', () => {
    const sections = toPrivacySections(
      {
        cookies: [],
        logging: { retentionDays: 7, never: ['IP addresses'] },
        someNewField: true,
      },
      en.privacy,
    );
    expect(sections?.map((s) => s.title)).toEqual([
      'Cookies',
      'What the server logs',
      'Some new field',
    ]);
    expect(sections?.[0]?.body).toEqual({ kind: 'text', text: 'None.' });
    expect(sections?.[1]?.body).toEqual({
      kind: 'fields',
      fields: [
        { label: 'Kept for (days)', value: { kind: 'text', text: '7' } },
        {
          label: 'Never logged',
          value: {
            kind: 'list',
            items: [{ kind: 'text', text: 'IP addresses', fromServer: true }],
          },
        },
      ],
    });
    expect(sections?.[2]?.body).toEqual({ kind: 'text', text: 'Yes' });
  });

  it('refuses a document that is not an object and bounds deep nesting', () => {
    expect(toPrivacySections(['x'], en.privacy)).toBeUndefined();
    expect(toPrivacySections(null, en.privacy)).toBeUndefined();
    const deep = toPrivacySections({ a: { b: { c: { d: { e: { f: 1 } } } } } }, en.privacy);
    expect(JSON.stringify(deep)).toContain('…');
  });
});
