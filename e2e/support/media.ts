/**
 * What a stranger's page shows and how its WebRTC connection runs, read from
 * the page itself. Nothing here needs a test hook in the app: the peer
 * connections are recorded by an init script that wraps RTCPeerConnection.
 */
import { expect, type Page } from '@playwright/test';
import { CAMERA_COLOURS, type CameraColour, type Rgb } from './fake-camera';
import { evaluateInPlaywright, type StrangerDriver } from './stranger-driver';

/** Where a script of a test runs: a Playwright page, or a stranger's page in any engine. */
export type ScriptHost = Page | StrangerDriver;

/** Runs the self-contained `script` in the page, with `arg` (serialisable). */
export function runInPage<R, A = undefined>(
  host: ScriptHost,
  script: (arg: A) => R | Promise<R>,
  arg?: A,
): Promise<R> {
  return 'engine' in host
    ? host.evaluate(script, arg as A)
    : evaluateInPlaywright(host, script, arg as A);
}

/** The video of the other side, as the QA contract labels it. */
export const strangerVideo = (page: Page) => page.getByLabel("Stranger's video");
export const ownVideo = (page: Page) => page.getByLabel('Your video');

/**
 * What safe start shows instead of the stranger's video: a canvas holding a tiny blurred copy of
 * it, scaled up. Decorative (aria-hidden), so found by its place in the video region.
 */
export const blurredCopy = (page: Page) =>
  page.getByRole('region', { name: 'Video' }).locator('canvas');

/** The blurred copy's own pixels (not its size on screen) and their average colour. */
export async function blurredCopyPixels(
  page: Page,
): Promise<{ width: number; height: number; colour: Rgb }> {
  return blurredCopy(page).evaluate((canvas: HTMLCanvasElement) => {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2d context on the blurred copy');
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let [red, green, blue] = [0, 0, 0];
    for (let i = 0; i < data.length; i += 4) {
      red += data[i] ?? 0;
      green += data[i + 1] ?? 0;
      blue += data[i + 2] ?? 0;
    }
    const pixels = canvas.width * canvas.height;
    return {
      width: canvas.width,
      height: canvas.height,
      colour: [red / pixels, green / pixels, blue / pixels] as const,
    };
  });
}

/**
 * The stranger's picture is hidden behind safe start's blur: the video element is not drawn,
 * and what stands in is a copy of at most 32 pixels across (blurred besides), scaled up to
 * cover the stage, that does show the stranger's `colour`. No more detail than those pixels
 * can reach the screen.
 */
export async function expectStrangerBlurred(page: Page, colour: CameraColour): Promise<void> {
  await expect(strangerVideo(page), 'the video itself is not drawn').toBeHidden();
  const copy = blurredCopy(page);
  await expect(copy).toBeVisible();
  await expect
    .poll(async () => nearestCameraColour((await blurredCopyPixels(page)).colour), {
      message: `the blurred copy shows the stranger's ${colour} camera`,
    })
    .toBe(colour);
  const { width, height } = await blurredCopyPixels(page);
  expect(width, 'pixels across the blurred copy').toBeLessThanOrEqual(32);
  expect(height, 'pixels down the blurred copy').toBeLessThanOrEqual(32);
  const shown = await copy.boundingBox();
  const stage = await strangerVideo(page).boundingBox();
  expect(shown?.width, 'the copy covers the video').toBe(stage?.width);
  expect(shown?.height, 'the copy covers the video').toBe(stage?.height);
}

/**
 * The average colour of a video's current picture, drawn small into a canvas. Runs in the page
 * (self-contained: only its source text gets there).
 */
export function averageVideoColour(video: Element): Rgb {
  const [width, height] = [32, 24];
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new Error('no 2d canvas');
  context.drawImage(video as HTMLVideoElement, 0, 0, width, height);
  const { data } = context.getImageData(0, 0, width, height);
  let [red, green, blue] = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) {
    red += data[i] ?? 0;
    green += data[i + 1] ?? 0;
    blue += data[i + 2] ?? 0;
  }
  const pixels = width * height;
  return [red / pixels, green / pixels, blue / pixels] as const;
}

