// Signing in, sessions and tokens, through the real client over HTTP and WebSocket.
import { afterEach, describe, expect, test, vi } from 'vitest';
import { demoPassword } from '../../server/demo/accounts.ts';
import { totpCode } from '../../server/identity/totp.ts';
import { buildUser, minutes, seconds, wrongCode } from '../fixtures/factories.ts';
import { type ApiError, failure, listen, signIn, startTestServer, type TestServer, type TestServerOptions } from '../fixtures/server.ts';

let running: TestServer | undefined;

async function start(options: TestServerOptions = {}): Promise<TestServer> {
  running = await startTestServer(options);
  return running;
}

afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** A server with one ordinary user, and a client for them. */
async function withUser(options: TestServerOptions = {}) {
  const t = await start(options);
  const user = await buildUser(t.server.db);
  return { t, user, clock: t.clock, client: t.client() };
}

async function failedSignIns(t: TestServer, userId: string) {
  const row = await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { failedSignIns: true, lockedUntil: true } });
  return row;
}

describe('signing in', () => {
  test('a demo user signs in and sees their own ERN memberships', async () => {
    const t = await start({ argv: ['--demo'] });
    const { totpSecret } = await t.server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' }, select: { totpSecret: true } });
    const client = t.client();
    const pair = await client.api.identity.signIn.mutate({ username: 'claire.martin', password: demoPassword, code: totpCode(totpSecret, t.clock.now()) });
    expect(new Date(pair.accessTokenExpiresAt).getTime()).toBe(t.clock.now().getTime() + seconds(300));

    client.token = pair.accessToken;
    const me = await client.api.identity.me.query();
    expect(me).toMatchObject({ username: 'claire.martin', firstName: 'Claire', lastName: 'Martin', hcp: { code: 'FR10', countryCode: 'FR' } });
    expect(me.memberships.map(({ ernId, role }) => ({ ernId, role }))).toEqual([
      { ernId: 'ERKNet', role: 'HP' },
      { ernId: 'ITHACA', role: 'HP' },
    ]);
    expect(me.memberships[0]?.ernFullName).toBe('Kidney Diseases');
  });

  test('a wrong password is refused as invalid credentials', async () => {
    const { user, clock, client } = await withUser();
    const error = await failure(client.api.identity.signIn.mutate({ username: user.username, password: 'not the password', code: user.code(clock) }));
    expect(error.data?.appCode).toBe('invalid_credentials');
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.httpStatus).toBe(401);
  });

  test('an unknown username gets exactly the answer a wrong password gets', async () => {
    const { user, clock, client } = await withUser();
    const unknown = await failure(client.api.identity.signIn.mutate({ username: 'nobody.here', password: 'whatever', code: '123456' }));
    const wrong = await failure(client.api.identity.signIn.mutate({ username: user.username, password: 'not the password', code: user.code(clock) }));
    expect(unknown.data?.appCode).toBe('invalid_credentials');
    expect({ message: unknown.message, data: unknown.data }).toEqual({ message: wrong.message, data: wrong.data });
  });

  test('a wrong one-time code is refused as wrong_code', async () => {
    const { user, clock, client } = await withUser();
    const error = await failure(client.api.identity.signIn.mutate({ username: user.username, password: user.password, code: wrongCode(user.totpSecret, clock) }));
    expect(error.data?.appCode).toBe('wrong_code');
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  test('a one-time code that was already used is refused as code_already_used, even within its step', async () => {
    const { user, clock, client } = await withUser();
    const code = user.code(clock);
    await client.api.identity.signIn.mutate({ username: user.username, password: user.password, code });
    clock.advance(seconds(5));
    const error = await failure(client.api.identity.signIn.mutate({ username: user.username, password: user.password, code }));
    expect(error.data?.appCode).toBe('code_already_used');
    // The next step's code works.
    clock.advance(seconds(30));
    await expect(signIn(client.api, user, clock)).resolves.toHaveProperty('accessToken');
  });

  test('a deactivated account is refused even with the right password and code', async () => {
    const t = await start();
    const user = await buildUser(t.server.db, { status: 'deactivated' });
    const error = await failure(signIn(t.client().api, user, t.clock));
    expect(error.data?.appCode).toBe('account_deactivated');
    expect(error.data?.code).toBe('FORBIDDEN');
  });

  test('deactivating a signed-in user ends their access', async () => {
    const { t, user, clock, client } = await withUser();
    client.token = (await signIn(client.api, user, clock)).accessToken;
    await t.server.db.prisma.user.update({ where: { id: user.id }, data: { status: 'deactivated' } });
    expect((await failure(client.api.identity.me.query())).data?.appCode).toBe('account_deactivated');
  });
});

describe('failed sign-ins', () => {
  test('five consecutive failures lock the account for 15 minutes, even against the right password', async () => {
    const { t, user, clock, client } = await withUser();
    const attempt = (password: string) =>
      failure(client.api.identity.signIn.mutate({ username: user.username, password, code: user.code(clock) }));

    for (let i = 1; i <= 4; i += 1) {
      expect((await attempt('not the password')).data?.appCode).toBe('invalid_credentials');
      clock.advance(seconds(10)); // beyond the throttle's wait, which is not what this test is about
    }
    const locked = await attempt('not the password');
    const lockedAt = clock.now().getTime();
    expect(locked.data?.appCode).toBe('account_locked');
    expect(locked.data?.code).toBe('FORBIDDEN');
    expect(locked.data?.details.until).toBe(new Date(lockedAt + minutes(15)).toISOString());

    clock.advance(minutes(5));
    const stillLocked = await attempt(user.password);
    expect(stillLocked.data?.appCode).toBe('account_locked');
    expect(stillLocked.data?.details.until).toBe(locked.data?.details.until);

    clock.advance(minutes(10) + seconds(1));
    await expect(signIn(client.api, user, clock)).resolves.toHaveProperty('accessToken');
    expect(await failedSignIns(t, user.id)).toEqual({ failedSignIns: 0, lockedUntil: null });
  });

  test('wrong codes count towards the lock like wrong passwords', async () => {
    const { user, clock, client } = await withUser();
    const codes: string[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const error = await failure(client.api.identity.signIn.mutate({ username: user.username, password: user.password, code: wrongCode(user.totpSecret, clock) }));
      codes.push(error.data?.appCode ?? '');
      clock.advance(seconds(10));
    }
    expect(codes).toEqual(['wrong_code', 'wrong_code', 'wrong_code', 'wrong_code', 'account_locked']);
  });

  test('a successful sign-in resets the count of failures', async () => {
    const { t, user, clock, client } = await withUser();
    for (let i = 1; i <= 4; i += 1) {
      await failure(client.api.identity.signIn.mutate({ username: user.username, password: 'nope', code: user.code(clock) }));
      clock.advance(seconds(10));
    }
    expect((await failedSignIns(t, user.id)).failedSignIns).toBe(4);
    await signIn(client.api, user, clock);
    expect((await failedSignIns(t, user.id)).failedSignIns).toBe(0);
    clock.advance(seconds(30));
    const error = await failure(client.api.identity.signIn.mutate({ username: user.username, password: 'nope', code: user.code(clock) }));
    expect(error.data?.appCode).toBe('invalid_credentials');
  });

  test('rapid failures are slowed down with too_many_attempts and a doubling retryAfterSeconds', async () => {
    const { user, clock, client } = await withUser();
    const wrongPassword = () => client.api.identity.signIn.mutate({ username: user.username, password: 'nope', code: user.code(clock) });
    for (let i = 1; i <= 3; i += 1) expect((await failure(wrongPassword())).data?.appCode).toBe('invalid_credentials');

    const throttled = await failure(signIn(client.api, user, clock));
    expect(throttled.data?.appCode).toBe('too_many_attempts');
    expect(throttled.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(throttled.data?.httpStatus).toBe(429);
    expect(throttled.data?.details.retryAfterSeconds).toBe(1);

    clock.advance(seconds(1));
    expect((await failure(wrongPassword())).data?.appCode).toBe('invalid_credentials');
    expect((await failure(wrongPassword())).data?.details.retryAfterSeconds).toBe(2);

    clock.advance(seconds(2));
    await expect(signIn(client.api, user, clock)).resolves.toHaveProperty('accessToken');
  });

  test('a successful sign-in lifts the slow-down: the next mistake is free again', async () => {
    const { user, clock, client } = await withUser();
    const wrongPassword = () => client.api.identity.signIn.mutate({ username: user.username, password: 'nope', code: user.code(clock) });
    for (let i = 1; i <= 3; i += 1) await failure(wrongPassword());
    clock.advance(seconds(1));
    await signIn(client.api, user, clock);
    expect((await failure(wrongPassword())).data?.appCode).toBe('invalid_credentials');
    expect((await failure(wrongPassword())).data?.appCode).toBe('invalid_credentials');
  });

  test('failures from one address slow down attempts on other accounts from it too', async () => {
    const { t, user, clock, client } = await withUser();
    const other = await buildUser(t.server.db);
    for (let i = 1; i <= 3; i += 1) {
      await failure(client.api.identity.signIn.mutate({ username: user.username, password: 'nope', code: user.code(clock) }));
    }
    expect((await failure(signIn(client.api, other, clock))).data?.appCode).toBe('too_many_attempts');
  });
});

describe('attempts made in parallel', () => {
  // The client batches calls made together into one HTTP request, which the server runs concurrently.
  const guesses = (n: number) => Array.from({ length: n }, (_, i) => `guess number ${i}`);

  test('a burst of guesses gets no more free tries than guesses made one by one', async () => {
    const { user, clock, client } = await withUser();
    const attempts = [...guesses(11), user.password].map((password) =>
      failure(client.api.identity.signIn.mutate({ username: user.username, password, code: user.code(clock) })),
    );
    const codes = (await Promise.all(attempts)).map((error) => error.data?.appCode);
    expect(codes.filter((code) => code === 'invalid_credentials')).toHaveLength(3);
    expect(codes.filter((code) => code === 'too_many_attempts')).toHaveLength(9);
  });

  test('concurrent failures all count towards the lock', async () => {
    const { t, user, clock, client } = await withUser();
    const burst = () =>
      Promise.all(guesses(3).map((password) => failure(client.api.identity.signIn.mutate({ username: user.username, password, code: user.code(clock) }))));
    await burst();
    expect((await failedSignIns(t, user.id)).failedSignIns).toBe(3);
    clock.advance(minutes(16)); // the throttle forgets; consecutive failures do not
    const codes = (await burst()).map((error) => error.data?.appCode);
    expect(codes).toContain('account_locked');
    clock.advance(seconds(10));
    expect((await failure(signIn(client.api, user, clock))).data?.appCode).toBe('account_locked');
  });

  test('the same code sent twice at once signs in only once', async () => {
    const { t, user, clock, client } = await withUser();
    const code = user.code(clock);
    const results = await Promise.allSettled([1, 2].map(() => client.api.identity.signIn.mutate({ username: user.username, password: user.password, code })));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.status === 'rejected' && (refused.reason as ApiError).data?.appCode).toBe('code_already_used');
    expect(await t.server.db.prisma.session.count({ where: { userId: user.id } })).toBe(1);
  });
});

describe('access tokens', () => {
  test('identity.me without a token is refused as not_signed_in', async () => {
    const t = await start();
    const error = await failure(t.client().api.identity.me.query());
    expect(error.data?.appCode).toBe('not_signed_in');
    expect(error.data?.httpStatus).toBe(401);
  });

  test('a garbage bearer token is refused as token_invalid', async () => {
    const t = await start();
    const error = await failure(t.client('garbage.not.ajwt').api.identity.me.query());
    expect(error.data?.appCode).toBe('token_invalid');
  });

  test('an access token past its lifetime is refused as token_expired, and a refresh gives a working pair', async () => {
    const { user, clock, client } = await withUser();
    const pair = await signIn(client.api, user, clock);
    client.token = pair.accessToken;
    clock.advance(seconds(301));
    expect((await failure(client.api.identity.me.query())).data?.appCode).toBe('token_expired');

    const next = await client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
    expect(next.accessToken).not.toBe(pair.accessToken);
    expect(next.refreshToken).not.toBe(pair.refreshToken);
    client.token = next.accessToken;
    expect((await client.api.identity.me.query()).username).toBe(user.username);
  });
});

describe('refresh token rotation', () => {
  test('reusing a rotated refresh token ends the whole session, live', async () => {
    const { t, user, clock, client } = await withUser();
    const first = await signIn(client.api, user, clock);
    client.token = first.accessToken;

    const ended = listen<{ reason: string }>((callbacks) => client.api.identity.sessionEnded.subscribe(undefined, callbacks));
    await ended.started;
    await vi.waitFor(() => expect(t.server.services.identity.sessionEvents.listenerCount('ended')).toBe(1));

    clock.advance(seconds(10));
    const second = await client.api.identity.refresh.mutate({ refreshToken: first.refreshToken });
    clock.advance(seconds(10));
    const reuse = await failure(client.api.identity.refresh.mutate({ refreshToken: first.refreshToken }));
    expect(reuse.data?.appCode).toBe('session_revoked');

    expect(await ended.data()).toEqual({ reason: 'token_reuse' });
    expect((await failure(client.api.identity.refresh.mutate({ refreshToken: second.refreshToken }))).data?.appCode).toBe('session_revoked');
    client.token = second.accessToken;
    expect((await failure(client.api.identity.me.query())).data?.appCode).toBe('session_revoked');
  });

  test('reuse ends only that session, not the user’s other sessions', async () => {
    const { user, clock, client } = await withUser();
    const stolen = await signIn(client.api, user, clock);
    clock.advance(seconds(30));
    const other = await signIn(client.api, user, clock);
    await client.api.identity.refresh.mutate({ refreshToken: stolen.refreshToken });
    await failure(client.api.identity.refresh.mutate({ refreshToken: stolen.refreshToken }));
    client.token = other.accessToken;
    expect((await client.api.identity.me.query()).username).toBe(user.username);
  });

  test('an unknown refresh token is refused', async () => {
    const t = await start();
    const error = await failure(t.client().api.identity.refresh.mutate({ refreshToken: 'A'.repeat(43) }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.appCode).toBe('session_expired');
  });
});

describe('ending sessions', () => {
  test('after signing out, the access token and the refresh token are refused', async () => {
    const { user, clock, client } = await withUser();
    const pair = await signIn(client.api, user, clock);
    client.token = pair.accessToken;
    expect(await client.api.identity.signOut.mutate()).toEqual({ ok: true });
    expect((await failure(client.api.identity.me.query())).data?.appCode).toBe('session_revoked');
    expect((await failure(client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken }))).data?.appCode).toBe('session_revoked');
  });

  test('a session idle for longer than CONSILIUM_SESSION_IDLE_SECONDS expires; activity keeps it alive', async () => {
    const { user, clock, client } = await withUser({ env: { CONSILIUM_SESSION_IDLE_SECONDS: '600', CONSILIUM_ACCESS_TOKEN_SECONDS: '7200' } });
    client.token = (await signIn(client.api, user, clock)).accessToken;
    clock.advance(seconds(500));
    await client.api.identity.me.query(); // activity: the idle period starts again
    clock.advance(seconds(500));
    await client.api.identity.me.query();
    clock.advance(seconds(601));
    const error = await failure(client.api.identity.me.query());
    expect(error.data?.appCode).toBe('session_expired');
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  test('an idle session cannot be revived with its refresh token', async () => {
    const { user, clock, client } = await withUser({ env: { CONSILIUM_SESSION_IDLE_SECONDS: '600' } });
    const pair = await signIn(client.api, user, clock);
    clock.advance(seconds(601));
    expect((await failure(client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken }))).data?.appCode).toBe('session_expired');
  });

  test('a session ends after CONSILIUM_SESSION_MAX_SECONDS however active it is', async () => {
    const { user, clock, client } = await withUser({ env: { CONSILIUM_SESSION_MAX_SECONDS: '3600', CONSILIUM_SESSION_IDLE_SECONDS: '1800' } });
    let pair = await signIn(client.api, user, clock);
    for (let i = 0; i < 3; i += 1) {
      clock.advance(minutes(19));
      pair = await client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
    }
    clock.advance(minutes(4)); // 61 minutes after signing in, 4 minutes after the last refresh
    const error = await failure(client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken }));
    expect(error.data?.appCode).toBe('session_expired');
    client.token = pair.accessToken;
    expect((await failure(client.api.identity.me.query())).data?.appCode).toBe('session_expired');
  });

  test('revoking all of a user’s sessions ends each of them, and tells the connected client', async () => {
    const { t, user, clock, client } = await withUser();
    const bystander = await buildUser(t.server.db);
    const first = await signIn(client.api, user, clock);
    clock.advance(seconds(30));
    const second = await signIn(client.api, user, clock);
    const theirs = await signIn(client.api, bystander, clock);

    client.token = first.accessToken;
    const ended = listen<{ reason: string }>((callbacks) => client.api.identity.sessionEnded.subscribe(undefined, callbacks));
    await ended.started;
    await vi.waitFor(() => expect(t.server.services.identity.sessionEvents.listenerCount('ended')).toBe(1));

    await t.server.services.identity.revokeAllSessions(user.id);
    expect(await ended.data()).toEqual({ reason: 'revoked' });
    for (const token of [first.accessToken, second.accessToken]) {
      expect((await failure(t.client(token).api.identity.me.query())).data?.appCode).toBe('session_revoked');
    }
    expect((await failure(client.api.identity.refresh.mutate({ refreshToken: second.refreshToken }))).data?.appCode).toBe('session_revoked');
    expect((await t.client(theirs.accessToken).api.identity.me.query()).username).toBe(bystander.username);
  });
});

