/**
 * Shared start-up for the operator commands: splits the command's own
 * options from configuration flags, parses the configuration like the
 * service does, and turns errors into one clear line and an exit code.
 */
import { renderHelp } from '../config-options.js';
import { ConfigError, parseConfig, type Config } from '../config.js';

export interface CommandLine {
  readonly config: Config;
  /** The command's own options (e.g. --out), by name without dashes. */
  readonly options: Readonly<Record<string, string>>;
}

export function readCommandLine(
  command: string,
  ownOptions: readonly string[],
  argv: readonly string[] = process.argv.slice(2),
): CommandLine {
  if (argv.includes('--help') || argv.includes('-h')) {
    const own = ownOptions.map((name) => `--${name}`).join(', ');
    process.stdout.write(
      `${command}: own options: ${own === '' ? '(none)' : own}\n\n${renderHelp(`npm run ${command} --`)}`,
    );
    process.exit(0);
  }
  const options: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag = '', inline] = arg.split(/=(.*)/su, 2);
    const name = flag.replace(/^--/u, '');
    if (flag.startsWith('--') && ownOptions.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) fail(command, `--${name}: missing value`);
      options[name] = value;
    } else {
      rest.push(arg);
    }
  }
  try {
    return { config: parseConfig(process.env, rest), options };
  } catch (error) {
    if (error instanceof ConfigError) fail(command, `invalid configuration: ${error.message}`);
    throw error;
  }
}

export function fail(command: string, message: string): never {
  console.error(`${command}: ${message}`);
  process.exit(2);
}

/** The TURN secret, which these commands need to be the deployment's real one. */
export function requireSharedSecret(command: string, config: Config): string {
  if (config.turn.secretIsEphemeral) {
    fail(
      command,
      'TURN_SECRET is not set: set it to the secret the signaling service uses, so that both agree',
    );
  }
  return config.turn.secret;
}
