/**
 * What the connection route means for the person's IP address, shown in the chat room's sheet.
 * A module of its own so that it loads with the room, not with the page.
 */
import type { SessionView } from './session-view';

/**
 * The line under the connection route badge. "Not yours" holds only when this chat offered
 * relay addresses alone: otherwise our other addresses reached the stranger while connecting,
 * even if media then took the relay (the stranger hid their IP, or a direct path failed).
 */
export function routeMeaning(view: Pick<SessionView, 'route' | 'chatRelayOnly'>): string {
  if (view.route === 'direct') return 'The stranger’s browser can see your IP address.';
  return view.chatRelayOnly
    ? 'The stranger sees our relay’s address, not yours.'
    : 'Media goes through our relay, but your browser shared its addresses with the stranger’s while connecting. “Hide my IP address” prevents that.';
}
