/**
 * What RFC 8489 (STUN) and RFC 8656 (TURN) say a server answers, request by
 * request, on real sockets on loopback. Each refusal is checked by its code
 * and by the attributes that explain it.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AddressFamily,
  StunAttribute,
  StunClass,
  StunMethod,
  TRANSPORT_UDP,
  decodeErrorCode,
  decodeStunMessage,
  decodeXorAddress,
  encodeAddressFamily,
  encodeChannelNumber,
  encodeEvenPort,
  encodeRequestedTransport,
  encodeStunMessage,
  encodeUint32,
  encodeXorAddress,
  findAttribute,
} from '../src/stun.js';
import type { DecodedStunMessage, StunAttributeValue } from '../src/stun.js';
import { TurnClient, TurnErrorResponse } from '../src/stun-client.js';
import { LOOPBACK, errorCodeOf, onCleanup, openRawSocket, startTestTurn } from './helpers.js';

const UDP: StunAttributeValue = {
  type: StunAttribute.RequestedTransport,
  value: encodeRequestedTransport(TRANSPORT_UDP),
};

function attribute(type: number, value: Buffer): StunAttributeValue {
  return { type, value };
}

/** The error response a request got; fails the test on success. */
async function refusalOf(request: Promise<unknown>): Promise<DecodedStunMessage> {
  const error: unknown = await request.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof TurnErrorResponse) || error.response === undefined) {
    throw new Error(`expected an error response, got ${String(error)}`);
  }
  return error.response;
}

function codeOf(response: DecodedStunMessage): number | undefined {
  const value = findAttribute(response, StunAttribute.ErrorCode);
  return value === undefined ? undefined : decodeErrorCode(value).code;
}

function unknownAttributesOf(response: DecodedStunMessage): number[] {
  const value = findAttribute(response, StunAttribute.UnknownAttributes) ?? Buffer.alloc(0);
  return Array.from({ length: value.length / 2 }, (_, index) => value.readUInt16BE(index * 2));
}

async function allocateWith(
  client: TurnClient,
  attributes: readonly StunAttributeValue[],
): Promise<DecodedStunMessage> {
  return (await client.request(StunMethod.Allocate, [UDP, ...attributes])).message;
}

function relayedPortOf(response: DecodedStunMessage): number {
  const value = findAttribute(response, StunAttribute.XorRelayedAddress);
  if (value === undefined) throw new Error('no XOR-RELAYED-ADDRESS');
  return decodeXorAddress(value, response.transactionId).port;
}

describe('Binding (RFC 8489)', () => {
  it('answers a Binding request with the client’s address, without authentication', async () => {
    const { client } = await startTestTurn();
    const alice = await client(null);

    const { message } = await alice.request(StunMethod.Binding, []);

    const mapped = findAttribute(message, StunAttribute.XorMappedAddress);
    expect(mapped && decodeXorAddress(mapped, message.transactionId)).toEqual({
      address: LOOPBACK,
      port: alice.localPort,
    });
  });

  it('adds FINGERPRINT to an answer exactly when the request had one', async () => {
    const { client, server } = await startTestTurn();
    const withFingerprint = await client(null);
    const without = await TurnClient.open({ server, localAddress: LOOPBACK, fingerprint: false });
    onCleanup(() => without.close());

    const answered = await withFingerprint.request(StunMethod.Binding, []);
    const plain = await without.request(StunMethod.Binding, []);

    expect(answered.message.fingerprint).toBe('valid');
    expect(plain.message.fingerprint).toBe('absent');
  });
});

