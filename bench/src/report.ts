/**
 * What a run found, as JSON (`--json`, versioned by `schema`) and as the
 * tables a person reads. Figures are medians over the rounds; each round's
 * own figures are in the JSON too, to show the spread.
 */
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { MarkName } from './browser/marks.js';
import type { BrowserReport } from './browser/part.js';
import type { RecoveryReport } from './browser/recovery-part.js';
import type { BenchOptions, Part } from './options.js';
import { openFilesLimit } from './proc.js';
import {
  PAIRING_LABELS,
  PAIRING_SETUPS,
  type PairingFigures,
  type PairingSetup,
} from './scenarios/pairing.js';
import type { InstructionsFigures } from './scenarios/instructions.js';
import type { RelayFigures } from './scenarios/relay.js';
import {
  RELAYED_PACKETS_PER_CALL_PER_SECOND,
  TURN_SERVER_KINDS,
  TURN_SERVER_LABELS,
  type TurnFigures,
  type TurnServerKind,
} from './scenarios/turn.js';
import { SERVER_KINDS, SERVER_LABELS, type ServerKind, START_NODE_FLAGS } from './servers.js';

export const REPORT_SCHEMA = 'mayfly-bench/1';

export interface Machine {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly kernel: string;
  readonly openFilesLimit: number;
  /** 1-minute load average when the run started and ended: other work on the machine. */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

export function describeMachine(loadAtStart: number): Machine {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryGiB: totalmem() / 1024 ** 3,
    node: process.version,
    kernel: release(),
    openFilesLimit: openFilesLimit()?.hard ?? NaN,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? NaN },
  };
}

/**
 * Mayfly's figure divided by a baseline's: above 1, Mayfly costs more. Null
 * where the baseline measured zero (idle CPU below one clock tick in a short
 * window), so there is nothing to divide by.
 */
export interface Ratios {
  readonly cpuPerSignal: number | null;
  readonly cpuPerSignalNet: number | null;
  readonly rssPerIdleConnection: number | null;
  readonly idleCpu: number | null;
  readonly roundTripP99: number | null;
}

export interface RelayReport {
  readonly medians: Readonly<Record<ServerKind, RelayFigures>>;
  readonly rounds: Readonly<Record<ServerKind, readonly RelayFigures[]>>;
  readonly mayflyVs: { readonly peerjs: Ratios; readonly socketio: Ratios };
}

export interface PairingReport {
  readonly medians: Readonly<Record<PairingSetup, PairingFigures>>;
  readonly rounds: Readonly<Record<PairingSetup, readonly PairingFigures[]>>;
}

export interface TurnReport {
  readonly medians: Readonly<Record<TurnServerKind, TurnFigures>>;
  readonly rounds: Readonly<Record<TurnServerKind, readonly TurnFigures[]>>;
  /** The embedded server's CPU per relayed packet divided by coturn's (median figures). */
  readonly embeddedVsCoturn: {
    readonly cpuPerPacket: number | null;
    readonly cpuPerPacketNet: number | null;
  };
}

export function turnReport(
  rounds: Readonly<Record<TurnServerKind, readonly TurnFigures[]>>,
  medians: Readonly<Record<TurnServerKind, TurnFigures>>,
): TurnReport {
  const { embedded, coturn } = medians;
  return {
    medians,
    rounds,
    embeddedVsCoturn: {
      cpuPerPacket: ratio(embedded.cpuPerPacketUs, coturn.cpuPerPacketUs),
      cpuPerPacketNet: ratio(embedded.cpuPerPacketNetUs, coturn.cpuPerPacketNetUs),
    },
  };
}

export interface PartFailure {
  readonly part: Part;
  readonly error: string;
}