/** The average colour of the stranger's video, drawn into a canvas in the page. */
export async function remoteVideoColour(page: Page): Promise<Rgb> {
  return strangerVideo(page).evaluate(averageVideoColour);
}

export function colourDistance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * The camera colour a picture shows, or 'none' when it is far from all of
 * them (black before the first frame, a blend, a frozen grey placeholder...).
 */
export function nearestCameraColour(rgb: Rgb, tolerance = 60): CameraColour | 'none' {
  let best: CameraColour | 'none' = 'none';
  let bestDistance = tolerance;
  for (const [name, colour] of Object.entries(CAMERA_COLOURS)) {
    const d = colourDistance(rgb, colour);
    if (d < bestDistance) [best, bestDistance] = [name as CameraColour, d];
  }
  return best;
}

/** Frames the stranger's video element has presented so far. */
export async function remoteFrameCount(page: Page): Promise<number> {
  return strangerVideo(page).evaluate(
    (video: HTMLVideoElement) => video.getVideoPlaybackQuality().totalVideoFrames,
  );
}

/**
 * The stranger's video really plays: a picture larger than the 2x2 placeholder
 * a broken path still produces, and new frames arriving, showing `colour`.
 */
export async function expectStrangerVideo(page: Page, colour: CameraColour): Promise<void> {
  await expect
    .poll(() => strangerVideo(page).evaluate((video: HTMLVideoElement) => video.videoWidth), {
      message: "the stranger's video has a real picture (videoWidth > 2)",
    })
    .toBeGreaterThan(2);
  const framesBefore = await remoteFrameCount(page);
  await expect
    .poll(() => remoteFrameCount(page), { message: "the stranger's video keeps getting frames" })
    .toBeGreaterThan(framesBefore + 5);
  await expect
    .poll(async () => nearestCameraColour(await remoteVideoColour(page)), {
      message: `the stranger's video shows their ${colour} camera`,
    })
    .toBe(colour);
}

/**
 * Frames the stranger's video element has presented since this was first asked, in any engine:
 * each `requestVideoFrameCallback` is one new frame on screen. (Firefox counts no frames of a
 * MediaStream in `getVideoPlaybackQuality()`.) The first call starts the count at 0.
 */
export async function presentedFrameCount(page: ScriptHost): Promise<number> {
  return runInPage(page, () => {
    const video = document.querySelector<HTMLVideoElement>('video[aria-label="Stranger\'s video"]');
    if (video === null) throw new Error("no video labelled Stranger's video");
    const store = window as unknown as { __e2eFrameCounts?: WeakMap<HTMLVideoElement, number> };
    const counts = (store.__e2eFrameCounts ??= new WeakMap());
    if (!counts.has(video)) {
      counts.set(video, 0);
      const onFrame = (): void => {
        counts.set(video, (counts.get(video) ?? 0) + 1);
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
    }
    return counts.get(video) ?? 0;
  });
}

/** A page with a name for failure messages; a `Stranger` is one. */
export interface LabelledPage {
  readonly label: string;
  readonly page: Page;
}

/**
 * Every page's stranger's video keeps getting frames for `durationMs`: checked over and over,
 * each check needs `minFrames` new frames on every page within `stallMs`. A call that dies, or
 * freezes for longer than `stallMs`, fails with the time it happened at.
 */
export async function expectVideoKeepsFlowing(
  pages: readonly LabelledPage[],
  options: { durationMs: number; minFrames?: number; stallMs?: number },
): Promise<void> {
  const { durationMs, minFrames = 10, stallMs = 5_000 } = options;
  const started = Date.now();
  const frames = await Promise.all(pages.map(({ page }) => remoteFrameCount(page)));
  while (Date.now() - started < durationMs) {
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    await Promise.all(
      pages.map(async ({ label, page }, index) => {
        const previous = frames[index] ?? 0;
        await expect
          .poll(() => remoteFrameCount(page), {
            message: `${label}: ${minFrames} more frames within ${stallMs} ms, ${elapsed} s into the check (had ${previous})`,
            timeout: stallMs,
          })
          .toBeGreaterThanOrEqual(previous + minFrames);
        frames[index] = await remoteFrameCount(page);
      }),
    );
  }
}

/**
 * Installed with `context.addInitScript` before any page script runs: keeps
 * every RTCPeerConnection the page creates, so tests can read its stats, and
 * every candidate line the page is given by the stranger (trickled or inside
 * a remote description), so tests can check what the stranger revealed.
 * Self-contained, because Playwright ships the function's source text.
 */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const recorded: RTCPeerConnection[] = [];
  const remoteCandidates: string[] = [];
  class RecordedPeerConnection extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      recorded.push(this);
    }
    override addIceCandidate(candidate?: RTCIceCandidateInit | null): Promise<void> {
      if (candidate?.candidate) remoteCandidates.push(candidate.candidate);
      return super.addIceCandidate(candidate ?? undefined);
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      for (const line of (description.sdp ?? '').split(/\r?\n/)) {
        if (line.startsWith('a=candidate:')) remoteCandidates.push(line.slice(2));
      }
      return super.setRemoteDescription(description);
    }
  }
  Object.defineProperty(window, '__e2ePeerConnections', { value: recorded });
  Object.defineProperty(window, '__e2eRemoteCandidates', { value: remoteCandidates });
  window.RTCPeerConnection = RecordedPeerConnection;
}

