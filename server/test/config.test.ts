import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig, parseFlags } from '../src/config.js';

describe('config', () => {
  it('has documented defaults', () => {
    const config = parseConfig({});
    expect(config.port).toBe(3000);
    expect(config.log.retentionDays).toBe(30);
    expect(config.matching).toEqual({
      interestWaitMs: 5000,
      skipMemoryMs: 600_000,
      resumeGraceMs: 20_000,
      languageWaitMs: 10_000,
      languageOnlyWaitMs: 120_000,
    });
    expect(config.limits.maxMessageBytes).toBe(65_536);
    expect(config.limits.rateLimitDisconnectAfter).toBe(100);
    expect(config.limits.connectTimeoutMs).toBe(10_000);
    expect(config.http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 });
    expect(config.turn.mode).toBe('embedded');
    expect(config.turn.secretIsEphemeral).toBe(true);
    expect(config.turn.secret.length).toBeGreaterThanOrEqual(32);
    expect(config.relayByDefault).toBe(false);
    expect(config.safeStartByDefault).toBe(true);
    expect(config.pow).toMatchObject({
      mode: 'off',
      autoConnectionsPerMinute: 600,
      difficulty: 1_000_000,
      secretIsEphemeral: true,
    });
  });

  it('is frozen all the way down', () => {
    const config = parseConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.log)).toBe(true);
    expect(Object.isFrozen(config.allowedOrigins)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_RETENTION_DAYS: '0' }, 'LOG_RETENTION_DAYS'],
    [{ LOG_RETENTION_DAYS: '1.5' }, 'LOG_RETENTION_DAYS'],
    [{ RELAY_DEFAULT: 'maybe' }, 'RELAY_DEFAULT'],
    [{ SAFE_START_DEFAULT: 'blurry' }, 'SAFE_START_DEFAULT'],
    [{ POW: 'sometimes' }, 'POW'],
    [{ POW_DIFFICULTY: '10' }, 'POW_DIFFICULTY'],
    [{ POW_SECRET: 'short' }, 'POW_SECRET'],
    [{ POW: 'auto', REDIS_URL: 'redis://127.0.0.1:6379' }, 'POW_SECRET'],
    [{ ALLOWED_ORIGINS: 'chat.example' }, 'ALLOWED_ORIGINS'],
    [{ ALLOWED_ORIGINS: 'https://chat.example/path' }, 'ALLOWED_ORIGINS'],
    [{ TURN_MODE: 'sometimes' }, 'TURN_MODE'],
    [{ TURN_SECRET: 'short' }, 'TURN_SECRET'],
    [{ TURN_MODE: 'external', TURN_SECRET: 'x'.repeat(20) }, 'TURN_URLS'],
    [{ TURN_MODE: 'external', TURN_URLS: 'turn:turn.example:3478' }, 'TURN_SECRET'],
    [{ TURN_URLS: 'http://turn.example' }, 'TURN_URLS'],
    [{ TURN_ALLOWED_PEERS: '10.1.2.3/8' }, 'TURN_ALLOWED_PEERS'],
    [{ TURN_ALLOWED_PEERS: 'intranet' }, 'TURN_ALLOWED_PEERS'],
    [{ TURN_EXTERNAL_IP: 'turn.example' }, 'TURN_EXTERNAL_IP'],
    [{ TURN_LISTEN_ADDRESS: '0.0.0.0.0' }, 'TURN_LISTEN_ADDRESS'],
    [{ RATE_LIMIT_DISCONNECT_AFTER: '0' }, 'RATE_LIMIT_DISCONNECT_AFTER'],
    [{ REQUEST_TIMEOUT_MS: '5000' }, 'REQUEST_TIMEOUT_MS'],
    [{ HANDSHAKE_TIMEOUT_MS: '60000' }, 'REQUEST_TIMEOUT_MS'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => parseConfig(env)).toThrowError(ConfigError);
    try {
      parseConfig(env);
    } catch (error) {
      expect((error as ConfigError).variable).toBe(variable);
      expect((error as ConfigError).message).toMatch(new RegExp(`^${variable}: `, 'u'));
    }
  });

  it('reads flags in kebab case, over the environment', () => {
    const config = parseConfig({ PORT: '4000' }, ['--port', '5000', '--log-retention-days=7']);
    expect(config.port).toBe(5000);
    expect(config.log.retentionDays).toBe(7);
  });

  it('refuses unknown flags and flags without a value', () => {
    expect(() => parseFlags(['--colour', 'blue'])).toThrowError('--colour: unknown option');
    expect(() => parseFlags(['--port'])).toThrowError('--port: missing value');
    expect(() => parseFlags(['3000'])).toThrowError(ConfigError);
  });

  it('normalizes allowed origins', () => {
    const config = parseConfig({ ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443/' });
    expect(config.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
  });
});
