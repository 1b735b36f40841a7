// Durable storage as operators and users meet it: real servers (in this process, or the command
// line as a child process) on a temporary data directory, killed, restarted, damaged on purpose.
import { randomBytes } from 'node:crypto';
import { appendFile, chmod, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { ConfigError } from '../../server/config.ts';
import { JournalCorruptError, journalFileName, WrongKeyError } from '../../server/db/durable/journal.ts';
import { DataDirectoryBusyError } from '../../server/db/durable/lock.ts';
import { totpCode } from '../../server/identity/totp.ts';
import {
  durableEnv,
  fileHashes,
  flipBit,
  journalFileNames,
  lastJournalFile,
  listFiles,
  otherDataKey,
  plaintextForms,
  recordPositions,
  snapshotFileNames,
  spawnDurableChild,
  stopAbruptly,
  type TempDataDir,
  tempDataDir,
  testDataKey,
  killDurableChildren,
} from '../fixtures/durable.ts';
import { buildUser, type BuiltUser, fakeClock } from '../fixtures/factories.ts';
import { freePort, killAll, spawnServer } from '../fixtures/process.ts';
import { connect, failure, signIn, startTestServer, type TestServer } from '../fixtures/server.ts';

const dirs: TempDataDir[] = [];
const servers: TestServer[] = [];

async function dataDir(): Promise<TempDataDir> {
  const data = await tempDataDir();
  dirs.push(data);
  return data;
}

/** A durable server on `dir` (closed after the test if the test did not). */
async function durableServer(dir: string, options: { clock?: ReturnType<typeof fakeClock>; env?: Record<string, string> } = {}): Promise<TestServer> {
  const server = await startTestServer({ argv: [], env: options.env ?? durableEnv(dir), ...(options.clock ? { clock: options.clock } : {}) });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
  await killDurableChildren();
  await killAll();
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});
afterAll(killDurableChildren);

/** Signs `user` in and rotates the refresh token `times` times; returns the last pair. */
async function signInAndRotate(server: TestServer, user: BuiltUser, times: number) {
  const { api } = server.client();
  let pair = await signIn(api, user, server.clock);
  for (let i = 0; i < times; i++) pair = await api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
  return pair;
}

async function usernames(server: TestServer): Promise<string[]> {
  return (await server.server.db.prisma.user.findMany({ select: { username: true }, orderBy: { username: 'asc' } })).map((u) => u.username);
}

