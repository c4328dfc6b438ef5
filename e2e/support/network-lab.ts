/**
 * The network lab: hostile networks built from network namespaces, inside the runner's own
 * namespace (scripts/run.mjs), for the scenarios of tests/hostile-networks.spec.ts and
 * tests/network-break.spec.ts.
 *
 *            public network 10.200.0.0/24 (a bridge): the product's server and TURN, 10.200.0.1
 *              │                          │
 *   router 10.200.0.11 (NAT)   router 10.200.0.12 (NAT)   …one "site" per home network
 *              │ 192.168.1.0/24           │ 192.168.2.0/24
 *   browser 192.168.1.2        browser 192.168.2.2
 *
 * Each site is a router namespace (nftables masquerade: `cone`, or `symmetric` with a random port
 * per destination; optionally dropping all UDP) and a browser namespace behind it, whose link to
 * the router may lose and delay packets. Nothing routes to a home network from outside: strangers
 * reach each other through their NATs, or through the relay on the public network.
 *
 * No namespace has a name (nothing in /run/netns): each is held by a `sleep` that the worker
 * started with `setpriv --pdeathsig KILL`, and every process started inside one (server,
 * browsers, socat) dies with its parent too. A worker that dies leaves nothing behind; `dispose()`
 * tears the lab down at once.
 *
 * The kernel here has no netem (CONFIG_NET_SCH_NETEM unset), so an impaired link is made of two
 * TUN devices, each fed by a `socat` over UDP on loopback, with this worker in between dropping
 * and holding back packets (ImpairedLink, impaired-link.ts).
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { chromium, type Browser } from '@playwright/test';
import type { Browser as PuppeteerBrowser } from 'puppeteer-core';
import { forwardInto, type Forward } from '../scripts/netns-forward.mjs';
import { chromiumExecutable, chromiumLaunchOptions } from './chromium';
import { firefoxExecutable } from './engines';
import type { CameraColour } from './fake-camera';
import { launchFirefox } from './firefox';
import { ImpairedLink, deviceName, tunDevice, type Impairment } from './impaired-link';
import { IN_TEST_NAMESPACE, REPO_ROOT } from './server';

/** Programs the lab runs, besides `ip` (iproute2) and `unshare` (util-linux). */
const LAB_TOOLS = ['nsenter', 'setpriv', 'nft', 'socat'] as const;

