/**
 * Loads one locale's messages. Each locale is a chunk of its own, fetched by the root layout's
 * `load` before the page renders (on the server and before hydration alike), so a visitor
 * downloads their language's messages only.
 */
import type { Messages } from './locales/en.ts';
import type { Locale } from './locales.ts';

export type { Messages };

const CATALOGUES: Readonly<Record<Locale, () => Promise<{ default: Messages }>>> = {
  en: () => import('./locales/en.ts'),
  es: () => import('./locales/es.ts'),
  'pt-BR': () => import('./locales/pt-BR.ts'),
  fr: () => import('./locales/fr.ts'),
  de: () => import('./locales/de.ts'),
  ru: () => import('./locales/ru.ts'),
  tr: () => import('./locales/tr.ts'),
  ar: () => import('./locales/ar.ts'),
  hi: () => import('./locales/hi.ts'),
  ja: () => import('./locales/ja.ts'),
  'en-XA': () => import('./locales/en-XA.ts'),
};

export async function loadMessages(locale: Locale): Promise<Messages> {
  return (await CATALOGUES[locale]()).default;
}
