import type { LayoutServerLoad } from './$types';

/** The browser's language as the server negotiated it, for pages whose URL names none. */
export const load: LayoutServerLoad = ({ locals }) => ({
  negotiatedLocale: locals.negotiatedLocale,
});
