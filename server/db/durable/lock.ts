// One server per data directory: a lock file holding the owner's process id.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export class DataDirectoryBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock, or throws if a live process holds it; returns the release function. */
export async function lockDataDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => unlink(path).catch(() => undefined);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && alive(owner)) {
        throw new DataDirectoryBusyError(`The data directory ${dir} is in use by another Consilium server (process ${owner}).`);
      }
      // Left behind by a server that was killed: take it over.
      await unlink(path).catch(() => undefined);
    }
  }
  throw new DataDirectoryBusyError(`Could not lock the data directory ${dir}.`);
}
