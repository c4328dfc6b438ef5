/**
 * The ICE servers handed to each new connection: TURN (and STUN) URLs with
 * a credential minted for that connection alone, in coturn's TURN REST API
 * scheme, so the embedded server and coturn accept the same credentials.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { Clock, IceServer } from '@mayfly/protocol';
import { clientAddressOf } from '@mayfly/signaling';
import { isLoopbackIp, mintTurnCredential, type EmbeddedTurn } from '@mayfly/turn';
import type { Config, TurnConfig } from './config.js';

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

/**
 * The URLs of the embedded TURN server as a client reaching `hostname` should
 * use them: STUN, TURN over UDP, and TURN over TCP on the same port when the
 * server listens there, for networks that let no UDP through.
 */
export function embeddedTurnUrls(hostname: string, port: number, tcp: boolean): string[] {
  const urls = [`stun:${hostname}:${port}`, `turn:${hostname}:${port}?transport=udp`];
  if (tcp) urls.push(`turn:${hostname}:${port}?transport=tcp`);
  return urls;
}

/** An address as it stands in a URL: IPv6 in brackets. */
function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

export type IceServerProvider = (request: IncomingMessage) => IceServer[];

type ProviderTurnConfig = Pick<
  TurnConfig,
  'mode' | 'urls' | 'secret' | 'credentialTtlSeconds' | 'externalIp'
>;

/**
 * Whether the embedded TURN server runs with the local scope (see
 * turn/src/peer-access.ts): only in the configuration of someone trying
 * Mayfly out, embedded TURN with neither TURN_URLS nor TURN_EXTERNAL_IP.
 */
export function usesLocalScope(turn: ProviderTurnConfig): boolean {
  return turn.mode === 'embedded' && turn.urls.length === 0 && turn.externalIp === undefined;
}

function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/^\[(.*)\]$/u, '$1');
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackIp(name);
}

/**
 * Whether the request comes from a browser on this machine that opened the
 * page by a loopback name: the client address (behind TRUST_PROXY_HOPS
 * proxies, the one they saw) is loopback, the Host header names loopback,
 * and, with no proxy declared, no proxy has left a forwarding header.
 */
export function isRequestFromThisMachine(
  request: IncomingMessage,
  trustProxyHops: number,
): boolean {
  const { headers } = request;
  if (
    trustProxyHops === 0 &&
    ['forwarded', 'x-forwarded-for', 'x-real-ip'].some((name) => name in headers)
  ) {
    return false;
  }
  const hostname = requestHostname(request);
  return (
    hostname !== undefined &&
    isLoopbackHostname(hostname) &&
    isLoopbackIp(clientAddressOf(request, trustProxyHops))
  );
}

export function createIceServerProvider(
  config: { readonly turn: ProviderTurnConfig } & Pick<Config, 'trustProxyHops'>,
  /** The embedded TURN server, once it listens. */
  embedded: () => Pick<EmbeddedTurn, 'port' | 'tcp' | 'relayAddress'> | undefined,
  clock: Clock,
): IceServerProvider {
  const { turn, trustProxyHops } = config;
  if (turn.mode === 'off') return () => [];
  const localScope = usesLocalScope(turn);
  return (request) => {
    const local = localScope && isRequestFromThisMachine(request, trustProxyHops);
    let urls: string[];
    if (turn.urls.length > 0) {
      urls = [...turn.urls];
    } else {
      const server = embedded();
      if (server === undefined) return [];
      // Chromium gathers no relay candidate from a TURN server on loopback:
      // a browser on this machine gets the address the relay announces.
      const hostname =
        turn.externalIp !== undefined
          ? urlHost(turn.externalIp)
          : local && !isLoopbackIp(server.relayAddress)
            ? urlHost(server.relayAddress)
            : requestHostname(request);
      if (hostname === undefined) return [];
      urls = embeddedTurnUrls(hostname, server.port, server.tcp);
    }
    const { username, credential } = mintTurnCredential({
      secret: turn.secret,
      ttlSeconds: turn.credentialTtlSeconds,
      local,
      now: clock.now(),
    });
    return [{ urls, username, credential }];
  };
}