export interface BenchReport {
  readonly schema: typeof REPORT_SCHEMA;
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly machine: Machine;
  readonly options: BenchOptions;
  /** null when the part was not run (`--only`). */
  readonly relay: RelayReport | null;
  readonly pairing: PairingReport | null;
  /** null unless asked for (`--instructions`). */
  readonly instructions: InstructionsReport | null;
  /** null unless asked for (`--turn`). */
  readonly turn: TurnReport | null;
  readonly browser: BrowserReport | null;
  /** null unless asked for (`--recovery`). */
  readonly recovery: RecoveryReport | null;
  /** Parts that failed; their figures are null (the browser's say why in their own field). */
  readonly failures: readonly PartFailure[];
}

function ratio(value: number, baseline: number): number | null {
  return baseline === 0 || !Number.isFinite(baseline) ? null : value / baseline;
}

export function ratios(mayfly: RelayFigures, baseline: RelayFigures): Ratios {
  return {
    cpuPerSignal: ratio(mayfly.cpuPerSignalUs, baseline.cpuPerSignalUs),
    cpuPerSignalNet: ratio(mayfly.cpuPerSignalNetUs, baseline.cpuPerSignalNetUs),
    rssPerIdleConnection: ratio(mayfly.rssPerIdleConnectionKiB, baseline.rssPerIdleConnectionKiB),
    idleCpu: ratio(mayfly.idleCpuPercent, baseline.idleCpuPercent),
    roundTripP99: ratio(mayfly.roundTripP99Ms, baseline.roundTripP99Ms),
  };
}

/** Three significant figures or so, without exponent notation; NaN as n/a. */
export function formatFigure(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
  return value.toFixed(decimals);
}

