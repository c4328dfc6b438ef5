/**
 * The ICE servers handed to each new connection: TURN (and STUN) URLs with
 * a credential minted for that connection alone, in coturn's TURN REST API
 * scheme, so the embedded server and coturn accept the same credentials.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { mintTurnCredential } from '@mayfly/turn';
import type { TurnConfig } from './config.js';
import type { Clock } from '@mayfly/protocol';
import type { IceServer } from '@mayfly/protocol';

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/u;

/**
 * The host name the client used to reach us, from the Host header, as it
 * may appear in a turn: URL; undefined when the header is not a plain host
 * name or address (it is client-supplied).
 */
export function requestHostname(request: IncomingMessage): string | undefined {
  const host = request.headers.host ?? '';
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::\d{1,5})?$/u.exec(host);
  if (bracketed?.[1] !== undefined)
    return isIP(bracketed[1]) === 6 ? `[${bracketed[1]}]` : undefined;
  const hostname = host.replace(/:\d{1,5}$/u, '');
  return isIP(hostname) === 4 || HOSTNAME.test(hostname) ? hostname : undefined;
}

/** The URLs of the embedded TURN server as a client reaching `hostname` should use them. */
export function embeddedTurnUrls(hostname: string, port: number): string[] {
  return [`stun:${hostname}:${port}`, `turn:${hostname}:${port}?transport=udp`];
}

/** An address as it stands in a URL: IPv6 in brackets. */
function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

export type IceServerProvider = (request: IncomingMessage) => IceServer[];

export function createIceServerProvider(
  turn: Pick<TurnConfig, 'mode' | 'urls' | 'secret' | 'credentialTtlSeconds' | 'externalIp'>,
  /** The embedded TURN server's port, once it is known. */
  embeddedPort: () => number | undefined,
  clock: Clock,
): IceServerProvider {
  if (turn.mode === 'off') return () => [];
  return (request) => {
    let urls: string[];
    if (turn.urls.length > 0) {
      urls = [...turn.urls];
    } else {
      const hostname =
        turn.externalIp === undefined ? requestHostname(request) : urlHost(turn.externalIp);
      const port = embeddedPort();
      if (hostname === undefined || port === undefined) return [];
      urls = embeddedTurnUrls(hostname, port);
    }
    const { username, credential } = mintTurnCredential({
      secret: turn.secret,
      ttlSeconds: turn.credentialTtlSeconds,
      now: clock.now(),
    });
    return [{ urls, username, credential }];
  };
}
