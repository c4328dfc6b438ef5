/**
 * What the connection route means for the person's IP address, shown in the chat room's sheet.
 * A module of its own so that it loads with the room, not with the page.
 */
import type { Messages } from '../i18n/messages';
import type { SessionView } from './session-view';

/**
 * The line under the connection route badge. "Not yours" holds only when this chat offered
 * relay addresses alone: otherwise our other addresses reached the stranger while connecting,
 * even if media then took the relay (the stranger hid their IP, or a direct path failed).
 */
export function routeMeaning(
  view: Pick<SessionView, 'route' | 'chatRelayOnly'>,
  m: Pick<Messages['room'], 'routeDirect' | 'routeRelayed' | 'routeRelayedShared'>,
): string {
  if (view.route === 'direct') return m.routeDirect;
  return view.chatRelayOnly ? m.routeRelayed : m.routeRelayedShared;
}
