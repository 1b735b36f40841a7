// One server per data directory: the LOCK file and who may take it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DataDirectoryBusyError, lockDataDirectory } from '../../../server/db/durable/lock.ts';

let dir: string;
const running: ChildProcess[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'consilium-lock-'));
});
afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await rm(dir, { recursive: true, force: true });
});

/** Another process that lives until the test ends. */
async function liveProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  running.push(child);
  await once(child, 'spawn');
  if (!child.pid) throw new Error('no pid');
  return child.pid;
}

/** The pid of a process that has ended. */
async function deadProcess(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  if (!child.pid) throw new Error('no pid');
  return child.pid;
}

const lockFile = () => join(dir, 'LOCK');

describe('the data directory lock', () => {
  test('holds the owner\'s process id, readable by the owner only; release removes it', async () => {
    const release = await lockDataDirectory(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    expect((await stat(lockFile())).mode & 0o777).toBe(0o600);
    await release();
    await expect(stat(lockFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('is refused while another live process holds it, naming that process; its lock stays', async () => {
    const owner = await liveProcess();
    await writeFile(lockFile(), String(owner));
    const attempt = lockDataDirectory(dir);
    await expect(attempt).rejects.toThrow(DataDirectoryBusyError);
    await expect(attempt).rejects.toThrow(`The data directory ${dir} is in use by another Consilium server (process ${owner}).`);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(owner));
  });

  test('is refused to a second server in this same process', async () => {
    const release = await lockDataDirectory(dir);
    await expect(lockDataDirectory(dir)).rejects.toThrow(DataDirectoryBusyError);
    await expect(lockDataDirectory(join(dir, '.'))).rejects.toThrow(DataDirectoryBusyError);
    await release();
    const again = await lockDataDirectory(dir);
    await again();
  });

  test('two servers in this process asking at the same moment: exactly one gets it', async () => {
    const results = await Promise.allSettled([lockDataDirectory(dir), lockDataDirectory(dir)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')?.reason).toBeInstanceOf(DataDirectoryBusyError);
    for (const result of results) if (result.status === 'fulfilled') await result.value();
  });

  test('left by a process that was killed: taken over', async () => {
    await writeFile(lockFile(), String(await deadProcess()));
    const release = await lockDataDirectory(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    await release();
  });

  test('naming our own pid but not held here (an earlier process had the same pid, as in containers): taken over', async () => {
    await writeFile(lockFile(), String(process.pid));
    const release = await lockDataDirectory(dir);
    await release();
  });

  test.each([['empty', ''], ['garbage', 'not a pid\n']])('%s (the owner died while writing it): taken over', async (_what, content) => {
    await writeFile(lockFile(), content);
    const release = await lockDataDirectory(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    await release();
  });

  test('releasing twice does not remove the next owner\'s lock', async () => {
    const first = await lockDataDirectory(dir);
    await first();
    const second = await lockDataDirectory(dir);
    await first();
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    await expect(lockDataDirectory(dir)).rejects.toThrow(DataDirectoryBusyError);
    await second();
  });
});
