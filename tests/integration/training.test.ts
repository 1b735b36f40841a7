// Training mode: the demo accounts' codes for the sign-in page, and what the server says about itself.
import { afterEach, describe, expect, test } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { demoAccounts, demoPassword } from '../../server/demo/accounts.ts';
import { totpCode } from '../../server/identity/totp.ts';
import type { DemoCodes } from '../../server/training/service.ts';
import { fakeClock, seconds } from '../fixtures/factories.ts';
import { listen, startTestServer, type TestServer } from '../fixtures/server.ts';

let running: TestServer | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe('demo codes', () => {
  test('in --demo mode the demoCodes subscription lists every demo account with a code that signs in', async () => {
    const t = (running = await startTestServer({ argv: ['--demo'] }));
    const client = t.client();
    const codes = listen<DemoCodes>((callbacks) => client.api.training.demoCodes.subscribe(undefined, callbacks));
    const first = await codes.data();
    codes.stop();

    expect(first.password).toBe(demoPassword);
    expect(first.accounts.map((a) => a.username).sort()).toEqual(demoAccounts.map((a) => a.username).sort());
    expect(first.accounts.find((a) => a.username === 'claire.martin')).toMatchObject({
      displayName: 'Claire Martin',
      roles: 'HP · ERKNet, HP · ITHACA',
    });
    expect(new Date(first.validUntil).getTime()).toBeGreaterThan(t.clock.now().getTime());

    for (const account of first.accounts) {
      expect(account.code).toMatch(/^\d{6}$/);
      const pair = await client.api.identity.signIn.mutate({ username: account.username, password: first.password, code: account.code });
      const me = await t.client(pair.accessToken).api.identity.me.query();
      expect(me.username).toBe(account.username);
    }
  });

  test('when the codes’ 30-second step ends, the subscription sends the next ones', async () => {
    // The server's clock stands 0.3 s before the end of a step.
    const clock = fakeClock('2030-03-04T09:00:29.700Z');
    const t = (running = await startTestServer({ argv: ['--demo'], clock }));
    const codes = listen<DemoCodes>((callbacks) => t.client().api.training.demoCodes.subscribe(undefined, callbacks));
    const first = await codes.data();
    expect(first.validUntil).toBe('2030-03-04T09:00:30.000Z');

    clock.advance(seconds(1));
    const next = await codes.data((value) => value.validUntil !== first.validUntil);
    codes.stop();
    expect(next.validUntil).toBe('2030-03-04T09:01:00.000Z');
    const claire = (value: DemoCodes) => value.accounts.find((a) => a.username === 'claire.martin');
    const { totpSecret } = await t.server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' }, select: { totpSecret: true } });
    expect(claire(next)?.code).toBe(totpCode(totpSecret, clock.now()));
  });

  test('without training mode the demo codes are not served: NOT_FOUND, training_only', async () => {
    const t = (running = await startTestServer({ argv: ['--ephemeral'] }));
    const codes = listen<DemoCodes>((callbacks) => t.client().api.training.demoCodes.subscribe(undefined, callbacks));
    const error = await codes.error();
    expect(error.data?.appCode).toBe('training_only');
    expect(error.data?.code).toBe('NOT_FOUND');
  });

  test('CONSILIUM_TRAINING=true serves the codes without seeding demo accounts', async () => {
    const t = (running = await startTestServer({ argv: ['--ephemeral'], env: { CONSILIUM_TRAINING: 'true' } }));
    const codes = listen<DemoCodes>((callbacks) => t.client().api.training.demoCodes.subscribe(undefined, callbacks));
    expect((await codes.data()).accounts).toEqual([]);
    codes.stop();
  });
});

describe('system.info', () => {
  test('reports training mode and the package version in --demo mode', async () => {
    const t = (running = await startTestServer({ argv: ['--demo'] }));
    const info = await t.client().api.system.info.query();
    expect(info).toEqual({ version: packageJson.version, training: true, serverTime: t.clock.now().toISOString(), oidc: null, idleLockSeconds: 600, dicom: { maxInstanceBytes: 512 * 1024 * 1024, maxStudyBytes: 4096 * 1024 * 1024 }, pacsUrls: [] });
  });

  test('reports no training mode when started with --ephemeral only', async () => {
    const t = (running = await startTestServer({ argv: ['--ephemeral'] }));
    const info = await t.client().api.system.info.query();
    expect(info.training).toBe(false);
    expect(info.version).toBe(packageJson.version);
  });
});
