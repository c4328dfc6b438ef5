/**
 * The benchmark's child processes: servers and load generators. Every child
 * is registered here so that a run that fails or is interrupted leaves none
 * behind, and each is stopped with SIGTERM first, SIGKILL if it lingers.
 */
import { type ChildProcess, fork, type ForkOptions, spawn } from 'node:child_process';
import path from 'node:path';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** Runs TypeScript sources of this repository as they are, no build needed. */
export const TYPESCRIPT_EXEC_ARGV = ['--conditions=source', '--import', 'tsx'];

const STOP_TIMEOUT_MS = 10_000;

export class Children {
  private readonly running = new Set<ChildProcess>();

  /**
   * A script as a process of its own, with stdout and stderr piped to us: a TypeScript file runs
   * through tsx, a JavaScript file as node runs it; `nodeFlags` go to node before the file (e.g.
   * V8's heap sizes); `wrapper` runs node (e.g. under valgrind).
   */
  spawnScript(
    file: string,
    env: Readonly<Record<string, string>>,
    nodeFlags: readonly string[] = [],
    wrapper: readonly string[] = [],
  ): ChildProcess {
    const loader = file.endsWith('.ts') ? TYPESCRIPT_EXEC_ARGV : [];
    const command = [...wrapper, process.execPath, ...nodeFlags, ...loader, file];
    const child = spawn(command[0] ?? process.execPath, command.slice(1), {
      cwd: REPO_ROOT,
      env: { ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.track(child);
  }

  /** Any command, with stdout and stderr piped to us (read them, or the pipe fills up). */
  spawnCommand(command: string, args: readonly string[]): ChildProcess {
    const child = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Drained even when nobody listens: a full pipe would block the child's writes.
    child.stdout?.resume();
    child.stderr?.resume();
    return this.track(child);
  }

  /** Any command, its output going to our stderr (stdout may be carrying the JSON report). */
  spawnToStderr(command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 2, 2] });
    return this.track(child);
  }

  /** A TypeScript file with an IPC channel (structured clone, so NaN survives). */
  forkScript(file: string, options: ForkOptions = {}): ChildProcess {
    const child = fork(file, [], {
      cwd: REPO_ROOT,
      execArgv: TYPESCRIPT_EXEC_ARGV,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      ...options,
    });
    return this.track(child);
  }

  private track(child: ChildProcess): ChildProcess {
    this.running.add(child);
    child.once('exit', () => this.running.delete(child));
    return child;
  }

  /** SIGTERM, then SIGKILL after a while; resolves once it has exited. */
  async stop(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** Last resort, from an exit handler: nothing asynchronous is possible there. */
  killAll(): void {
    for (const child of this.running) child.kill('SIGKILL');
  }
}
