/**
 * What the server reads from a request's attributes, without sockets: the
 * wire answers to the same requests are in conformance.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readAllocateRequest, unknownAttributes } from '../src/request-attributes.js';
import {
  AddressFamily,
  StunAttribute,
  StunClass,
  StunMethod,
  TRANSPORT_TCP,
  TRANSPORT_UDP,
  decodeStunMessage,
  encodeAddressFamily,
  encodeEvenPort,
  encodeRequestedTransport,
  encodeStunMessage,
} from '../src/stun.js';
import type { DecodedStunMessage, StunAttributeValue } from '../src/stun.js';

const UDP: StunAttributeValue = {
  type: StunAttribute.RequestedTransport,
  value: encodeRequestedTransport(TRANSPORT_UDP),
};

function request(...attributes: StunAttributeValue[]): DecodedStunMessage {
  const message = decodeStunMessage(
    encodeStunMessage({
      method: StunMethod.Allocate,
      class: StunClass.Request,
      transactionId: randomBytes(12),
      attributes,
    }),
  );
  if (message === undefined) throw new Error('the test request does not decode');
  return message;
}

function family(type: number, value: number): StunAttributeValue {
  return { type, value: encodeAddressFamily(value) };
}

describe('readAllocateRequest', () => {
  it('reads the lifetime and the port shape EVEN-PORT asks for', () => {
    const lifetime = { type: StunAttribute.Lifetime, value: Buffer.from([0, 0, 0x02, 0x58]) };
    const evenPair = { type: StunAttribute.EvenPort, value: encodeEvenPort(true) };
    const even = { type: StunAttribute.EvenPort, value: encodeEvenPort(false) };

    expect(readAllocateRequest(request(UDP, lifetime), 4)).toEqual({
      lifetime: 600,
      shape: 'any',
      reservationToken: undefined,
      refusedAdditionalFamily: false,
    });
    expect(readAllocateRequest(request(UDP, evenPair), 4)).toMatchObject({ shape: 'even-pair' });
    expect(readAllocateRequest(request(UDP, even), 4)).toMatchObject({ shape: 'even' });
  });

  it('refuses a missing, repeated or non-UDP REQUESTED-TRANSPORT', () => {
    const tcp = {
      type: StunAttribute.RequestedTransport,
      value: encodeRequestedTransport(TRANSPORT_TCP),
    };

    expect(readAllocateRequest(request(), 4)).toEqual({ code: 400 });
    expect(readAllocateRequest(request(UDP, UDP), 4)).toEqual({ code: 400 });
    expect(readAllocateRequest(request(tcp), 4)).toEqual({ code: 442 });
  });

  it('serves only the relay’s own family, and IPv4 beside a refused IPv6', () => {
    const askIpv6 = family(StunAttribute.RequestedAddressFamily, AddressFamily.IPv6);
    const alsoIpv6 = family(StunAttribute.AdditionalAddressFamily, AddressFamily.IPv6);

    expect(readAllocateRequest(request(UDP, askIpv6), 4)).toEqual({ code: 440 });
    expect(readAllocateRequest(request(UDP, askIpv6), 6)).toMatchObject({ shape: 'any' });
    expect(readAllocateRequest(request(UDP, alsoIpv6), 4)).toMatchObject({
      refusedAdditionalFamily: true,
    });
    expect(readAllocateRequest(request(UDP, alsoIpv6), 6)).toEqual({ code: 440 });
  });

  it('refuses attributes that conflict: a token with EVEN-PORT or a family, both families', () => {
    const token = { type: StunAttribute.ReservationToken, value: randomBytes(8) };
    const evenPort = { type: StunAttribute.EvenPort, value: encodeEvenPort(false) };
    const askIpv4 = family(StunAttribute.RequestedAddressFamily, AddressFamily.IPv4);
    const alsoIpv6 = family(StunAttribute.AdditionalAddressFamily, AddressFamily.IPv6);

    expect(readAllocateRequest(request(UDP, token), 4)).toMatchObject({
      reservationToken: token.value,
    });
    expect(readAllocateRequest(request(UDP, token, evenPort), 4)).toEqual({ code: 400 });
    expect(readAllocateRequest(request(UDP, token, askIpv4), 4)).toEqual({ code: 400 });
    expect(readAllocateRequest(request(UDP, askIpv4, alsoIpv6), 4)).toEqual({ code: 400 });
  });
});

describe('unknownAttributes', () => {
  it('lists unknown comprehension-required types once each, in order, and skips optional ones', () => {
    const attribute = (type: number): StunAttributeValue => ({ type, value: Buffer.alloc(32) });
    const message = request(
      UDP,
      attribute(StunAttribute.Userhash),
      attribute(StunAttribute.Software),
      attribute(StunAttribute.MessageIntegritySha256),
      attribute(StunAttribute.Userhash),
    );

    expect(unknownAttributes(message, false)).toEqual([
      StunAttribute.Userhash,
      StunAttribute.MessageIntegritySha256,
    ]);
  });

  it('counts DONT-FRAGMENT in an Allocate as unknown: Node cannot set the DF bit', () => {
    const message = request(UDP, { type: StunAttribute.DontFragment, value: Buffer.alloc(0) });

    expect(unknownAttributes(message, true)).toEqual([StunAttribute.DontFragment]);
  });
});
