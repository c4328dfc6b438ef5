/**
 * Firefox's ICE agent (nICEr) against the embedded server: Debian's
 * firefox-esr, headless, driven by puppeteer-core, two relay-only peer
 * connections in one page calling each other through the server. Loopback
 * only: Firefox takes relay candidates from a TURN server on loopback when
 * its loopback pref is on (Chromium takes none). Skipped only when
 * firefox-esr is not installed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintTurnCredential } from '../src/index.js';
import { LOOPBACK, SECRET, startTestTurn } from './helpers.js';

const FIREFOX = '/usr/bin/firefox-esr';
const installed = existsSync(FIREFOX);
const title = installed
  ? 'Firefox through the embedded server'
  : `Firefox through the embedded server (skipped: ${FIREFOX} not found; apt-get install firefox-esr)`;

/** Another loopback address, standing for a second address of the server's machine. */
const SECOND_ADDRESS = '127.0.0.2';

const RELAY_CALL = readFileSync(
  fileURLToPath(new URL('./fixtures/relay-call.js', import.meta.url)),
  'utf8',
);

interface RelayCallResult {
  readonly message?: string;
  readonly failure?: string;
  readonly gathered: readonly string[];
  readonly selected?: { readonly type: string; readonly relayProtocol: string };
}

/** What fixtures/relay-call.js adds to the page. */
interface RelayCallPage {
  relayCall(
    iceServer: { urls: string; username: string; credential: string },
    timeoutMs: number,
  ): Promise<RelayCallResult>;
}

describe.skipIf(!installed)(title, () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: FIREFOX,
      headless: true,
      extraPrefsFirefox: {
        // Gather on the loopback interface and accept a TURN server there.
        'media.peerconnection.ice.loopback': true,
        // Nothing of this test leaves the machine.
        'network.captive-portal-service.enabled': false,
        'network.connectivity-service.enabled': false,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function callThrough(url: string): Promise<RelayCallResult> {
    if (browser === undefined) throw new Error('Firefox did not start');
    const page = await browser.newPage();
    try {
      await page.evaluate(RELAY_CALL);
      const { username, credential } = mintTurnCredential({
        secret: SECRET,
        ttlSeconds: 600,
        id: 'firefox',
      });
      return await page.evaluate(
        (iceServer, timeoutMs) =>
          (globalThis as unknown as RelayCallPage).relayCall(iceServer, timeoutMs),
        { urls: url, username, credential },
        20_000,
      );
    } finally {
      await page.close();
    }
  }

  it('calls through the relay over UDP when the server serves every address and is named by one the kernel would not answer from', async () => {
    // node-turn bound 0.0.0.0 and answered from whichever address the kernel
    // picked; nICEr drops answers from any address but the server's, so
    // Firefox got no relay candidate. Each address has its own socket now.
    const { server, events } = await startTestTurn({
      listenAddress: '0.0.0.0',
      tcp: false,
      hostAddresses: () => [
        { address: LOOPBACK, internal: true },
        { address: SECOND_ADDRESS, internal: false },
      ],
    });

    const result = await callThrough(`turn:${SECOND_ADDRESS}:${server.port}?transport=udp`);

    expect(result).toMatchObject({
      message: 'through the relay',
      selected: { type: 'relay', relayProtocol: 'udp' },
    });
    expect(result.gathered.every((candidate) => candidate.includes(' typ relay'))).toBe(true);
    expect(events.filter((event) => event.type === 'error')).toEqual([]);
  }, 60_000);

  it('calls through the relay over TCP', async () => {
    const { server, events } = await startTestTurn();

    const result = await callThrough(`turn:${LOOPBACK}:${server.port}?transport=tcp`);

    expect(result).toMatchObject({
      message: 'through the relay',
      selected: { type: 'relay', relayProtocol: 'tcp' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'allocation-created', transport: 'tcp' }),
    );
  }, 60_000);
});
