// Before every build (`npm run build`): fails when a locale's catalogue lacks a message English
// has, has one English lacks, or has one of another kind (a string for a function, a function
// with other parameters). svelte-check finds the same through the types; this makes the build
// itself refuse, whatever checks ran before it.
import { catalogueShape } from '../src/lib/i18n/catalogue-shape.ts';
import { LOCALES, PSEUDO_LOCALE } from '../src/lib/i18n/locales.ts';
import { loadMessages } from '../src/lib/i18n/messages.ts';

const english = catalogueShape(await loadMessages('en'));
let failures = 0;
for (const locale of [...LOCALES, PSEUDO_LOCALE]) {
  const shape = catalogueShape(await loadMessages(locale));
  const missing = english.filter((leaf) => !shape.includes(leaf));
  const extra = shape.filter((leaf) => !english.includes(leaf));
  for (const leaf of missing) console.error(`catalogues: ${locale} lacks ${leaf}`);
  for (const leaf of extra) console.error(`catalogues: ${locale} has ${leaf}, which English lacks`);
  failures += missing.length + extra.length;
}
if (failures > 0) {
  console.error(`catalogues: ${String(failures)} problem(s); see web/src/lib/i18n/locales/en.ts`);
  process.exit(1);
}
