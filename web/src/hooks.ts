import type { Reroute } from '@sveltejs/kit/hooks';
import { localeFromPath } from '#lib/i18n/locales.ts';

/** `/es/privacy` is the `/privacy` route in Spanish: the language prefix is not a route. */
export const reroute: Reroute = ({ url }) => localeFromPath(url.pathname)?.path;
