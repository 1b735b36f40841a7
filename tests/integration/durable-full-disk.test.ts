// A full disk under a running durable server: a small tmpfs is mounted as its data directory (this
// needs root on Linux; elsewhere the tests are skipped, saying why). Writes that cannot be made
// durable fail with a clear error and take no effect; once space is freed, writes work again.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { JournalUnavailableError } from '../../server/db/durable/journal.ts';
import { hashRefreshToken } from '../../server/identity/tokens.ts';
import { durableEnv, fileHashes, stopAbruptly } from '../fixtures/durable.ts';
import { buildUser, type BuiltUser, fakeClock } from '../fixtures/factories.ts';
import { type ApiError, failure, signIn, startTestServer, type TestServer } from '../fixtures/server.ts';

const root = mkdtempSync(join(tmpdir(), 'consilium-full-disk-'));
const disk = join(root, 'disk');
mkdirSync(disk);

function unmount(): void {
  try {
    execFileSync('umount', ['-l', disk], { stdio: 'ignore' });
  } catch {
    // Not mounted.
  }
}

/** Why a tmpfs cannot be mounted here, or undefined once it is mounted. */
const cannotMount = ((): string | undefined => {
  if (process.platform !== 'linux') return `this is ${process.platform}, not Linux`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'consilium-test', disk], { stdio: 'pipe' });
    // Whatever happens to this test process, the mount must not outlive it.
    process.once('exit', unmount);
    return undefined;
  } catch (error) {
    return `mount failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  }
})();

if (cannotMount) console.warn(`durable-full-disk: SKIPPED, cannot mount a small tmpfs as the data directory (${cannotMount}).`);

afterAll(() => {
  unmount();
  rmSync(root, { recursive: true, force: true });
});

const dataDir = join(disk, 'data');
const filler = join(disk, 'filler');

/** Fills the disk to the last byte; returns how many bytes it took. */
async function fillDisk(): Promise<number> {
  const file = await open(filler, 'a');
  let written = 0;
  try {
    for (const size of [1024 * 1024, 64 * 1024, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size, 0xee);
      for (;;) {
        try {
          const { bytesWritten } = await file.write(chunk);
          written += bytesWritten;
          if (bytesWritten < size) break;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    await file.close();
  }
  return written;
}

async function freeDisk(): Promise<void> {
  await rm(filler, { force: true });
}

async function attempt<T>(call: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectStorageUnavailable(error: unknown): void {
  const apiError = error as ApiError;
  expect(apiError.message).toBe('storage_unavailable');
  expect(apiError.data).toMatchObject({ appCode: 'storage_unavailable', code: 'SERVICE_UNAVAILABLE', httpStatus: 503 });
}

describe.skipIf(cannotMount !== undefined)(`a full disk${cannotMount ? ` (SKIPPED: ${cannotMount})` : ''}`, () => {
  test('writes fail with storage_unavailable and take no effect; reads go on; after space is freed, writes work again without a restart; after a restart every acknowledged write is there', async () => {
    const clock = fakeClock();
    let server: TestServer | undefined = await startTestServer({ argv: [], env: durableEnv(dataDir), clock });
    try {
      const users: BuiltUser[] = [];
      for (let i = 0; i < 4; i++) users.push(await buildUser(server.server.db, { username: `full.disk.${i}` }));
      const { api } = server.client();
      const sessions = [];
      // One after another: sign-ins from one address at once would be throttled.
      for (const user of users) sessions.push({ user, pair: await signIn(api, user, clock) });

      expect(await fillDisk()).toBeGreaterThan(0);

      // Rotate every session's refresh token, all at once, round after round, until the disk refuses.
      const acknowledged: string[] = [];
      const refused: Array<{ presented: string; error: unknown }> = [];
      for (let round = 0; round < 200 && refused.length === 0; round++) {
        await Promise.all(
          sessions.map(async (session) => {
            const presented = session.pair.refreshToken;
            const result = await attempt(api.identity.refresh.mutate({ refreshToken: presented }));
            if (result.ok) {
              session.pair = result.value;
              acknowledged.push(result.value.refreshToken);
            } else {
              refused.push({ presented, error: result.error });
            }
          }),
        );
      }
      expect(refused.length, 'the disk never refused a write').toBeGreaterThan(0);
      // The client sees an error the workstation can name: not an internal error.
      for (const { error } of refused) expectStorageUnavailable(error);

      // Further writes are refused before they touch the database, through the API and below it.
      expect(server.server.db.store?.writable).toBe(false);
      const [first] = sessions;
      if (!first) throw new Error('no session');
      expectStorageUnavailable(await failure(api.identity.refresh.mutate({ refreshToken: first.pair.refreshToken })));
      await expect(buildUser(server.server.db, { username: 'written.while.full' })).rejects.toThrow(JournalUnavailableError);
      // Reading goes on.
      expect((await server.client(first.pair.accessToken).api.identity.me.query()).username).toBe(first.user.username);

      // A refused rotation took no effect: its refresh token is still unused.
      for (const { presented } of refused) {
        const token = await server.server.db.prisma.refreshToken.findUnique({ where: { tokenHash: hashRefreshToken(presented) } });
        expect(token?.usedAt).toBeNull();
      }

      await freeDisk();
      // The journal retries every second: wait for writes to be accepted again, without a restart.
      await expect.poll(() => server?.server.db.store?.writable, { timeout: 10_000, interval: 100 }).toBe(true);
      for (const session of sessions) {
        // The same refresh token whose rotation was refused works now (no token-reuse alarm).
        session.pair = await api.identity.refresh.mutate({ refreshToken: session.pair.refreshToken });
        acknowledged.push(session.pair.refreshToken);
      }
      await buildUser(server.server.db, { username: 'written.after.freeing' });

      await stopAbruptly(server);
      server = await startTestServer({ argv: [], env: durableEnv(dataDir), clock });
      const recovery = server.server.db.store?.recovery;
      // What the failed writes put in the file was cut off again at once: nothing torn to set aside.
      expect(recovery?.tornTail).toBeUndefined();
      const prisma = server.server.db.prisma;
      expect((await prisma.user.findMany({ select: { username: true }, orderBy: { username: 'asc' } })).map((u) => u.username)).toEqual([
        'full.disk.0',
        'full.disk.1',
        'full.disk.2',
        'full.disk.3',
        'written.after.freeing',
      ]);
      // Every acknowledged rotation is there; the refused ones are not (each session: 1 from
      // signing in, plus one per acknowledged rotation).
      const stored = await prisma.refreshToken.findMany({ select: { tokenHash: true } });
      const storedHashes = new Set(stored.map((t) => t.tokenHash));
      for (const token of acknowledged) expect(storedHashes.has(hashRefreshToken(token))).toBe(true);
      expect(stored).toHaveLength(sessions.length + acknowledged.length);
      for (const session of sessions) {
        expect((await server.client().api.identity.refresh.mutate({ refreshToken: session.pair.refreshToken })).refreshToken).toBeTruthy();
      }
    } finally {
      await freeDisk();
      await server?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a graceful stop while the disk is full does not hang, and loses nothing acknowledged', async () => {
    const clock = fakeClock();
    let server = await startTestServer({ argv: [], env: durableEnv(dataDir), clock });
    try {
      const acknowledged = [(await buildUser(server.server.db, { username: 'stopping.while.full' })).username];
      await fillDisk();
      let refusedOne = false;
      for (let i = 0; i < 200 && !refusedOne; i++) {
        const username = `filling.${String(i).padStart(3, '0')}`;
        if ((await attempt(buildUser(server.server.db, { username }))).ok) acknowledged.push(username);
        else refusedOne = true;
      }
      expect(refusedOne).toBe(true);
      // The snapshot at shutdown cannot be written; the stop goes on regardless.
      await server.close();
      const after = await fileHashes(dataDir);
      expect(Object.keys(after).some((name) => name.endsWith('.tmp'))).toBe(false);

      await freeDisk();
      server = await startTestServer({ argv: [], env: durableEnv(dataDir), clock });
      expect((await server.server.db.prisma.user.findMany({ select: { username: true }, orderBy: { username: 'asc' } })).map((u) => u.username)).toEqual(acknowledged.sort());
    } finally {
      await freeDisk();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