/**
 * Every candidate line the page was given by the stranger, whether getStats lists it or not:
 * its type (`typ host|srflx|prflx|relay`) and `address:port`.
 */
export async function receivedCandidates(
  page: ScriptHost,
): Promise<{ type: string; address: string }[]> {
  return runInPage(page, () => {
    const lines = (window as unknown as { __e2eRemoteCandidates?: string[] }).__e2eRemoteCandidates;
    return (lines ?? []).map((line) => {
      // candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
      const [, address = '?', port = '?'] =
        /^candidate:\S+ \d+ \S+ \d+ (\S+) (\d+) /u.exec(line) ?? [];
      return { type: / typ (\S+)/u.exec(line)?.[1] ?? 'unparsable', address: `${address}:${port}` };
    });
  });
}

/** The types of every candidate line the page was given by the stranger (receivedCandidates). */
export async function receivedCandidateTypes(page: ScriptHost): Promise<string[]> {
  return (await receivedCandidates(page)).map((candidate) => candidate.type);
}

/**
 * What the page's WebRTC connections told the other side or were told: every local and remote
 * description (SDP, with the candidates gathered so far) and every candidate line the stranger
 * gave, so a test can look for them where they must not be.
 */
export async function signalledDescriptions(page: ScriptHost): Promise<string[]> {
  return runInPage(page, () => {
    const recorded = window as unknown as {
      __e2ePeerConnections?: RTCPeerConnection[];
      __e2eRemoteCandidates?: string[];
    };
    const descriptions = (recorded.__e2ePeerConnections ?? []).flatMap((peer) => [
      peer.localDescription?.sdp ?? '',
      peer.remoteDescription?.sdp ?? '',
    ]);
    return [...descriptions, ...(recorded.__e2eRemoteCandidates ?? [])].filter(
      (text) => text !== '',
    );
  });
}

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

interface CandidateReport {
  /** Types of the candidates of the pair the connection uses, once it has chosen one. */
  selected: { local: CandidateType; remote: CandidateType } | undefined;
  /** `address:port` of the two candidates of that pair. */
  selectedAddresses: { local: string; remote: string } | undefined;
  /** The STUN or TURN server URL that gave the selected local candidate, if any (not Firefox). */
  selectedServerUrl: string | undefined;
  /** How the selected local relay candidate reaches its TURN server (`udp`, `tcp`, `tls`). */
  selectedRelayProtocol: string | undefined;
  /** Types of every candidate the page learnt from the stranger. */
  remoteTypes: CandidateType[];
  /** `address:port` of every candidate the page learnt from the stranger. */
  remoteAddresses: string[];
}