describe('malformed input', () => {
  test.each([
    { field: 'code', input: (u: { username: string; password: string }) => ({ ...u, code: 'abc' }) },
    { field: 'username', input: (u: { username: string; password: string }) => ({ password: u.password, code: '123456' }) },
    { field: 'password', input: (u: { username: string; password: string }) => ({ username: u.username, password: 'x'.repeat(1025), code: '123456' }) },
  ])('a sign-in with a bad $field is refused as invalid_input naming the field, changing nothing', async ({ field, input }) => {
    const { t, user, client } = await withUser();
    const before = await failedSignIns(t, user.id);
    // @ts-expect-error deliberately malformed input, as a broken or hostile client would send it
    const error = await failure(client.api.identity.signIn.mutate(input(user)));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(error.data?.appCode).toBe('invalid_input');
    expect(Object.keys(error.data?.fields ?? {})).toEqual([field]);
    expect(error.message).toContain(field);
    expect(await failedSignIns(t, user.id)).toEqual(before);
    expect(await t.server.db.prisma.session.count()).toBe(0);
  });

  test('malformed input does not count towards the throttle', async () => {
    const { user, clock, client } = await withUser();
    for (let i = 0; i < 6; i += 1) {
      await failure(client.api.identity.signIn.mutate({ username: user.username, password: user.password, code: 'abc' }));
    }
    await expect(signIn(client.api, user, clock)).resolves.toHaveProperty('accessToken');
  });

  test('a refresh with something that is not a refresh token is refused as invalid_input', async () => {
    const t = await start();
    const error = await failure(t.client().api.identity.refresh.mutate({ refreshToken: 'short' }));
    expect(error.data?.appCode).toBe('invalid_input');
    expect(error.data?.fields).toHaveProperty('refreshToken');
  });
});