/** Left-aligned first column, right-aligned figures, as Markdown so it pastes into the docs. */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join(' | ')} |`;
  const rule = `| ${widths.map((width, i) => (i === 0 ? '-'.repeat(width) : `${'-'.repeat(width - 1)}:`)).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

const RELAY_ROWS: readonly [keyof RelayFigures, string][] = [
  ['idleConnections', 'idle connections open'],
  ['droppedConnections', 'connections the server dropped (all rounds)'],
  ['rssPerIdleConnectionKiB', 'RSS per idle connection (KiB)'],
  ['rssWithIdleMiB', 'server RSS with them (MiB)'],
  ['idleCpuPercent', 'server CPU while idle (% of a core)'],
  ['cpuPerSignalUs', 'server CPU per relayed signal (µs)'],
  ['cpuPerSignalNetUs', 'the same, idle work deducted (µs)'],
  ['signalsPerSecond', 'signals relayed per second'],
  ['roundTripP50Ms', 'round trip p50 (ms)'],
  ['roundTripP99Ms', 'round trip p99 (ms)'],
  ['pairsClientCpuPercent', 'pairs client CPU (% of a core)'],
];

/** Counts of things that went wrong are summed over the rounds: a median would hide them. */
const SUMMED: ReadonlySet<string> = new Set(['droppedConnections', 'unmatched', 'protocolErrors']);

function shown<F extends Record<keyof F, number>>(
  median: F,
  rounds: readonly F[],
  key: keyof F,
): number {
  return SUMMED.has(String(key)) ? rounds.reduce((sum, round) => sum + round[key], 0) : median[key];
}

const RATIO_OF: Partial<Record<keyof RelayFigures, keyof Ratios>> = {
  rssPerIdleConnectionKiB: 'rssPerIdleConnection',
  idleCpuPercent: 'idleCpu',
  cpuPerSignalUs: 'cpuPerSignal',
  cpuPerSignalNetUs: 'cpuPerSignalNet',
  roundTripP99Ms: 'roundTripP99',
};

function relayTable(relay: RelayReport): string {
  const header = [
    'relay',
    ...SERVER_KINDS.map((kind) => SERVER_LABELS[kind]),
    'Mayfly ÷ PeerJS',
    'Mayfly ÷ Socket.IO',
  ];
  const rows = RELAY_ROWS.map(([key, label]) => {
    const ratio = RATIO_OF[key];
    return [
      label,
      ...SERVER_KINDS.map((kind) =>
        formatFigure(shown(relay.medians[kind], relay.rounds[kind], key)),
      ),
      ratio === undefined ? '' : formatFigure(relay.mayflyVs.peerjs[ratio]),
      ratio === undefined ? '' : formatFigure(relay.mayflyVs.socketio[ratio]),
    ];
  });
  return renderTable(header, rows);
}

export interface InstructionsReport {
  readonly figures: Readonly<Record<ServerKind, InstructionsFigures>>;
  /** Mayfly's instructions per signal divided by each baseline's. */
  readonly mayflyVs: { readonly peerjs: number; readonly socketio: number };
}

export function instructionsReport(
  figures: Readonly<Record<ServerKind, InstructionsFigures>>,
): InstructionsReport {
  const per = (kind: ServerKind): number => figures[kind].kiloInstructionsPerSignal;
  return {
    figures,
    mayflyVs: { peerjs: per('mayfly') / per('peerjs'), socketio: per('mayfly') / per('socketio') },
  };
}

function instructionsTable(report: InstructionsReport): string {
  const header = [
    'instructions (callgrind)',
    ...SERVER_KINDS.map((kind) => SERVER_LABELS[kind]),
    'Mayfly ÷ PeerJS',
    'Mayfly ÷ Socket.IO',
  ];
  const row = [
    'thousand instructions per relayed signal',
    ...SERVER_KINDS.map((kind) => formatFigure(report.figures[kind].kiloInstructionsPerSignal)),
    formatFigure(report.mayflyVs.peerjs),
    formatFigure(report.mayflyVs.socketio),
  ];
  const signals = [
    'signals counted',
    ...SERVER_KINDS.map((kind) => formatFigure(report.figures[kind].signals)),
    '',
    '',
  ];
  return renderTable(header, [row, signals]);
}

const TURN_ROWS: readonly [keyof TurnFigures, string][] = [
  ['relayedPackets', 'packets relayed'],
  ['lostPackets', 'packets lost (all rounds)'],
  ['cpuPercent', 'server CPU while relaying (% of a core)'],
  ['idleCpuPercent', 'server CPU while idle (% of a core)'],
  ['cpuPerPacketUs', 'server CPU per relayed packet (µs)'],
  ['cpuPerPacketNetUs', 'the same, idle work deducted (µs)'],
  ['systemCpuPerPacketUs', 'of which the kernel: system calls (µs)'],
  [
    'callsPerCore',
    `relayed calls one core carries (${RELAYED_PACKETS_PER_CALL_PER_SECOND} packets/s each)`,
  ],
  ['rssMiB', 'server RSS (MiB)'],
];

function turnTable(turn: TurnReport): string {
  const header = [
    'TURN relay',
    ...TURN_SERVER_KINDS.map((kind) => TURN_SERVER_LABELS[kind]),
    'embedded ÷ coturn',
  ];
  const rows = TURN_ROWS.map(([key, label]) => {
    const lost = key === 'lostPackets';
    const value = (kind: TurnServerKind): number =>
      lost
        ? turn.rounds[kind].reduce((sum, round) => sum + round.lostPackets, 0)
        : turn.medians[kind][key];
    const quotient =
      key === 'cpuPerPacketUs'
        ? turn.embeddedVsCoturn.cpuPerPacket
        : key === 'cpuPerPacketNetUs'
          ? turn.embeddedVsCoturn.cpuPerPacketNet
          : undefined;
    return [
      label,
      ...TURN_SERVER_KINDS.map((kind) => formatFigure(value(kind))),
      quotient === undefined ? '' : formatFigure(quotient),
    ];
  });
  return renderTable(header, rows);
}

function pairingTable(pairing: PairingReport): string {
  const header = [
    'pairing',
    'join→matched p50 (ms)',
    'p99 (ms)',
    'matches/s (burst)',
    'burst join→matched p99 (ms)',
    'relay signals/s',
    'relay round trip p50 (ms)',
    'p99 (ms)',
    'unmatched, errors, dropped (all rounds)',
  ];
  const rows = PAIRING_SETUPS.map((setup) => {
    const figures = pairing.medians[setup];
    return [
      PAIRING_LABELS[setup],
      ...[
        figures.joinToMatchedP50Ms,
        figures.joinToMatchedP99Ms,
        figures.matchesPerSecond,
        figures.burstJoinToMatchedP99Ms,
        figures.relaySignalsPerSecond,
        figures.relayRoundTripP50Ms,
        figures.relayRoundTripP99Ms,
      ].map(formatFigure),
      (['unmatched', 'protocolErrors', 'droppedConnections'] as const)
        .map((key) => shown(figures, pairing.rounds[setup], key))
        .join(', '),
    ];
  });
  return renderTable(header, rows);
}

/** The steps shown in the breakdown, in the order they usually happen; the JSON has every mark. */
const STEP_ROWS: readonly [role: 'newcomer' | 'waiter', mark: MarkName, label: string][] = [
  ['newcomer', 'media', 'newcomer: camera on'],
  ['newcomer', 'socketOpen', 'newcomer: WebSocket open (Mayfly: before Start)'],
  ['newcomer', 'firstSend', 'newcomer: first message sent'],
  ['newcomer', 'matched', 'newcomer: told of the match'],
  ['waiter', 'matched', 'waiter: told of the match'],
  ['waiter', 'peerCreated', 'waiter: peer connection created'],
  ['waiter', 'localDescription', 'waiter: offer set'],
  ['waiter', 'descriptionSent', 'waiter: offer sent'],
  ['newcomer', 'peerCreated', 'newcomer: peer connection created'],
  ['newcomer', 'descriptionReceived', 'newcomer: offer received'],
  ['newcomer', 'remoteDescription', 'newcomer: offer set'],
  ['newcomer', 'descriptionSent', 'newcomer: answer sent'],
  ['waiter', 'descriptionReceived', 'waiter: answer received'],
  ['waiter', 'candidateSent', 'waiter: first candidate sent'],
  ['newcomer', 'candidateSent', 'newcomer: first candidate sent'],
  ['newcomer', 'iceConnected', 'newcomer: ICE connected'],
  ['waiter', 'iceConnected', 'waiter: ICE connected'],
  ['newcomer', 'connected', 'newcomer: DTLS connected'],
  ['newcomer', 'track', 'newcomer: stranger track announced'],
  ['newcomer', 'dataChannelOpen', 'newcomer: data channel open'],
  ['newcomer', 'framePresented', 'newcomer: first frame presented'],
  ['waiter', 'framePresented', 'waiter: first frame presented'],
  ['newcomer', 'video', 'newcomer: first frame seen by the page'],
  ['waiter', 'video', 'waiter: first frame seen by the page'],
];

function browserTable(browser: BrowserReport): string {
  if (browser.status !== 'measured') return `browser: not measured (${browser.reason})`;
  const rows = browser.pages.map((page) => [
    page.label,
    formatFigure(page.startToVideoP50Ms),
    formatFigure(page.startToVideoMaxMs),
    formatFigure(page.newcomerP50Ms),
    formatFigure(page.browserCpuP50Ms),
    String(page.calls),
  ]);
  const steps = STEP_ROWS.map(([role, mark, label]) => [
    label,
    ...browser.pages.map((page) => {
      const at = page.steps[role][mark];
      return at === undefined ? '–' : formatFigure(at);
    }),
  ]);
  const js = browser.firstLoadJs;
  return [
    renderTable(
      [
        `Start to video, Chromium ${browser.chromium}`,
        'both see video, median (ms)',
        'slowest (ms)',
        'newcomer sees video, median (ms)',
        'browser CPU per call, median (ms)',
        'calls',
      ],
      rows,
    ),
    `Mayfly direct ÷ floor (median): ${formatFigure(browser.mayflyVsFloor)}; ` +
      `with both CPUs 4x slower: ${formatFigure(browser.mayflyVsFloorCpu4)}; ` +
      `Mayfly relayed − direct (median): ${formatFigure(browser.relayedMinusDirectMs)} ms`,
    ...(browser.baseline === null
      ? []
      : [
          `baseline build (${browser.baseline.dir}) ÷ floor, same run: ` +
            `${formatFigure(browser.baseline.vsFloor)}; ` +
            `with both CPUs 4x slower: ${formatFigure(browser.baseline.vsFloorCpu4)}`,
        ]),
    js === null
      ? 'first-load JavaScript: not measured'
      : `first-load JavaScript of Mayfly's page: ${(js.gzipBytes / 1024).toFixed(1)} KB gzipped ` +
        `(budget ${(js.budgetBytes / 1024).toFixed(0)} KB), ${(js.laterGzipBytes / 1024).toFixed(1)} KB more from Start on`,
    '',
    renderTable(
      ["step, median ms after the newcomer's Start", ...browser.pages.map((page) => page.label)],
      steps,
    ),
  ].join('\n');
}

function flagList(flags: readonly string[]): string {
  return flags.length === 0 ? "node's defaults" : flags.join(' ');
}

function recoveryTable(recovery: RecoveryReport): string {
  if (recovery.status !== 'measured') return `recovery: not measured (${recovery.reason})`;
  return renderTable(
    [
      'network back to video flowing again (ms)',
      'both sides, median',
      'min',
      'max',
      'cut side, median',
      'partner, median',
      'breaks',
    ],
    recovery.variants.map((v) => [
      v.label,
      formatFigure(v.bothP50Ms),
      formatFigure(v.bothMinMs),
      formatFigure(v.bothMaxMs),
      formatFigure(v.cutP50Ms),
      formatFigure(v.partnerP50Ms),
      String(v.trials),
    ]),
  );
}

export function renderReport(report: BenchReport): string {
  const { options: o, machine: m } = report;
  const what = [
    o.parts.includes('relay') &&
      `${o.idle} idle connections, ${o.pairs} pairs bouncing ${o.signalBytes}-byte signals for ${o.seconds} s`,
    o.parts.includes('pairing') && `${o.joins}-stranger pairing burst`,
    o.parts.some((part) => part !== 'browser' && part !== 'recovery') &&
      `median of ${o.rounds} round${o.rounds === 1 ? '' : 's'}, loopback`,
    o.parts.includes('browser') && `${o.trials} browser calls per page`,
    o.parts.includes('recovery') && `${o.trials} network breaks of 5 s per call`,
    o.parts.includes('turn') &&
      `TURN: ${o.turn.clients} uclient sessions x ${o.turn.messages} packets of ${o.turn.bytes} bytes every ${o.turn.intervalMs} ms (${formatFigure((2 * o.turn.clients * 1000) / o.turn.intervalMs)} relayed packets/s)`,
  ].filter((part) => part !== false);
  const lines = [
    `Mayfly signaling benchmark (${o.mode}): ${what.join(', ')}`,
    `machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}, Linux ${m.kernel}, ` +
      `open files ${m.openFilesLimit}; load average ${m.loadAverage.start.toFixed(2)} at start, ` +
      `${m.loadAverage.end.toFixed(2)} at end (other work shares these cores: figures are noisy)`,
    `node flags: Mayfly ${flagList(START_NODE_FLAGS)} (as npm start), baselines ${
      o.tunedBaselines ? `the same (--tuned-baselines)` : flagList([])
    }`,
    '',
  ];
  if (report.relay !== null) lines.push(relayTable(report.relay), '');
  if (report.pairing !== null) lines.push(pairingTable(report.pairing), '');
  if (report.instructions !== null) lines.push(instructionsTable(report.instructions), '');
  if (report.turn !== null) lines.push(turnTable(report.turn), '');
  if (report.browser !== null) lines.push(browserTable(report.browser), '');
  if (report.recovery !== null) lines.push(recoveryTable(report.recovery), '');
  for (const failure of report.failures) lines.push(`${failure.part} FAILED: ${failure.error}`);
  lines.push(`took ${report.durationSeconds.toFixed(0)} s`);
  return lines.join('\n');
}
