import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.ts';
import { thrown } from '../../fixtures/errors.ts';

const configError = (run: () => unknown): Promise<ConfigError> => thrown(run, ConfigError);

describe('loadConfig', () => {
  test('without settings the server listens on 127.0.0.1:4500, not in training, with the default lifetimes', async () => {
    const config = loadConfig({ CONSILIUM_RENDERER_DIR: '/srv/renderer' }, ['--ephemeral']);
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 4500,
      ephemeral: true,
      training: false,
      demo: false,
      tokenKey: undefined,
      accessTokenSeconds: 300,
      sessionIdleSeconds: 30 * 60,
      sessionMaxSeconds: 12 * 60 * 60,
      rendererDir: '/srv/renderer',
      logLevel: 'info',
      storage: undefined,
      snapshotSeconds: 3600,
      jobsSeconds: 300,
      idleLockSeconds: 600,
      maxFileBytes: 100 * 1024 * 1024,
      identityKey: undefined,
      dicom: { maxInstanceBytes: 512 * 1024 * 1024, maxStudyBytes: 4096 * 1024 * 1024 },
      pacsUrls: [],
    });
  });

  test('reads the PACS DICOMweb roots (http or https, comma-separated) and refuses others, naming the variable', async () => {
    const config = loadConfig({ CONSILIUM_PACS_URLS: ' https://pacs.example.org/dicom-web/ , http://10.0.0.5:8042/dicom-web' }, ['--ephemeral']);
    expect(config.pacsUrls).toEqual(['https://pacs.example.org/dicom-web', 'http://10.0.0.5:8042/dicom-web']);
    expect((await configError(() => loadConfig({ CONSILIUM_PACS_URLS: 'ftp://pacs.example.org/' }))).message).toContain('CONSILIUM_PACS_URLS');
  });

  test('reads the DICOMweb limits in MiB and refuses nonsense, naming the variable', async () => {
    const config = loadConfig({ CONSILIUM_DICOM_MAX_INSTANCE_MB: '8', CONSILIUM_DICOM_MAX_STUDY_MB: '100' }, ['--ephemeral']);
    expect(config.dicom).toEqual({ maxInstanceBytes: 8 * 1024 * 1024, maxStudyBytes: 100 * 1024 * 1024 });
    expect((await configError(() => loadConfig({ CONSILIUM_DICOM_MAX_STUDY_MB: '0' }))).message).toContain('CONSILIUM_DICOM_MAX_STUDY_MB');
    expect((await configError(() => loadConfig({ CONSILIUM_DICOM_MAX_INSTANCE_MB: 'lots' }))).message).toContain('CONSILIUM_DICOM_MAX_INSTANCE_MB');
  });

  test('reads the settings from the environment', async () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      CONSILIUM_HOST: '0.0.0.0',
      CONSILIUM_PORT: '8443',
      CONSILIUM_TRAINING: 'yes',
      CONSILIUM_TOKEN_KEY: key,
      CONSILIUM_ACCESS_TOKEN_SECONDS: '60',
      CONSILIUM_SESSION_IDLE_SECONDS: '600',
      CONSILIUM_SESSION_MAX_SECONDS: '3600',
      CONSILIUM_LOG_LEVEL: 'warn',
    }, ['--ephemeral']);
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8443,
      training: true,
      demo: false,
      accessTokenSeconds: 60,
      sessionIdleSeconds: 600,
      sessionMaxSeconds: 3600,
      logLevel: 'warn',
    });
    expect(config.tokenKey).toEqual(new Uint8Array(Buffer.alloc(32, 7)));
  });

  test.each(['abc', '70000', '-1', '80.5', ' '])('refuses CONSILIUM_PORT=%s and names the variable', async (port) => {
    const error = await configError(() => loadConfig({ CONSILIUM_PORT: port }));
    expect(error.message).toContain('CONSILIUM_PORT');
  });

  test('refuses an empty CONSILIUM_PORT rather than listening on a random port', async () => {
    const error = await configError(() => loadConfig({ CONSILIUM_PORT: '' }));
    expect(error.message).toContain('CONSILIUM_PORT');
  });

  test('CONSILIUM_PORT=0 asks for any free port', async () => {
    expect(loadConfig({ CONSILIUM_PORT: '0' }, ['--ephemeral']).port).toBe(0);
  });

  test('names every bad variable at once', async () => {
    const error = await configError(() => loadConfig({ CONSILIUM_PORT: 'abc', CONSILIUM_LOG_LEVEL: 'loud', CONSILIUM_TRAINING: 'maybe' }));
    expect(error.message).toContain('CONSILIUM_PORT');
    expect(error.message).toContain('CONSILIUM_LOG_LEVEL');
    expect(error.message).toContain('CONSILIUM_TRAINING');
  });

  test('refuses a token key shorter than 32 bytes, naming the variable', async () => {
    const error = await configError(() => loadConfig({ CONSILIUM_TOKEN_KEY: Buffer.alloc(16).toString('base64') }));
    expect(error.message).toContain('CONSILIUM_TOKEN_KEY');
  });

  test('reads the file size limit in MiB and refuses one that is not a positive whole number', async () => {
    expect(loadConfig({ CONSILIUM_MAX_FILE_MB: '25' }, ['--ephemeral']).maxFileBytes).toBe(25 * 1024 * 1024);
    for (const value of ['0', '-5', '1.5', 'lots', '4096']) {
      expect((await configError(() => loadConfig({ CONSILIUM_MAX_FILE_MB: value }, ['--ephemeral']))).message).toContain('CONSILIUM_MAX_FILE_MB');
    }
  });

  test('refuses a session lifetime of zero', async () => {
    expect((await configError(() => loadConfig({ CONSILIUM_SESSION_IDLE_SECONDS: '0' }))).message).toContain('CONSILIUM_SESSION_IDLE_SECONDS');
  });

  test('refuses an unknown command-line option and lists the known ones', async () => {
    const error = await configError(() => loadConfig({}, ['--ephemeral', '--durable']));
    expect(error.message).toContain('--durable');
    expect(error.message).toContain('--ephemeral');
    expect(error.message).toContain('--demo');
  });

  test('--ephemeral keeps everything in memory without training mode', async () => {
    expect(loadConfig({}, ['--ephemeral'])).toMatchObject({ ephemeral: true, training: false, demo: false });
  });

  test('--demo implies training mode and memory-only storage', async () => {
    expect(loadConfig({}, ['--demo'])).toMatchObject({ demo: true, training: true, ephemeral: true });
  });

  describe('storage', () => {
    const key = Buffer.alloc(32, 9).toString('base64');

    test('without a data directory or --ephemeral it refuses, explaining both ways', async () => {
      const error = await configError(() => loadConfig({}));
      expect(error.message).toContain('CONSILIUM_DATA_DIR');
      expect(error.message).toContain('--ephemeral');
    });

    test('a data directory with its key makes the server durable', async () => {
      const config = loadConfig({ CONSILIUM_DATA_DIR: '/var/lib/consilium', CONSILIUM_DATA_KEY: key });
      expect(config.ephemeral).toBe(false);
      expect(config.storage).toEqual({ dir: '/var/lib/consilium', dataKey: Buffer.alloc(32, 9) });
    });

    test('a data directory without a key is refused', async () => {
      expect((await configError(() => loadConfig({ CONSILIUM_DATA_DIR: '/var/lib/consilium' }))).message).toContain('CONSILIUM_DATA_KEY');
    });

    test('a key of the wrong length is refused, naming the variable', async () => {
      const error = await configError(() => loadConfig({ CONSILIUM_DATA_DIR: '/d', CONSILIUM_DATA_KEY: Buffer.alloc(16).toString('base64') }));
      expect(error.message).toContain('CONSILIUM_DATA_KEY');
      expect(error.message).toContain('16 bytes');
    });

    test('a key file inside the data directory is refused', async () => {
      const error = await configError(() => loadConfig({ CONSILIUM_DATA_DIR: '/var/lib/consilium', CONSILIUM_DATA_KEY_FILE: '/var/lib/consilium/key' }));
      expect(error.message).toContain('must not be inside');
    });

    test('an unreadable key file is named', async () => {
      const error = await configError(() => loadConfig({ CONSILIUM_DATA_DIR: '/d', CONSILIUM_DATA_KEY_FILE: '/nonexistent/consilium.key' }));
      expect(error.message).toContain('/nonexistent/consilium.key');
    });
  });

  describe('sign-in through an OpenID Connect provider', () => {
    const oidc = (env: Record<string, string>) => loadConfig(env, ['--ephemeral']);

    test('is off unless an issuer is set', () => {
      expect(oidc({}).oidc).toBeUndefined();
      expect(oidc({}).publicUrl).toBeUndefined();
    });

    test('reads issuer, client, secret, name and scopes', () => {
      const config = oidc({
        CONSILIUM_OIDC_ISSUER: 'https://ecas.example.eu/cas/oauth2',
        CONSILIUM_OIDC_CLIENT_ID: 'consilium-prod',
        CONSILIUM_OIDC_CLIENT_SECRET: 's3cret',
        CONSILIUM_OIDC_NAME: 'EU Login',
        CONSILIUM_OIDC_SCOPES: 'openid email profile',
        CONSILIUM_PUBLIC_URL: 'https://consilium.example.eu/',
      });
      expect(config.oidc).toEqual({
        issuer: 'https://ecas.example.eu/cas/oauth2',
        clientId: 'consilium-prod',
        clientSecret: 's3cret',
        name: 'EU Login',
        scopes: 'openid email profile',
        allowInsecureHttp: false,
      });
      expect(config.publicUrl).toBe('https://consilium.example.eu');
    });

    test('without a secret is a public client; the name defaults to the issuer’s host', () => {
      const config = oidc({ CONSILIUM_OIDC_ISSUER: 'https://login.example.org', CONSILIUM_OIDC_CLIENT_ID: 'consilium' });
      expect(config.oidc).toMatchObject({ clientSecret: undefined, name: 'login.example.org', scopes: 'openid email profile' });
    });

    test('plain http is allowed only for an issuer on the loopback interface', async () => {
      expect(oidc({ CONSILIUM_OIDC_ISSUER: 'http://127.0.0.1:9000', CONSILIUM_OIDC_CLIENT_ID: 'c' }).oidc?.allowInsecureHttp).toBe(true);
      const error = await configError(() => oidc({ CONSILIUM_OIDC_ISSUER: 'http://login.example.org', CONSILIUM_OIDC_CLIENT_ID: 'c' }));
      expect(error.message).toContain('CONSILIUM_OIDC_ISSUER');
      expect(error.message).toContain('https://');
    });

    test.each([
      [{ CONSILIUM_OIDC_ISSUER: 'https://login.example.org' }, 'CONSILIUM_OIDC_CLIENT_ID'],
      [{ CONSILIUM_OIDC_CLIENT_ID: 'consilium' }, 'CONSILIUM_OIDC_ISSUER'],
      [{ CONSILIUM_OIDC_ISSUER: 'https://login.example.org', CONSILIUM_OIDC_CLIENT_ID: 'c', CONSILIUM_OIDC_SCOPES: 'email profile' }, 'must include openid'],
      [{ CONSILIUM_OIDC_ISSUER: 'not a url', CONSILIUM_OIDC_CLIENT_ID: 'c' }, 'CONSILIUM_OIDC_ISSUER'],
      [{ CONSILIUM_PUBLIC_URL: 'ftp://consilium.example.eu' }, 'CONSILIUM_PUBLIC_URL'],
    ])('incomplete or bad settings are refused, naming the variable (%o)', async (env, named) => {
      expect((await configError(() => oidc(env))).message).toContain(named);
    });
  });
});
