import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmbeddedTurn, verifyTurnCredential, type EmbeddedTurn } from '@mayfly/turn';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI_DIR = path.resolve(import.meta.dirname, '../src/cli');
const SECRET = 'cli-test-secret-0123456789abcdef';

/** Runs an operator command as npm would, and returns its exit code and output. */
async function command(name: string, env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(CLI_DIR, `${name}.ts`), ...args],
      { env: { PATH: process.env.PATH, ...env } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let turn: EmbeddedTurn | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await turn?.close();
  turn = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('operator commands', () => {
  it('turn-credential prints a credential the secret verifies', async () => {
    const result = await command('turn-credential', { TURN_SECRET: SECRET });
    expect(result.code).toBe(0);
    const minted = JSON.parse(result.stdout) as {
      username: string;
      credential: string;
      ttl: number;
    };
    expect(minted.ttl).toBe(86_400);
    expect(verifyTurnCredential({ secret: SECRET, ...minted }).ok).toBe(true);
  });

  it('refuses to mint or render without the shared secret', async () => {
    for (const name of ['turn-credential', 'coturn-config', 'turn-check']) {
      const result = await command(name, {});
      expect(result.code, name).toBe(2);
      expect(result.stderr).toContain('TURN_SECRET is not set');
    }
  });

  it('coturn-config writes an owner-only turnserver.conf matching the configuration', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-cli-'));
    dirs.push(dir);
    const out = path.join(dir, 'turnserver.conf');
    const result = await command(
      'coturn-config',
      { TURN_SECRET: SECRET, TURN_REALM: 'chat.example', TURN_PORT: '3479' },
      ['--out', out, '--turn-external-ip', '203.0.113.7'],
    );
    expect(result.code).toBe(0);
    const conf = readFileSync(out, 'utf8');
    expect(conf).toContain(`static-auth-secret=${SECRET}`);
    expect(conf).toContain('realm=chat.example');
    expect(conf).toContain('listening-port=3479');
    expect(conf).toContain('external-ip=203.0.113.7');
    expect(conf).toContain('denied-peer-ip=::ffff:127.0.0.0-::ffff:127.255.255.255');
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it('coturn-config serves TURN over TLS with the given certificate, on 443 unless told otherwise', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mayfly-cli-'));
    dirs.push(dir);
    const out = path.join(dir, 'turnserver.conf');
    const tls = ['--tls-cert', '/certs/turn.crt', '--tls-key', '/certs/turn.key'];
    const onDefault = await command('coturn-config', { TURN_SECRET: SECRET }, [
      '--out',
      out,
      ...tls,
    ]);
    expect(onDefault.code).toBe(0);
    const conf = readFileSync(out, 'utf8');
    expect(conf).toMatch(/^tls-listening-port=443$/mu);
    expect(conf).toMatch(/^cert=\/certs\/turn\.crt$/mu);
    expect(conf).toMatch(/^pkey=\/certs\/turn\.key$/mu);
    expect(conf).not.toMatch(/^no-tls$/mu);

    const on5349 = await command('coturn-config', { TURN_SECRET: SECRET }, [
      ...tls,
      '--tls-port',
      '5349',
    ]);
    expect(on5349.stdout).toMatch(/^tls-listening-port=5349$/mu);

    const halves = [
      ['--tls-cert', '/certs/turn.crt'],
      ['--tls-port', '443'],
      [...tls, '--tls-port', 'x'],
    ];
    for (const args of halves) {
      const refused = await command('coturn-config', { TURN_SECRET: SECRET }, args);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(/^coturn-config: --tls-/u);
    }
  });

  it('turn-check allocates on a TURN server and confirms the metadata address is refused', async () => {
    turn = await startEmbeddedTurn({
      port: 0,
      listenAddress: '127.0.0.1',
      secret: SECRET,
      realm: 'mayfly',
    });
    const ok = await command('turn-check', { TURN_SECRET: SECRET, TURN_PORT: String(turn.port) });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/allocation\s+ok, relayed address 127\.0\.0\.1:\d+/u);
    expect(ok.stdout).toMatch(/round trip\s+[\d.]+ ms/u);
    expect(ok.stdout).toContain('169.254.169.254 refused (403)');

    const badTimeout = await command('turn-check', { TURN_SECRET: SECRET }, [
      '--timeout-ms',
      'soon',
    ]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--timeout-ms: expected milliseconds');

    const wrong = await command('turn-check', {
      TURN_SECRET: 'a-different-secret-0123456789',
      TURN_PORT: String(turn.port),
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('"status":401');
  });
});
