/**
 * `test` for the network lab's scenarios (network-lab.ts): one lab per worker, built from the
 * file's `labSites`, with the product's server in the lab's public namespace (the `target`
 * fixture, replaced), and `openStrangerAt(site, engine)`, a stranger in that site's browser.
 *
 *   test.use({ labSites: { home: { nat: 'symmetric' }, cafe: { nat: 'symmetric' } } });
 *   test('…', async ({ openStrangerAt }) => {
 *     const a = await openStrangerAt('home', 'chromium');
 *     const b = await openStrangerAt('cafe', 'firefox');
 *   });
 *
 * Outside the runner's namespace (no root, a laptop) every such test skips with the reason.
 */
import type { Page } from '@playwright/test';
import {
  closeStrangers,
  CrossEngineStranger,
  openApp,
  openPageIn,
  test as crossEngineTest,
  type Camera,
} from './cross-engine';
import type { Engine } from './engines';
import type { CameraColour } from './fake-camera';
import { AUTO_COLOURS } from './fixtures';
import {
  LAB_ORIGIN,
  LAB_SERVER_ENV,
  LAB_SERVER_PORT,
  labSkipReason,
  NetworkLab,
  type Site,
  type SitePlan,
} from './network-lab';
import { LocalServer } from './server';
import { PlaywrightDriver, type StrangerDriver } from './stranger-driver';
import type { Target } from './target';

export { expect, meet } from './fixtures';

/** A stranger in one of the lab's home networks. */
export class LabStranger extends CrossEngineStranger {
  constructor(
    label: string,
    page: StrangerDriver,
    camera: Camera,
    scratchDir: string,
    readonly site: Site,
  ) {
    super(label, page, camera, scratchDir);
  }

  /** The Playwright page of a Chromium stranger. */
  get playwrightPage(): Page | undefined {
    return this.page instanceof PlaywrightDriver ? this.page.page : undefined;
  }

  /**
   * The stranger's network goes (their interface down, as when Wi-Fi drops) or comes back. A
   * Chromium page is also told it is offline or online, as the browser tells it on a laptop.
   */
  async setOnline(online: boolean): Promise<void> {
    await this.site.setOnline(online);
    await this.playwrightPage?.context().setOffline(!online);
  }

  /**
   * What the connection route badge says ("Relayed" or "Direct"), read from the room's sheet as
   * a person would (opened and closed again); throws while the page does not know the route yet.
   */
  async routeBadge(): Promise<string> {
    await this.page.click({ role: 'button', name: 'Safety and settings' });
    try {
      return await this.page.textOf({ label: 'Connection route' });
    } finally {
      await this.page.click({ role: 'button', name: 'Close' });
    }
  }
}

export interface LabStrangerOptions {
  /** @default 'A', 'B', ... */
  label?: string;
  nickname?: string;
  /** Sets "Hide my IP address"; by default it stays as the server's default left it. */
  hideIp?: boolean;
  /** A Chromium stranger's camera colour. @default the next of red, blue, green, yellow */
  colour?: CameraColour;
}

interface LabWorkerFixtures {
  /** The home networks of the file's lab, by name. */
  labSites: Readonly<Record<string, SitePlan>>;
  lab: NetworkLab;
}

interface LabFixtures {
  /** Opens the app as one more stranger in `engine`, in `site`'s browser namespace. */
  openStrangerAt: (
    site: string,
    engine: Engine,
    options?: LabStrangerOptions,
  ) => Promise<LabStranger>;
}

export const test = crossEngineTest.extend<LabFixtures, LabWorkerFixtures>({
  labSites: [{}, { scope: 'worker', option: true }],

  lab: [
    async ({ labSites }, use) => {
      const lab = await NetworkLab.create(labSites);
      await use(lab);
      await lab.dispose();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  // The server (and its TURN) on the lab's public network instead of the runner's.
  target: [
    async ({ lab, serverEnv }, use) => {
      const server = await LocalServer.start(
        { ...LAB_SERVER_ENV, ...serverEnv },
        {
          namespaced: {
            enter: lab.publicNet.enter,
            port: LAB_SERVER_PORT,
            url: await lab.serverUrl(),
          },
        },
      );
      const target: Target = {
        url: LAB_ORIGIN,
        get log() {
          return server.output;
        },
        counts: async () => {
          const response = await fetch(server.healthUrl, { signal: AbortSignal.timeout(5000) });
          return (await response.json()) as Awaited<ReturnType<Target['counts']>>;
        },
        restart: () => server.restart(),
        dispose: () => server.dispose(),
      };
      await use(target);
      await target.dispose();
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  openStrangerAt: async ({ lab, target }, use, testInfo) => {
    const opened: LabStranger[] = [];
    await use(async (siteName, engine, options = {}) => {
      const site = lab.site(siteName);
      const label = options.label ?? String.fromCharCode(65 + opened.length);
      const colour = options.colour ?? AUTO_COLOURS[opened.length % AUTO_COLOURS.length];
      const { page, camera } = await openPageIn(engine, site, colour);
      const stranger = new LabStranger(label, page, camera, testInfo.outputPath(), site);
      opened.push(stranger);
      await openApp(stranger, target.url, options);
      return stranger;
    });

    await closeStrangers(opened, testInfo, target, async () => {
      // A test that cut a network gives it back, for the file's next test.
      for (const site of new Set(opened.map((stranger) => stranger.site))) {
        await site.setOnline(true);
        await site.setUplink(true);
      }
    });
  },
});

/** Skips the file's tests where the lab cannot be built, saying why. */
export function skipWithoutLab(): void {
  const reason = labSkipReason();
  test.skip(reason !== undefined, reason);
}