describe('unknown attributes (RFC 8489 section 6.3.1)', () => {
  it('answers 420 listing each unknown comprehension-required attribute', async () => {
    const { client, turn, events } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(
      allocateWith(alice, [
        attribute(0x7ff0, Buffer.from([1, 2, 3, 4])),
        attribute(0x0030, Buffer.alloc(0)),
        attribute(0x7ff0, Buffer.from([5, 6, 7, 8])),
      ]),
    );

    expect(codeOf(response)).toBe(420);
    expect(unknownAttributesOf(response)).toEqual([0x7ff0, 0x0030]);
    expect(turn.allocationCount()).toBe(0);
    expect(events).toContainEqual({ type: 'request-refused', method: 'allocate', code: 420 });
  });

  it('ignores unknown comprehension-optional attributes', async () => {
    const { client, turn } = await startTestTurn();
    const alice = await client();

    await allocateWith(alice, [attribute(0xfff0, Buffer.from('optional'))]);

    expect(turn.allocationCount()).toBe(1);
  });

  it('protects an authenticated 420 with MESSAGE-INTEGRITY', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(allocateWith(alice, [attribute(0x7ff0, Buffer.alloc(4))]));

    expect(findAttribute(response, StunAttribute.MessageIntegrity)).toHaveLength(20);
  });
});

describe('Allocate attributes (RFC 8656 section 7.2)', () => {
  it('refuses DONT-FRAGMENT with 420, since it cannot set the DF bit', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(
      allocateWith(alice, [attribute(StunAttribute.DontFragment, Buffer.alloc(0))]),
    );

    expect(codeOf(response)).toBe(420);
    expect(unknownAttributesOf(response)).toEqual([StunAttribute.DontFragment]);
  });

  it('allocates an IPv4 relay when REQUESTED-ADDRESS-FAMILY asks for IPv4', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await allocateWith(alice, [
      attribute(StunAttribute.RequestedAddressFamily, encodeAddressFamily(AddressFamily.IPv4)),
    ]);

    const relayed = findAttribute(response, StunAttribute.XorRelayedAddress);
    expect(relayed && decodeXorAddress(relayed, response.transactionId).address).toBe(LOOPBACK);
  });

  it.each([
    ['IPv6, which this IPv4 relay does not have', AddressFamily.IPv6, 440],
    ['a family that does not exist', 0x03, 440],
  ])('answers REQUESTED-ADDRESS-FAMILY %s with %i', async (_, family, code) => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(
      allocateWith(alice, [
        attribute(StunAttribute.RequestedAddressFamily, encodeAddressFamily(family)),
      ]),
    );

    expect(codeOf(response)).toBe(code);
  });

  it('answers ADDITIONAL-ADDRESS-FAMILY with an IPv4 relay and ADDRESS-ERROR-CODE 440 for IPv6', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await allocateWith(alice, [
      attribute(StunAttribute.AdditionalAddressFamily, encodeAddressFamily(AddressFamily.IPv6)),
    ]);

    const addressError = findAttribute(response, StunAttribute.AddressErrorCode);
    expect(addressError?.[0]).toBe(AddressFamily.IPv6);
    expect(addressError && decodeErrorCode(addressError).code).toBe(440);
    expect(findAttribute(response, StunAttribute.XorRelayedAddress)).toHaveLength(8);
  });

  it.each<[string, StunAttributeValue[]]>([
    ['no REQUESTED-TRANSPORT', []],
    [
      'REQUESTED-TRANSPORT twice',
      [UDP, UDP].map((value) => ({ ...value, type: StunAttribute.RequestedTransport })),
    ],
    ['a LIFETIME of 2 bytes', [UDP, attribute(StunAttribute.Lifetime, Buffer.alloc(2))]],
    [
      'REQUESTED-ADDRESS-FAMILY of 1 byte',
      [UDP, attribute(StunAttribute.RequestedAddressFamily, Buffer.from([1]))],
    ],
    [
      'REQUESTED- and ADDITIONAL-ADDRESS-FAMILY together',
      [
        UDP,
        attribute(StunAttribute.RequestedAddressFamily, encodeAddressFamily(AddressFamily.IPv4)),
        attribute(StunAttribute.AdditionalAddressFamily, encodeAddressFamily(AddressFamily.IPv6)),
      ],
    ],
    [
      'ADDITIONAL-ADDRESS-FAMILY asking for IPv4',
      [
        UDP,
        attribute(StunAttribute.AdditionalAddressFamily, encodeAddressFamily(AddressFamily.IPv4)),
      ],
    ],
    [
      'RESERVATION-TOKEN with EVEN-PORT',
      [
        UDP,
        attribute(StunAttribute.ReservationToken, randomBytes(8)),
        attribute(StunAttribute.EvenPort, encodeEvenPort(false)),
      ],
    ],
    [
      'RESERVATION-TOKEN with REQUESTED-ADDRESS-FAMILY',
      [
        UDP,
        attribute(StunAttribute.ReservationToken, randomBytes(8)),
        attribute(StunAttribute.RequestedAddressFamily, encodeAddressFamily(AddressFamily.IPv4)),
      ],
    ],
    [
      'a RESERVATION-TOKEN of 4 bytes',
      [UDP, attribute(StunAttribute.ReservationToken, randomBytes(4))],
    ],
    ['EVEN-PORT of 4 bytes', [UDP, attribute(StunAttribute.EvenPort, Buffer.alloc(4))]],
  ])('answers an Allocate with %s 400', async (_, attributes) => {
    const { client, turn } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(alice.request(StunMethod.Allocate, attributes));

    expect(codeOf(response)).toBe(400);
    expect(turn.allocationCount()).toBe(0);
  });

  it('answers a relay over TCP with 442: relays are UDP only', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    expect(await errorCodeOf(alice.allocate({ requestedTransport: 6 }))).toBe(442);
  });
});

