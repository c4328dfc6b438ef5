/**
 * CPU time the browser spends on a call, from /proc: every Chromium process
 * this Playwright worker started (the browser, its renderers, GPU, network and
 * utility processes), whatever else runs on the machine. On shared cores the
 * wall-clock figures grow with other people's load; this one much less.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { procReader } from '../src/proc';

const reader = procReader();

/** CPU milliseconds so far of each Chromium process descending from this one. */
export function sampleChromiumCpu(): Map<number, number> {
  const parent = new Map<number, number>();
  const name = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/u.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // The process ended between the listing and the read: nothing of ours to count.
    }
    const pid = Number(entry);
    name.set(pid, stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    parent.set(pid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const ours = (pid: number): boolean => {
    for (let at = parent.get(pid); at !== undefined && at > 1; at = parent.get(at)) {
      if (at === process.pid) return true;
    }
    return false;
  };
  const cpu = new Map<number, number>();
  for (const [pid, command] of name) {
    if (!command.startsWith('chrom') || !ours(pid)) continue;
    try {
      cpu.set(pid, reader.sample(pid).cpuMs);
    } catch {
      continue; // Ended meanwhile, as above.
    }
  }
  return cpu;
}

/** CPU milliseconds spent between two samples, processes started in between included. */
export function cpuSpentMs(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, ms] of after) spent += ms - (before.get(pid) ?? 0);
  return spent;
}