describe('data survives an abrupt stop', () => {
  test('users, sessions and rotated refresh tokens written through a server that was killed (SIGKILL) are all there after a restart', async () => {
    const data = await dataDir();
    const child = await spawnDurableChild(durableEnv(data.dir), [{ username: 'kill.alice' }, { username: 'kill.bob' }, { username: 'kill.carol' }]);
    const client = connect(child.url);
    try {
      // Through the real API, as the workstation does: sign in, rotate refresh tokens, sign one out.
      const pairs = await Promise.all(
        child.users.map(async (user) => {
          let pair = await client.api.identity.signIn.mutate({ username: user.username, password: user.password, code: totpCode(user.totpSecret, new Date()) });
          const used = [pair.refreshToken];
          for (let i = 0; i < 5; i++) {
            pair = await client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
            used.push(pair.refreshToken);
          }
          return { user, pair, used };
        }),
      );
      const [alice, bob, carol] = pairs;
      if (!alice || !bob || !carol) throw new Error('three users expected');
      await connect(child.url, carol.pair.accessToken).api.identity.signOut.mutate();

      child.child.kill('SIGKILL');
      expect(await child.exited).toBe('SIGKILL');
      // A killed server leaves its lock behind; the next start takes it over.
      expect(await listFiles(data.dir)).toContain('LOCK');
      expect(await snapshotFileNames(data.dir)).toEqual([]);

      const restarted = await durableServer(data.dir, { clock: fakeClock(new Date()) });
      const recovery = restarted.server.db.store?.recovery;
      expect(recovery).toMatchObject({ snapshot: undefined, damagedSnapshots: [], tornTail: undefined });
      // Seed, three users, three sign-ins, fifteen rotations, one sign-out, at least.
      expect(recovery?.replayedRecords).toBeGreaterThanOrEqual(1 + 3 + 3 + 15 + 1);
      expect(await usernames(restarted)).toEqual(['kill.alice', 'kill.bob', 'kill.carol']);

      const api = restarted.client().api;
      // The access token from before still works: its signing key comes from the data key.
      expect((await restarted.client(alice.pair.accessToken).api.identity.me.query()).username).toBe('kill.alice');
      expect((await api.identity.refresh.mutate({ refreshToken: alice.pair.refreshToken })).refreshToken).toBeTruthy();
      expect((await api.identity.refresh.mutate({ refreshToken: bob.pair.refreshToken })).refreshToken).toBeTruthy();
      // A token rotated before the crash stays used: presenting it again ends the session.
      expect((await failure(api.identity.refresh.mutate({ refreshToken: bob.used[2] ?? '' }))).data?.appCode).toBe('session_revoked');
      // The sign-out is there too.
      expect((await failure(api.identity.refresh.mutate({ refreshToken: carol.pair.refreshToken }))).data?.appCode).toBe('session_revoked');
    } finally {
      await client.close();
    }
  });

  test('an operator\'s snapshot (SIGUSR2), more writes, then SIGKILL: the restart loads that snapshot and replays only what came after', async () => {
    const data = await dataDir();
    const child = await spawnDurableChild({ ...durableEnv(data.dir), CONSILIUM_LOG_LEVEL: 'info' }, [{ username: 'usr2.user' }]);
    const client = connect(child.url);
    try {
      const [user] = child.users;
      if (!user) throw new Error('no user');
      let pair = await client.api.identity.signIn.mutate({ username: user.username, password: user.password, code: totpCode(user.totpSecret, new Date()) });
      child.child.kill('SIGUSR2');
      await waitFor(() => /snapshot written on request/.test(child.stdout()));
      const [snapshot] = await snapshotFileNames(data.dir);
      for (let i = 0; i < 4; i++) pair = await client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
      child.child.kill('SIGKILL');
      await child.exited;

      const restarted = await durableServer(data.dir, { clock: fakeClock(new Date()) });
      expect(restarted.server.db.store?.recovery).toMatchObject({ snapshot, replayedRecords: 4 });
      expect((await restarted.client().api.identity.refresh.mutate({ refreshToken: pair.refreshToken })).refreshToken).toBeTruthy();
    } finally {
      await client.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  for (const start = Date.now(); !condition(); ) {
    if (Date.now() - start > timeoutMs) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('snapshots', () => {
  test('a snapshot, more writes, a restart: the snapshot is loaded and only the writes after it are replayed; the journal files it covers are gone', async () => {
    const data = await dataDir();
    const clock = fakeClock();
    const first = await durableServer(data.dir, { clock });
    const before = await buildUser(first.server.db, { username: 'before.snapshot' });
    let pair = await signInAndRotate(first, before, 2);
    expect(await journalFileNames(data.dir)).toEqual([journalFileName(1n)]);

    const info = await first.server.snapshot();
    // Everything so far is in the snapshot: the journal holding it is deleted, a new one is begun.
    expect(await snapshotFileNames(data.dir)).toEqual([info.name]);
    expect(await journalFileNames(data.dir)).toEqual([journalFileName(info.seq + 1n)]);
    expect(first.server.db.store?.recordsSinceSnapshot).toBe(0);

    await buildUser(first.server.db, { username: 'after.snapshot' });
    pair = await first.client().api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
    const after = first.server.db.store?.recordsSinceSnapshot ?? 0;
    expect(after).toBe(2);
    await stopAbruptly(first);

    const second = await durableServer(data.dir, { clock });
    expect(second.server.db.store?.recovery).toMatchObject({ snapshot: info.name, snapshotSeq: info.seq, replayedRecords: after, lastSeq: info.seq + BigInt(after) });
    expect(await usernames(second)).toEqual(['after.snapshot', 'before.snapshot']);
    expect((await second.client().api.identity.refresh.mutate({ refreshToken: pair.refreshToken })).refreshToken).toBeTruthy();
  });

  test('a graceful stop takes a snapshot, so the next start has nothing to replay', async () => {
    const data = await dataDir();
    const clock = fakeClock();
    const first = await durableServer(data.dir, { clock });
    await buildUser(first.server.db, { username: 'graceful.user' });
    await first.close();
    expect(await snapshotFileNames(data.dir)).toHaveLength(1);

    const second = await durableServer(data.dir, { clock });
    expect(second.server.db.store?.recovery).toMatchObject({ replayedRecords: 0 });
    expect(second.server.db.store?.recovery.snapshot).toBe((await snapshotFileNames(data.dir))[0]);
    expect(await usernames(second)).toEqual(['graceful.user']);
  });

  test('many snapshots in a day: the newest two are kept, older ones pruned', async () => {
    const data = await dataDir();
    const clock = fakeClock();
    const server = await durableServer(data.dir, { clock });
    const names = [];
    for (let i = 0; i < 5; i++) {
      await buildUser(server.server.db, { username: `pruned.${i}` });
      clock.advance(60_000);
      names.push((await server.server.snapshot()).name);
    }
    expect(await snapshotFileNames(data.dir)).toEqual(names.slice(-2).sort());
  });
});

describe('a torn last record (a write the crash interrupted, never acknowledged)', () => {
  test('garbage after the last record: the server starts, reports it, sets the bytes aside in quarantine/ and keeps everything before', async () => {
    const data = await dataDir();
    const clock = fakeClock();
    const first = await durableServer(data.dir, { clock });
    const user = await buildUser(first.server.db, { username: 'torn.user' });
    const pair = await signInAndRotate(first, user, 3);
    await stopAbruptly(first);

    const journal = await lastJournalFile(data.dir);
    const end = (await stat(journal)).size;
    const garbage = randomBytes(333);
    await appendFile(journal, garbage);

    const second = await durableServer(data.dir, { clock });
    const tornTail = second.server.db.store?.recovery.tornTail;
    expect(tornTail).toMatchObject({ file: basename(journal), offset: end, bytes: 333 });
    expect(tornTail?.savedAs).toMatch(/^quarantine\//);
    expect(await readFile(join(data.dir, tornTail?.savedAs ?? ''))).toEqual(garbage);
    expect((await stat(journal)).size).toBe(end);
    expect(await usernames(second)).toEqual(['torn.user']);
    expect((await second.client().api.identity.refresh.mutate({ refreshToken: pair.refreshToken })).refreshToken).toBeTruthy();
  });

  test('the last record cut short: that write is lost (it was never acknowledged), all before it is there', async () => {
    const data = await dataDir();
    const clock = fakeClock();
    const first = await durableServer(data.dir, { clock });
    await buildUser(first.server.db, { username: 'kept.one' });
    await buildUser(first.server.db, { username: 'kept.two' });
    await buildUser(first.server.db, { username: 'torn.away' });
    await stopAbruptly(first);

    const journal = await lastJournalFile(data.dir);
    const last = (await recordPositions(journal)).at(-1);
    if (!last) throw new Error('no record');
    const lastBytes = (await readFile(journal)).subarray(last.offset, last.offset + 40);
    await truncate(journal, last.offset + 40);

    const second = await durableServer(data.dir, { clock });
    expect(second.server.db.store?.recovery.tornTail).toMatchObject({ file: basename(journal), offset: last.offset, bytes: 40, reason: 'a record cut short at the end' });
    expect(await readFile(join(data.dir, second.server.db.store?.recovery.tornTail?.savedAs ?? ''))).toEqual(lastBytes);
    expect(await usernames(second)).toEqual(['kept.one', 'kept.two']);
    // And the journal continues cleanly: a third start has nothing to set aside.
    await buildUser(second.server.db, { username: 'after.the.tear' });
    await stopAbruptly(second);
    const third = await durableServer(data.dir, { clock });
    expect(third.server.db.store?.recovery.tornTail).toBeUndefined();
    expect(await usernames(third)).toEqual(['after.the.tear', 'kept.one', 'kept.two']);
  });
});

describe('refusals at start: nothing in the data directory is changed', () => {
  /** A data directory with a snapshot and journal records after it, left by an abrupt stop. */
  async function populated(): Promise<TempDataDir> {
    const data = await dataDir();
    const server = await durableServer(data.dir);
    const user = await buildUser(server.server.db, { username: 'refusal.user' });
    await server.server.snapshot();
    await signInAndRotate(server, user, 4);
    await stopAbruptly(server);
    return data;
  }

  async function runCli(env: Record<string, string>) {
    const cli = spawnServer([], { ...env, CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: String(await freePort()), CONSILIUM_LOG_LEVEL: 'warn' });
    return { code: await cli.exited, stderr: cli.stderr(), stdout: cli.stdout() };
  }

  test.each<[string, (offset: number) => number]>([
    ['data', (offset) => offset + 16 + 9],
    ['length field', (offset) => offset + 1],
  ])('a flipped bit in the %s of a record in the middle of the journal: the command line exits non-zero naming the file and byte', async (_part, where) => {
    const data = await populated();
    const journal = await lastJournalFile(data.dir);
    const positions = await recordPositions(journal);
    const middle = positions[Math.floor(positions.length / 2)];
    if (!middle || positions.length < 3) throw new Error('too few records');
    await flipBit(journal, where(middle.offset), 3);
    const before = await fileHashes(data.dir);

    const cli = await runCli(durableEnv(data.dir));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain(`consilium-server: Journal ${basename(journal)} is damaged at byte ${middle.offset} (record ${middle.seq})`);
    expect(cli.stdout).not.toContain('listening');
    expect(await fileHashes(data.dir)).toEqual(before);

    await expect(startTestServer({ argv: [], env: durableEnv(data.dir) })).rejects.toThrow(JournalCorruptError);
    expect(await fileHashes(data.dir)).toEqual(before);
  });

  test('damage in the middle and a torn tail at the end: refused, and the tail is not set aside either', async () => {
    const data = await populated();
    const journal = await lastJournalFile(data.dir);
    const [, second] = await recordPositions(journal);
    if (!second) throw new Error('too few records');
    await flipBit(journal, second.offset + 30);
    await appendFile(journal, randomBytes(100));
    const before = await fileHashes(data.dir);
    await expect(startTestServer({ argv: [], env: durableEnv(data.dir) })).rejects.toThrow(`is damaged at byte ${second.offset}`);
    expect(await fileHashes(data.dir)).toEqual(before);
  });

  test('a wrong data key: the command line exits non-zero saying the key does not fit and nothing was changed', async () => {
    const data = await populated();
    const before = await fileHashes(data.dir);
    expect(Object.keys(before).some((file) => file.startsWith('snapshot-'))).toBe(true);

    const cli = await runCli(durableEnv(data.dir, otherDataKey));
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/consilium-server: The data key does not open (journal|snapshot) /);
    expect(cli.stderr).toContain('Check CONSILIUM_DATA_KEY or CONSILIUM_DATA_KEY_FILE');
    expect(cli.stderr).toContain(`nothing in ${data.dir} was changed`);
    expect(await fileHashes(data.dir)).toEqual(before);

    await expect(startTestServer({ argv: [], env: durableEnv(data.dir, otherDataKey) })).rejects.toThrow(WrongKeyError);
    expect(await fileHashes(data.dir)).toEqual(before);
    // The right key still opens everything.
    const server = await durableServer(data.dir);
    expect(await usernames(server)).toEqual(['refusal.user']);
  });
});

describe('what is on disk', () => {
  test('no personal data in plaintext in any file (journal, snapshots, quarantine); files 0600, directories 0700', async () => {
    const data = await dataDir();
    const clock = fakeClock();
    const distinctive = {
      username: 'xanthippe.quetzalcoatl',
      firstName: 'Xanthippe',
      lastName: 'Quetzalcoatl-Vandenbroucke',
      email: 'xanthippe.qv@zz-hospital.example',
    };
    const first = await durableServer(data.dir, { clock });
    const user = await buildUser(first.server.db, distinctive);
    const stored = await first.server.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    await signInAndRotate(first, user, 2);
    await first.server.snapshot();
    clock.advance(30_000);
    await signInAndRotate(first, user, 3);
    await stopAbruptly(first);
    // A torn tail that is a real record's ciphertext, for the quarantine to hold.
    const journal = await lastJournalFile(data.dir);
    const last = (await recordPositions(journal)).at(-1);
    await truncate(journal, (last?.offset ?? 0) + (last?.size ?? 0) - 7);
    const second = await durableServer(data.dir, { clock });
    expect(second.server.db.store?.recovery.tornTail).toBeDefined();
    // The control: the same scan finds the names in the database image itself.
    const image = second.server.db.sqlite.serialize();
    await second.close();

    const secrets = [...Object.values(distinctive), user.totpSecret, stored.passwordHash];
    const forms = secrets.flatMap((secret) => plaintextForms(secret).map((form) => ({ secret, form })));
    expect(forms.filter(({ form }) => image.includes(form)).map(({ secret }) => secret)).toEqual(expect.arrayContaining([distinctive.lastName, distinctive.email, user.totpSecret]));

    const files = await listFiles(data.dir);
    expect(files.some((f) => f.startsWith('journal-'))).toBe(true);
    expect(files.some((f) => f.startsWith('snapshot-'))).toBe(true);
    expect(files.some((f) => f.startsWith('quarantine/'))).toBe(true);
    for (const file of files) {
      const bytes = await readFile(join(data.dir, file));
      const found = forms.filter(({ form }) => bytes.includes(form)).map(({ secret }) => secret);
      expect({ file, found }).toEqual({ file, found: [] });
      expect({ file, mode: ((await stat(join(data.dir, file))).mode & 0o777).toString(8) }).toEqual({ file, mode: '600' });
    }
    for (const directory of [data.dir, join(data.dir, 'quarantine')]) {
      expect({ directory, mode: ((await stat(directory)).mode & 0o777).toString(8) }).toEqual({ directory, mode: '700' });
    }
  });
});

describe('the data key and the directory', () => {
  test('the data key may come from a file (outside the data directory): the same key as given inline', async () => {
    const data = await dataDir();
    const keyFile = join(data.root, 'consilium.key');
    await writeFile(keyFile, `${testDataKey.toString('base64')}\n`);
    await chmod(keyFile, 0o600);
    const fromFile = await durableServer(data.dir, { env: { CONSILIUM_DATA_DIR: data.dir, CONSILIUM_DATA_KEY_FILE: keyFile } });
    await buildUser(fromFile.server.db, { username: 'key.file.user' });
    await fromFile.close();

    const inline = await durableServer(data.dir);
    expect(await usernames(inline)).toEqual(['key.file.user']);
    await inline.close();
    await expect(startTestServer({ argv: [], env: durableEnv(data.dir, otherDataKey) })).rejects.toThrow(WrongKeyError);
  });

  test('a key file inside the data directory is refused', async () => {
    const data = await dataDir();
    const keyFile = join(data.dir, 'consilium.key');
    await expect(startTestServer({ argv: [], env: { CONSILIUM_DATA_DIR: data.dir, CONSILIUM_DATA_KEY_FILE: keyFile } })).rejects.toThrow(ConfigError);
    await expect(startTestServer({ argv: [], env: { CONSILIUM_DATA_DIR: data.dir, CONSILIUM_DATA_KEY_FILE: keyFile } })).rejects.toThrow('must not be inside CONSILIUM_DATA_DIR');
  });

  test('a second server on the same data directory is refused, in this process and from the command line; the first goes on', async () => {
    const data = await dataDir();
    const first = await durableServer(data.dir);
    await buildUser(first.server.db, { username: 'first.server.user' });

    await expect(startTestServer({ argv: [], env: durableEnv(data.dir) })).rejects.toThrow(DataDirectoryBusyError);
    const cli = spawnServer([], { ...durableEnv(data.dir), CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: String(await freePort()), CONSILIUM_LOG_LEVEL: 'warn' });
    expect(await cli.exited).toBe(2);
    expect(cli.stderr()).toContain(`consilium-server: The data directory ${data.dir} is in use by another Consilium server (process ${process.pid}).`);

    await buildUser(first.server.db, { username: 'still.writing' });
    expect(await usernames(first)).toEqual(['first.server.user', 'still.writing']);
    await first.close();
    const next = await durableServer(data.dir);
    expect(await usernames(next)).toEqual(['first.server.user', 'still.writing']);
  });
});

test('no refusal is mistaken for an empty start: a server given only a fresh directory starts empty', async () => {
  const data = await dataDir();
  const server = await durableServer(data.dir);
  // The report is made before the reference data is seeded (the first record).
  expect(server.server.db.store?.recovery).toMatchObject({ snapshot: undefined, replayedRecords: 0, lastSeq: 0n, tornTail: undefined });
  expect(await usernames(server)).toEqual([]);
});
