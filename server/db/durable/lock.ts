// One server per data directory: a lock file holding the owner's process id.
import { readFile, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export class DataDirectoryBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Lock files this process holds. A lock file naming our own pid is either one of these (a second
 * server in this process: refused) or left by an earlier process that had the same pid, as happens
 * in containers (taken over).
 */
const heldHere = new Set<string>();

/** Takes the directory's lock, or throws if a live process holds it; returns the release function. */
export async function lockDataDirectory(dir: string): Promise<() => Promise<void>> {
  const path = join(resolve(dir), 'LOCK');
  if (heldHere.has(path)) {
    throw new DataDirectoryBusyError(`The data directory ${dir} is in use by another Consilium server (process ${process.pid}, this one).`);
  }
  heldHere.add(path);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await writeFile(path, String(process.pid), { flag: 'wx', mode: 0o600 });
        let released = false;
        return async () => {
          if (released) return;
          released = true;
          heldHere.delete(path);
          await unlink(path).catch(() => undefined);
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
        if (owner && owner !== process.pid && alive(owner)) {
          throw new DataDirectoryBusyError(
            `The data directory ${dir} is in use by another Consilium server (process ${owner}). ` +
              `If no server runs there, ${path} is stale (its process id was reused): delete it.`,
          );
        }
        // Left behind by a server that was killed: take it over.
        await unlink(path).catch(() => undefined);
      }
    }
    throw new DataDirectoryBusyError(`Could not lock the data directory ${dir}.`);
  } catch (error) {
    heldHere.delete(path);
    throw error;
  }
}
