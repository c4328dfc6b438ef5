/**
 * What a process costs, read from Linux's /proc: CPU time (utime + stime of
 * the process, all its threads) and resident memory. Reading /proc costs the
 * measured process nothing, unlike asking it over IPC.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessSample {
  /** User plus system CPU time since the process started, in milliseconds. */
  readonly cpuMs: number;
  /** The system part of it: the kernel working for the process (system calls). */
  readonly systemCpuMs: number;
  /** Resident set size (VmRSS), in bytes. */
  readonly rssBytes: number;
}

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    // getconf missing: 100 is what every Linux architecture Node runs on uses.
    return 100;
  }
}

export interface ProcReader {
  sample(pid: number): ProcessSample;
  /** CPU time resolution, in milliseconds (10 ms at the usual 100 ticks per second). */
  readonly resolutionMs: number;
}

export function procReader(): ProcReader {
  const ticks = clockTicksPerSecond();
  return {
    resolutionMs: 1000 / ticks,
    sample(pid) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the name: state is field 3, so utime (14) and stime (15) sit at 11 and 12.
      const systemTicks = Number(fields[12]);
      const cpuTicks = Number(fields[11]) + systemTicks;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB$/mu.exec(status)?.[1]);
      if (!Number.isFinite(cpuTicks) || !Number.isFinite(rssKb)) {
        throw new Error(`cannot read /proc/${pid}: unexpected format`);
      }
      return {
        cpuMs: (cpuTicks * 1000) / ticks,
        systemCpuMs: (systemTicks * 1000) / ticks,
        rssBytes: rssKb * 1024,
      };
    },
  };
}

/** The open-files limit of this process (the children inherit it), or undefined off Linux. */
export function openFilesLimit(): { soft: number; hard: number } | undefined {
  try {
    const line = /^Max open files\s+(\d+)\s+(\d+)/mu.exec(
      readFileSync('/proc/self/limits', 'utf8'),
    );
    return line === null ? undefined : { soft: Number(line[1]), hard: Number(line[2]) };
  } catch {
    return undefined;
  }
}
