import type { Handle } from '@sveltejs/kit';

/** Headers for every page; the Content-Security-Policy itself comes from svelte.config.js. */
export const handle: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  response.headers.set('Referrer-Policy', 'no-referrer');
  // The same policy the signaling service sets on its own responses.
  response.headers.set('Permissions-Policy', 'camera=(self), microphone=(self), geolocation=()');
  response.headers.set('X-Content-Type-Options', 'nosniff');
  return response;
};