describe('EVEN-PORT and RESERVATION-TOKEN (RFC 8656 section 7.2)', () => {
  it('relays on an even port when EVEN-PORT asks for one', async () => {
    const { client } = await startTestTurn();
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const response = await allocateWith(await client(), [
        attribute(StunAttribute.EvenPort, encodeEvenPort(false)),
      ]);

      expect(relayedPortOf(response) % 2).toBe(0);
      expect(findAttribute(response, StunAttribute.ReservationToken)).toBeUndefined();
    }
  });

  it('reserves the next port for the RESERVATION-TOKEN it returns, and gives it to that token only once', async () => {
    const { client, turn } = await startTestTurn();
    const rtp = await client();
    const rtcp = await client();
    const late = await client();

    const first = await allocateWith(rtp, [
      attribute(StunAttribute.EvenPort, encodeEvenPort(true)),
    ]);
    const token = findAttribute(first, StunAttribute.ReservationToken);
    expect(token).toHaveLength(8);
    const second = await allocateWith(rtcp, [
      attribute(StunAttribute.ReservationToken, token ?? Buffer.alloc(8)),
    ]);
    const again = await refusalOf(
      allocateWith(late, [attribute(StunAttribute.ReservationToken, token ?? Buffer.alloc(8))]),
    );

    expect(relayedPortOf(first) % 2).toBe(0);
    expect(relayedPortOf(second)).toBe(relayedPortOf(first) + 1);
    expect(codeOf(again)).toBe(508);
    expect(turn.allocationCount()).toBe(2);
  });

  it('answers a RESERVATION-TOKEN it never gave out with 508', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(
      allocateWith(alice, [attribute(StunAttribute.ReservationToken, randomBytes(8))]),
    );

    expect(codeOf(response)).toBe(508);
  });

  it('gives the reserved port up when the allocation that reserved it ends', async () => {
    const { client } = await startTestTurn();
    const rtp = await client();
    const first = await allocateWith(rtp, [
      attribute(StunAttribute.EvenPort, encodeEvenPort(true)),
    ]);
    const token = findAttribute(first, StunAttribute.ReservationToken) ?? Buffer.alloc(8);

    await rtp.refresh(0);
    const response = await refusalOf(
      allocateWith(await client(), [attribute(StunAttribute.ReservationToken, token)]),
    );

    expect(codeOf(response)).toBe(508);
  });
});