function hasCommand(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** Why the lab cannot run here, for `test.skip`; undefined when it can. */
export function labSkipReason(): string | undefined {
  if (!IN_TEST_NAMESPACE) {
    return 'the network lab builds network namespaces: it runs only as root inside the runner’s private namespace (npm test -w e2e as root on Linux)';
  }
  const missing = LAB_TOOLS.filter((tool) => !hasCommand(tool));
  if (missing.length > 0) {
    return `the network lab needs ${missing.join(', ')} (apt-get install nftables socat util-linux)`;
  }
  return undefined;
}

/** The public network's address of the server and its TURN. */
export const PUBLIC_SERVER_ADDRESS = '10.200.0.1';
const PUBLIC_PREFIX = '10.200.0';
/** The port the server listens on in the public namespace (fresh: always free). */
export const LAB_SERVER_PORT = 8080;
/** The origin browsers in the lab open; they are told to treat it as secure (getUserMedia). */
export const LAB_ORIGIN = `http://${PUBLIC_SERVER_ADDRESS}:${LAB_SERVER_PORT}`;

/**
 * The product's configuration in the lab: the embedded TURN server on the public address (UDP
 * and TCP 3478), and allowed to relay to the public network, where the routers' public addresses
 * and its own relay addresses are (the deny list refuses private ranges otherwise).
 */
export const LAB_SERVER_ENV: Readonly<Record<string, string>> = {
  HOST: '0.0.0.0',
  TURN_MODE: 'embedded',
  TURN_PORT: '3478',
  TURN_LISTEN_ADDRESS: PUBLIC_SERVER_ADDRESS,
  TURN_EXTERNAL_IP: PUBLIC_SERVER_ADDRESS,
  TURN_ALLOWED_PEERS: `${PUBLIC_PREFIX}.0/24`,
};

function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** A network namespace of the lab, alive as long as its holder process. */
export class Namespace {
  private constructor(
    readonly name: string,
    private readonly holder: ChildProcess,
  ) {}

  static async create(name: string): Promise<Namespace> {
    const holder = spawn(
      'unshare',
      ['--net', '--', 'setpriv', '--pdeathsig', 'KILL', '--', 'sleep', 'infinity'],
      { stdio: 'ignore' },
    );
    const own = readlinkSync('/proc/self/ns/net');
    // unshare makes the namespace, then becomes the holder: wait until it has.
    for (let tries = 0; ; tries++) {
      let theirs: string | undefined;
      try {
        theirs = readlinkSync(`/proc/${holder.pid}/ns/net`);
      } catch {
        theirs = undefined;
      }
      if (theirs !== undefined && theirs !== own) break;
      if (tries > 500 || holder.exitCode !== null) {
        holder.kill('SIGKILL');
        throw new Error(`namespace ${name}: unshare --net did not start`);
      }
      await delay(10);
    }
    const namespace = new Namespace(name, holder);
    await namespace.sh('ip link set lo up');
    return namespace;
  }

  get pid(): number {
    if (this.holder.pid === undefined) throw new Error(`namespace ${this.name} has no holder`);
    return this.holder.pid;
  }

  /** The namespace as `nsenter --net=` takes it. */
  get path(): string {
    return `/proc/${this.pid}/ns/net`;
  }

  /** Runs what follows inside this namespace, killed when the process that started it dies. */
  get enter(): readonly string[] {
    return ['nsenter', `--net=${this.path}`, '--', 'setpriv', '--pdeathsig', 'KILL', '--'];
  }

  /** Runs a shell script (`sh -e`) inside this namespace. */
  sh(script: string): Promise<string> {
    return run('nsenter', [`--net=${this.path}`, '--', 'sh', '-ec', script]);
  }

  /** Loads an nftables ruleset inside this namespace. */
  nft(ruleset: string): Promise<string> {
    return run('nsenter', [`--net=${this.path}`, '--', 'nft', '-f', '-'], ruleset);
  }

  dispose(): void {
    this.holder.kill('SIGKILL');
  }
}

export interface SitePlan {
  /**
   * How the router maps ports: `cone` keeps one public port per inside port (STUN finds it and
   * strangers can reach it), `symmetric` takes a random public port for every destination
   * (`masquerade random,fully-random`), so only a relay gets through.
   */
  readonly nat: 'cone' | 'symmetric';
  /** The router drops every UDP packet between the home network and the public one. */
  readonly blockUdp?: boolean;
  /** The link between browser and router loses and delays packets. */
  readonly impairment?: Impairment;
}

/** One home network: a router with its NAT, and the browser's namespace behind it. */
export class Site {
  /** The browser's interface, in its namespace. */
  readonly #browserInterface = 'eth0';
  readonly #helpers: ChildProcess[] = [];
  #link: ImpairedLink | undefined;
  readonly #chromiums = new Map<string, Promise<Browser>>();
  #firefox: Promise<PuppeteerBrowser> | undefined;
  readonly #wrapperDir = mkdtempSync(path.join(tmpdir(), 'mayfly-lab-'));
  #browserHost = 2;

  private constructor(
    readonly name: string,
    readonly index: number,
    readonly plan: SitePlan,
    readonly router: Namespace,
    readonly browserNamespace: Namespace,
  ) {}

  /** The router's address on the public network. */
  get publicAddress(): string {
    return `${PUBLIC_PREFIX}.${10 + this.index}`;
  }

  get routerLanAddress(): string {
    return `192.168.${this.index}.1`;
  }

  /** The browser's address in its home network (renumberBrowser() changes it). */
  get browserAddress(): string {
    return `192.168.${this.index}.${this.#browserHost}`;
  }

  static async create(
    name: string,
    index: number,
    plan: SitePlan,
    publicNet: Namespace,
  ): Promise<Site> {
    const [router, browser] = await Promise.all([
      Namespace.create(`${name} router`),
      Namespace.create(`${name} browser`),
    ]);
    const site = new Site(name, index, plan, router, browser);
    try {
      await site.#wire(publicNet);
      return site;
    } catch (error) {
      await site.dispose();
      throw error;
    }
  }

  async #wire(publicNet: Namespace): Promise<void> {
    const { router, browserNamespace: browser, plan } = this;
    const port = `w${this.index}`;
    await run('ip', [
      'link',
      'add',
      port,
      'netns',
      String(publicNet.pid),
      'type',
      'veth',
      'peer',
      'name',
      'wan0',
      'netns',
      String(router.pid),
    ]);
    await publicNet.sh(`ip link set ${port} master br0 up`);
    if (plan.impairment === undefined) {
      await run('ip', [
        'link',
        'add',
        'lan0',
        'netns',
        String(router.pid),
        'type',
        'veth',
        'peer',
        'name',
        this.#browserInterface,
        'netns',
        String(browser.pid),
      ]);
      await browser.sh(`ip addr add ${this.browserAddress}/24 dev ${this.#browserInterface}`);
      await router.sh(`ip addr add ${this.routerLanAddress}/24 dev lan0`);
    } else {
      const link = await ImpairedLink.create(plan.impairment);
      this.#link = link;
      const [routerSide, browserSide] = [deviceName('lr'), deviceName('lb')];
      this.#helpers.push(await tunDevice(routerSide, link.port(0)));
      this.#helpers.push(await tunDevice(browserSide, link.port(1)));
      await run('ip', ['link', 'set', routerSide, 'netns', String(router.pid)]);
      await run('ip', ['link', 'set', browserSide, 'netns', String(browser.pid)]);
      await router.sh(
        `ip link set ${routerSide} name lan0
         ip addr add ${this.routerLanAddress} peer ${this.browserAddress} dev lan0`,
      );
      await browser.sh(
        `ip link set ${browserSide} name ${this.#browserInterface}
         ip addr add ${this.browserAddress} peer ${this.routerLanAddress} dev ${this.#browserInterface}`,
      );
    }
    await router.sh(
      `ip addr add ${this.publicAddress}/24 dev wan0
       ip link set wan0 up
       ip link set lan0 up
       ip route add default via ${PUBLIC_SERVER_ADDRESS}
       echo 1 > /proc/sys/net/ipv4/ip_forward`,
    );
    await router.nft(
      `table ip lab {
         chain forward {
           type filter hook forward priority filter; policy accept;
           ${plan.blockUdp === true ? 'meta l4proto udp drop' : ''}
         }
         chain postrouting {
           type nat hook postrouting priority srcnat; policy accept;
           oifname "wan0" masquerade ${plan.nat === 'symmetric' ? 'random,fully-random' : ''}
         }
       }`,
    );
    await this.setOnline(true);
  }

  /**
   * Takes the browser's network away (its interface down, as when Wi-Fi drops) or gives it back
   * (up, with its default route, which went with the interface).
   */
  async setOnline(online: boolean): Promise<void> {
    const device = this.#browserInterface;
    await this.browserNamespace.sh(
      online
        ? `ip link set ${device} up
           ip route replace default via ${this.routerLanAddress} dev ${device} onlink`
        : `ip link set ${device} down`,
    );
  }

  /**
   * The browser gets another address in its home network (2 and 3 in turn), as on a new network:
   * its host candidates and the router's mappings for it all change. Only on a plain link
   * (a veth pair), while its interface is down.
   */
  async renumberBrowser(): Promise<void> {
    const old = this.browserAddress;
    this.#browserHost = this.#browserHost === 2 ? 3 : 2;
    await this.browserNamespace.sh(
      `ip addr del ${old}/24 dev ${this.#browserInterface}
       ip addr add ${this.browserAddress}/24 dev ${this.#browserInterface}`,
    );
  }

  /**
   * The signaling server refuses this site's connections (a reset for each), or takes them
   * again: a network on which the server is out of reach for a while when the rest works.
   */
  async setServerReachable(reachable: boolean): Promise<void> {
    await this.router.nft(
      reachable
        ? 'add table ip no_server\ndelete table ip no_server'
        : `table ip no_server {
             chain forward {
               type filter hook forward priority filter - 10; policy accept;
               ip daddr ${PUBLIC_SERVER_ADDRESS} tcp dport ${LAB_SERVER_PORT} reject with tcp reset
             }
           }`,
    );
  }

  /**
   * The router's uplink goes silent (every packet between the home network and the public one
   * dropped, nothing said) or works again. The browser's own interface stays up.
   */
  async setUplink(working: boolean): Promise<void> {
    await this.router.nft(
      working
        ? // `add` first: deleting a table that is not there fails.
          'add table ip uplink\ndelete table ip uplink'
        : `table ip uplink {
             chain forward { type filter hook forward priority filter - 10; policy drop; }
           }`,
    );
  }

  /** Writes an executable that runs `command` with its arguments first, then the caller's. */
  #wrapper(name: string, command: readonly string[]): string {
    const file = path.join(this.#wrapperDir, name);
    const quoted = command.map((part) => `'${part.replaceAll("'", `'\\''`)}'`).join(' ');
    writeFileSync(file, `#!/bin/sh\nexec ${quoted} "$@"\n`);
    chmodSync(file, 0o755);
    return file;
  }

  /** This site's Chromium filming `colour`, launched inside the browser namespace when first asked. */
  chromium(colour: CameraColour): Promise<Browser> {
    let browser = this.#chromiums.get(colour);
    if (browser === undefined) {
      const options = chromiumLaunchOptions({ colour });
      const real = chromiumExecutable() ?? chromium.executablePath();
      // Playwright talks to Chromium over a pipe, which passes through nsenter untouched.
      const executablePath = this.#wrapper('chromium', [...this.browserNamespace.enter, real]);
      browser = chromium.launch({
        ...options,
        executablePath,
        args: [...(options.args ?? []), `--unsafely-treat-insecure-origin-as-secure=${LAB_ORIGIN}`],
      });
      this.#chromiums.set(colour, browser);
    }
    return browser;
  }

  /** This site's Firefox, launched inside the browser namespace when first asked. */
  firefox(): Promise<PuppeteerBrowser> {
    if (this.#firefox === undefined) {
      const real = firefoxExecutable();
      if (real === undefined) throw new Error('Firefox not found (apt-get install firefox-esr)');
      const bridge = path.join(REPO_ROOT, 'e2e/scripts/netns-bridge.mjs');
      this.#firefox = launchFirefox({
        executablePath: this.#wrapper('firefox', [
          process.execPath,
          bridge,
          this.browserNamespace.path,
          real,
        ]),
        // getUserMedia needs a secure context; the lab's origin is plain HTTP on an address.
        prefs: { 'dom.securecontext.allowlist': PUBLIC_SERVER_ADDRESS },
      });
    }
    return this.#firefox;
  }

  async dispose(): Promise<void> {
    const browsers = await Promise.allSettled([...this.#chromiums.values()]);
    await Promise.all(
      browsers.map((result) => (result.status === 'fulfilled' ? result.value.close() : undefined)),
    );
    const firefox = await this.#firefox?.catch(() => undefined);
    await firefox?.close().catch(() => undefined);
    for (const helper of this.#helpers) helper.kill('SIGKILL');
    this.#link?.close();
    this.router.dispose();
    this.browserNamespace.dispose();
    rmSync(this.#wrapperDir, { recursive: true, force: true });
  }
}

/** The public network and the sites around it. */
export class NetworkLab {
  #forward: Forward | undefined;

  private constructor(
    readonly publicNet: Namespace,
    readonly sites: ReadonlyMap<string, Site>,
  ) {}

  static async create(plans: Readonly<Record<string, SitePlan>>): Promise<NetworkLab> {
    const publicNet = await Namespace.create('public');
    const sites = new Map<string, Site>();
    const lab = new NetworkLab(publicNet, sites);
    try {
      await publicNet.sh(
        `ip link add br0 type bridge
         ip addr add ${PUBLIC_SERVER_ADDRESS}/24 dev br0
         ip link set br0 up`,
      );
      let index = 0;
      for (const [name, plan] of Object.entries(plans)) {
        index += 1;
        sites.set(name, await Site.create(name, index, plan, publicNet));
      }
      return lab;
    } catch (error) {
      await lab.dispose();
      throw error;
    }
  }

  site(name: string): Site {
    const site = this.sites.get(name);
    if (site === undefined) throw new Error(`no site "${name}" in this lab`);
    return site;
  }

  /** Where this process reaches the lab's server: a forward into the public namespace. */
  async serverUrl(): Promise<string> {
    this.#forward ??= await forwardInto(this.publicNet.path, LAB_SERVER_PORT);
    return `http://127.0.0.1:${this.#forward.port}`;
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.sites.values()].map((site) => site.dispose()));
    await this.#forward?.close();
    this.publicNet.dispose();
  }
}
