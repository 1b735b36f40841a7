// Key rotation: `npm run data:rekey` writes the whole state (database and blobs) under a new key into a new directory,
// which then starts with the new key only; the old directory is left exactly as it was.
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { buildUser } from '../fixtures/factories.ts';
import { durableEnv, fileHashes, otherDataKey, stopAbruptly, tempDataDir, testDataKey, type TempDataDir } from '../fixtures/durable.ts';
import { spawnServer } from '../fixtures/process.ts';
import { signIn, startTestServer } from '../fixtures/server.ts';

const dirs: TempDataDir[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

/** Runs the rekey command as an operator would. */
async function rekey(env: Record<string, string>, target: string) {
  const run = spawnServer(['--to', target], env, { script: 'server/rekey.ts' });
  return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
}

test('re-encrypts a data directory under a new key without touching the old one', async () => {
  const data = await tempDataDir();
  dirs.push(data);
  const first = await startTestServer({ argv: [], env: durableEnv(data.dir) });
  const user = await buildUser(first.server.db, { lastName: 'Rekeyed' });
  const pair = await signIn(first.client().api, user, first.clock);
  const report = await first.server.blobs.put(Buffer.from('signed consent form, page 1'));
  await stopAbruptly(first);
  const before = await fileHashes(data.dir);

  const target = join(data.root, 'rekeyed');
  const result = await rekey({ ...durableEnv(data.dir), CONSILIUM_NEW_DATA_KEY: otherDataKey.toString('base64') }, target);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toContain('under the new key');
  expect(await fileHashes(data.dir)).toEqual(before);

  const moved = await startTestServer({ argv: [], env: durableEnv(target, otherDataKey), clock: first.clock });
  expect(moved.server.db.store?.recovery.snapshot).toMatch(/^snapshot-/);
  const found = await moved.server.db.prisma.user.findUnique({ where: { id: user.id }, select: { lastName: true } });
  expect(found?.lastName).toBe('Rekeyed');
  expect((await moved.client().api.identity.refresh.mutate({ refreshToken: pair.refreshToken })).refreshToken).toBeTruthy();
  expect((await moved.server.blobs.read(report.id)).toString()).toBe('signed consent form, page 1');
  await moved.close();

  const withOldKey = spawnServer([], { ...durableEnv(target, testDataKey), CONSILIUM_PORT: '0' });
  expect(await withOldKey.exited).not.toBe(0);
  expect(withOldKey.stderr()).toContain('data key');
});

test('refuses a target that is not empty, and the same key twice', async () => {
  const data = await tempDataDir();
  dirs.push(data);
  const server = await startTestServer({ argv: [], env: durableEnv(data.dir) });
  await stopAbruptly(server);

  const sameKey = await rekey({ ...durableEnv(data.dir), CONSILIUM_NEW_DATA_KEY: testDataKey.toString('base64') }, join(data.root, 'x'));
  expect(sameKey.code).not.toBe(0);
  expect(sameKey.stderr).toContain('same as the current one');

  const notEmpty = await rekey({ ...durableEnv(data.dir), CONSILIUM_NEW_DATA_KEY: otherDataKey.toString('base64') }, data.dir);
  expect(notEmpty.code).not.toBe(0);
  expect(notEmpty.stderr).toContain('not empty');
});