describe('requests on an allocation (RFC 8656 sections 7.3, 9, 11)', () => {
  it('answers Refresh, CreatePermission and ChannelBind without an allocation with 437', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const alice = await client();

    expect(await errorCodeOf(alice.refresh())).toBe(437);
    expect(await errorCodeOf(alice.createPermission(LOOPBACK))).toBe(437);
    expect(await errorCodeOf(alice.channelBind(0x4000, { address: LOOPBACK, port: 5004 }))).toBe(
      437,
    );
  });

  it('protects error answers to authenticated requests with MESSAGE-INTEGRITY', async () => {
    const { client } = await startTestTurn();
    const alice = await client();

    const response = await refusalOf(alice.refresh());

    expect(codeOf(response)).toBe(437);
    expect(findAttribute(response, StunAttribute.MessageIntegrity)).toHaveLength(20);
  });

  it('answers a request on an allocation made with another credential with 441', async () => {
    const { client, credential, events } = await startTestTurn();
    const alice = await client(credential('alice'));
    await alice.allocate();

    const bob = credential('bob');
    expect(await errorCodeOf(alice.request(StunMethod.Refresh, [], { as: bob }))).toBe(441);
    expect(events).toContainEqual({ type: 'auth-rejected', reason: 'wrong-credentials' });
  });

  it('answers a Refresh asking for the other address family with 443', async () => {
    const { client } = await startTestTurn();
    const alice = await client();
    await alice.allocate();

    const response = await refusalOf(
      alice.request(StunMethod.Refresh, [
        attribute(StunAttribute.RequestedAddressFamily, encodeAddressFamily(AddressFamily.IPv6)),
      ]),
    );

    expect(codeOf(response)).toBe(443);
  });

  it('answers CreatePermission without XOR-PEER-ADDRESS, or with a malformed one, with 400', async () => {
    const { client } = await startTestTurn();
    const alice = await client();
    await alice.allocate();

    expect(await errorCodeOf(alice.request(StunMethod.CreatePermission, []))).toBe(400);
    expect(
      await errorCodeOf(
        alice.request(StunMethod.CreatePermission, [
          attribute(StunAttribute.XorPeerAddress, Buffer.from([0, 1, 0, 0])),
        ]),
      ),
    ).toBe(400);
  });

  it('binds channels of RFC 5766’s range and refuses numbers outside it with 400', async () => {
    const { client } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const alice = await client();
    await alice.allocate();
    const peer = (port: number) => ({ address: LOOPBACK, port });

    expect(await errorCodeOf(alice.channelBind(0x7fff, peer(40_000)))).toBe('ok');
    expect(await errorCodeOf(alice.channelBind(0x3fff, peer(40_001)))).toBe(400);
    expect(await errorCodeOf(alice.channelBind(0x8000, peer(40_002)))).toBe(400);
    expect(
      await errorCodeOf(
        alice.request(StunMethod.ChannelBind, [
          attribute(StunAttribute.ChannelNumber, encodeChannelNumber(0x4001)),
        ]),
      ),
    ).toBe(400);
  });
});

