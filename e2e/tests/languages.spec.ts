import { expect, test } from '../support/fixtures';

// Each side waits this long for a shared language before anyone will do: far longer than the test.
test.use({ serverEnv: { LANGUAGE_WAIT_SECONDS: '120', LANGUAGE_ONLY_WAIT_SECONDS: '10' } });

test('two Spanish speakers meet each other before an English speaker who waited longer', async ({
  openStranger,
}) => {
  const english = await openStranger({ label: 'EN', context: { locale: 'en-GB' } });
  await expect(english.languagesSummary).toContainText('English');
  await english.start();
  await english.waitForState('Looking for a stranger');

  // The page ticks the browser's language by default, also on the English page (`/en`, which the
  // suite reads; at `/` a Spanish browser gets the page in Spanish).
  const first = await openStranger({ label: 'ES1', context: { locale: 'es-ES' }, path: '/en' });
  await expect(first.languagesSummary).toContainText('Spanish');
  await first.start();
  await first.waitForState('Looking for a stranger');

  const second = await openStranger({ label: 'ES2', context: { locale: 'es-MX' }, path: '/en' });
  await second.start();
  await first.waitForState('Connected');
  await second.waitForState('Connected');
  await expect(first.status).toContainText('You both speak Spanish.');
  await expect(english.status).toContainText('Looking for a stranger');
});

test('several languages, and a speakers-only search that finds nobody ends with the form back', async ({
  openStranger,
}) => {
  const person = await openStranger({
    label: 'JA',
    languages: ['Japanese', 'Korean'],
    languagesOnly: true,
  });
  await expect(person.languagesSummary).toContainText('Japanese and Korean');
  await person.start();
  await person.waitForState('Looking for a stranger');
  // An English speaker comes and goes unmet: only Japanese or Korean will do.
  const english = await openStranger({ label: 'EN' });
  await english.start();
  await person.waitForState(/Nobody who speaks Japanese and Korean came for a while/u, {
    timeout: 20_000,
  });
  await expect(english.status).toContainText('Looking for a stranger');
  // The form is back with the person's choices, ready to look again.
  await expect(person.languagesSummary).toContainText('Japanese and Korean');
  await expect(
    person.page.getByRole('checkbox', { name: 'Only people who speak my language' }),
  ).toBeChecked();
  await person.start();
  await person.waitForState('Looking for a stranger');
});