/** What the `getStats()` of the page's newest RTCPeerConnection says about ICE candidates. */
export async function candidateReport(page: ScriptHost): Promise<CandidateReport> {
  return runInPage(page, async () => {
    const peers = (window as unknown as { __e2ePeerConnections?: RTCPeerConnection[] })
      .__e2ePeerConnections;
    const peer = peers?.at(-1);
    if (peer === undefined) {
      return {
        selected: undefined,
        selectedAddresses: undefined,
        selectedServerUrl: undefined,
        selectedRelayProtocol: undefined,
        remoteTypes: [],
        remoteAddresses: [],
      };
    }
    const reports = [...(await peer.getStats()).values()] as Record<string, unknown>[];
    const byId = new Map(reports.map((report) => [report.id, report]));
    const addressOf = (candidate: Record<string, unknown>) =>
      `${String(candidate.address)}:${String(candidate.port)}`;
    const remoteCandidates = reports.filter((report) => report.type === 'remote-candidate');
    const transport = reports.find(
      (report) => report.type === 'transport' && typeof report.selectedCandidatePairId === 'string',
    );
    const pair = byId.get(transport?.selectedCandidatePairId);
    const localCandidate = byId.get(pair?.localCandidateId);
    const remoteCandidate = byId.get(pair?.remoteCandidateId);
    const local = localCandidate?.candidateType as CandidateType | undefined;
    const remote = remoteCandidate?.candidateType as CandidateType | undefined;
    const chosen = local !== undefined && remote !== undefined;
    return {
      selected: chosen ? { local, remote } : undefined,
      selectedAddresses:
        localCandidate !== undefined && remoteCandidate !== undefined
          ? { local: addressOf(localCandidate), remote: addressOf(remoteCandidate) }
          : undefined,
      selectedServerUrl: localCandidate?.url as string | undefined,
      selectedRelayProtocol: localCandidate?.relayProtocol as string | undefined,
      remoteTypes: remoteCandidates.map((report) => report.candidateType as CandidateType),
      remoteAddresses: remoteCandidates.map(addressOf),
    };
  });
}

/**
 * The type of the local ICE candidate the connection actually uses ('relay'
 * means the media goes through TURN), or undefined before one is chosen.
 */
export async function selectedCandidateType(page: ScriptHost): Promise<CandidateType | undefined> {
  return (await candidateReport(page)).selected?.local;
}

/**
 * Both ends of the call use relay candidates only, and neither was ever given a candidate of
 * the other that is not a relay one (so no host or srflx address was revealed).
 */
export async function expectRelayOnlyCall(
  pages: readonly { readonly label: string; readonly page: ScriptHost }[],
): Promise<void> {
  for (const { label, page } of pages) {
    const report = await candidateReport(page);
    expect(report.selected, `${label}: the selected candidate pair`).toEqual({
      local: 'relay',
      remote: 'relay',
    });
    const given = await receivedCandidateTypes(page);
    expect(given.length, `${label}: candidates given by the stranger`).toBeGreaterThan(0);
    expect(new Set(given), `${label}: types of the candidates the stranger gave`).toEqual(
      new Set(['relay']),
    );
  }
}

/**
 * The ICE and RTP side of the page's newest RTCPeerConnection's `getStats()` (transport,
 * candidate pairs, candidates, inbound and outbound RTP), like chrome://webrtc-internals,
 * for a failing test's report. Empty when the page made no connection or was closed.
 */
export async function webrtcStats(page: ScriptHost): Promise<Record<string, unknown>[]> {
  if ('isClosed' in page && page.isClosed()) return [];
  return runInPage(page, async () => {
    const peers = (window as unknown as { __e2ePeerConnections?: RTCPeerConnection[] })
      .__e2ePeerConnections;
    const peer = peers?.at(-1);
    if (peer === undefined) return [];
    const wanted = new Set([
      'transport',
      'candidate-pair',
      'local-candidate',
      'remote-candidate',
      'inbound-rtp',
      'outbound-rtp',
    ]);
    const states = {
      connectionState: peer.connectionState,
      iceConnectionState: peer.iceConnectionState,
    };
    return [
      states,
      ...[...(await peer.getStats()).values()].filter((report: { type: string }) =>
        wanted.has(report.type),
      ),
    ] as Record<string, unknown>[];
  });
}
