// Preloaded into a server process by the crash harness and the journal benchmark
// (`node --import tsx --import ./bench/crash/sync-recorder.ts ...`); inert unless
// CRASH_HARNESS_SYNC_LOG names a file. After each completed fsync of a journal file it appends
// "<file name>\t<size when the fsync started>" to that file: the bytes that fsync made durable. A
// simulated power loss may then drop whatever lies beyond them. The server's own code is untouched:
// this wraps FileHandle.sync/datasync, and the line is written before the fsync's caller resumes,
// so anything the server acknowledged after an fsync is covered by a line.
import { appendFileSync, fstatSync, readlinkSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';

const journalName = /^journal-\d{20}\.log$/;
const logPath = process.env.CRASH_HARNESS_SYNC_LOG;

if (logPath) {
  const probe = await open(process.execPath, 'r');
  const proto = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  // The name when first synced (a later readlink would say "(deleted)" after an unlink).
  const names = new WeakMap<FileHandle, string | null>();
  const journalFile = (handle: FileHandle): string | null => {
    let name = names.get(handle);
    if (name === undefined) {
      try {
        name = basename(readlinkSync(`/proc/self/fd/${handle.fd}`));
      } catch {
        name = null;
      }
      if (name !== null && !journalName.test(name)) name = null;
      names.set(handle, name);
    }
    return name;
  };
  for (const method of ['sync', 'datasync'] as const) {
    const original = proto[method];
    proto[method] = async function (this: FileHandle): Promise<void> {
      const name = journalFile(this);
      const size = name === null ? 0 : fstatSync(this.fd).size;
      await original.call(this);
      if (name !== null) appendFileSync(logPath, `${name}\t${size}\n`);
    };
  }
}