describe('messages it cannot accept (RFC 8489 sections 6.3 and 7.3)', () => {
  function request(method: number, attributes: StunAttributeValue[] = []): Buffer {
    return encodeStunMessage({
      method,
      class: StunClass.Request,
      transactionId: randomBytes(12),
      attributes,
    });
  }

  /** An Allocate request with FINGERPRINT, and then `trailer` appended to it. */
  function allocateThen(trailer: Buffer): Buffer {
    const valid = encodeStunMessage(
      {
        method: StunMethod.Allocate,
        class: StunClass.Request,
        transactionId: randomBytes(12),
        attributes: [UDP],
      },
      { fingerprint: true },
    );
    const message = Buffer.concat([valid, trailer]);
    message.writeUInt16BE(message.length - 20, 2);
    return message;
  }

  it.each<[string, Buffer]>([
    ['an attribute longer than the message', allocateThen(Buffer.from('0019004011000000', 'hex'))],
    ['a length that is not a multiple of 4', allocateThen(Buffer.from('00', 'hex'))],
    ['an attribute after FINGERPRINT', allocateThen(Buffer.from('0019000411000000', 'hex'))],
  ])('answers a request with %s 400, with its transaction id', async (_, malformed) => {
    const { server, events } = await startTestTurn();
    const raw = await openRawSocket();

    raw.send(malformed, server);
    const answer = decodeStunMessage(await raw.next());

    expect(answer?.class).toBe(StunClass.ErrorResponse);
    expect(answer?.transactionId).toEqual(malformed.subarray(8, 20));
    expect(answer && codeOf(answer)).toBe(400);
    expect(events).toContainEqual({ type: 'request-refused', method: 'allocate', code: 400 });
  });

  it('answers a datagram longer than its STUN length says with 400', async () => {
    const { server } = await startTestTurn();
    const raw = await openRawSocket();
    const valid = request(StunMethod.Binding);

    raw.send(Buffer.concat([valid, Buffer.alloc(4)]), server);
    const answer = decodeStunMessage(await raw.next());

    expect(answer && codeOf(answer)).toBe(400);
  });

  it('never answers an indication, nor a request with a wrong FINGERPRINT or an unknown method', async () => {
    const { server, events } = await startTestTurn({ allowedPeers: ['127.0.0.0/8'] });
    const raw = await openRawSocket();
    const send = encodeStunMessage({
      method: StunMethod.Send,
      class: StunClass.Indication,
      transactionId: randomBytes(12),
      attributes: [
        attribute(
          StunAttribute.XorPeerAddress,
          encodeXorAddress({ address: LOOPBACK, port: 5004 }, randomBytes(12)),
        ),
        attribute(StunAttribute.Data, Buffer.from('no allocation')),
      ],
    });
    const badFingerprint = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: StunClass.Request,
        transactionId: randomBytes(12),
        attributes: [],
      },
      { fingerprint: true },
    );
    badFingerprint.writeUInt32BE((badFingerprint.readUInt32BE(24) ^ 1) >>> 0, 24);
    const unknownMethod = request(0x0abc);
    const binding = request(StunMethod.Binding);

    for (const datagram of [send, badFingerprint, unknownMethod, binding])
      raw.send(datagram, server);
    const first = decodeStunMessage(await raw.next());

    // Answers come in order: the first one is the Binding's.
    expect(first?.transactionId).toEqual(binding.subarray(8, 20));
    expect(events).toContainEqual({ type: 'malformed-message' });
    expect(events).toContainEqual({ type: 'unknown-method' });
  });

  it('answers a retransmitted Allocate exactly as the first time, RESERVATION-TOKEN included', async () => {
    const { client, turn } = await startTestTurn();
    const alice = await client();
    // Learn the realm and nonce first, so that the Allocate below is sent once with its id.
    expect(await errorCodeOf(alice.refresh())).toBe(437);
    const transactionId = randomBytes(12);
    const attributes = [
      UDP,
      attribute(StunAttribute.Lifetime, encodeUint32(1200)),
      attribute(StunAttribute.EvenPort, encodeEvenPort(true)),
    ];

    const first = await alice.request(StunMethod.Allocate, attributes, { transactionId });
    const again = await alice.request(StunMethod.Allocate, attributes, { transactionId });

    expect(again.message.attributes).toEqual(first.message.attributes);
    expect(findAttribute(again.message, StunAttribute.ReservationToken)).toHaveLength(8);
    expect(findAttribute(again.message, StunAttribute.Lifetime)?.readUInt32BE(0)).toBe(1200);
    expect(turn.allocationCount()).toBe(1);
  });
});
