// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Locale, OfferedLocale } from '#lib/i18n/locales.ts';
import type { Messages } from '#lib/i18n/messages.ts';

declare global {
  namespace App {
    // interface Error {}
    interface Locals {
      /** The best of the browser's languages (`Accept-Language`) the page speaks. */
      negotiatedLocale: OfferedLocale;
    }
    /** From the root layout's load: every page has its language and its messages. */
    interface PageData {
      locale: Locale;
      /** The language the URL names (`/es/…`), if any; links keep it. */
      localePrefix: Locale | undefined;
      m: Messages;
    }
    // interface PageState {}
    // interface Platform {}
  }
}

export {};
