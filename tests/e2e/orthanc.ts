// A real DICOMweb peer for the viewer's tests and benchmark: Debian's Orthanc with its DICOMweb
// plugin, started on 127.0.0.1 with a throw-away storage directory, stopped by its pid.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../fixtures/process.ts';

export const orthancPath = process.env.ORTHANC_PATH ?? '/usr/sbin/Orthanc';
export const dicomWebPlugin = process.env.ORTHANC_DICOMWEB_PLUGIN ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** How to get Orthanc when it is missing, instead of a failure to spawn. */
export function missingOrthancAdvice(): string | undefined {
  if (existsSync(orthancPath) && existsSync(dicomWebPlugin)) return undefined;
  return [
    `Orthanc with its DICOMweb plugin was not found (${orthancPath}, ${dicomWebPlugin}).`,
    'The viewer tests load their studies from a real DICOMweb server. Install it with:',
    '  sudo apt-get update && sudo apt-get install -y orthanc orthanc-dicomweb',
    'or point ORTHANC_PATH and ORTHANC_DICOMWEB_PLUGIN at an Orthanc executable and its plugin.',
  ].join('\n');
}

export interface Orthanc {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** `${url}/dicom-web` */
  readonly dicomWebUrl: string;
  /** Stores Part 10 files (REST API, one request each). */
  store(files: readonly Buffer[]): Promise<void>;
  close(): Promise<void>;
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited at start (code ${child.exitCode}):\n${log()}`);
    const ok = await fetch(`${url}/dicom-web/studies`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Orthanc did not answer within 30 s:\n${log()}`);
}

/** Starts an empty Orthanc on free loopback ports; DICOM networking off, HTTP only. */
export async function startOrthanc(): Promise<Orthanc> {
  const advice = missingOrthancAdvice();
  if (advice) throw new Error(advice);
  const dir = await mkdtemp(join(tmpdir(), 'consilium-orthanc-'));
  const port = await freePort();
  const config = {
    Name: 'consilium-test',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'index'),
    HttpPort: port,
    HttpBindAddress: '127.0.0.1',
    DicomServerEnabled: false,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    StorageCompression: false,
    // Orthanc closes kept-alive connections after 1 s, under the test's pooled HTTP client's feet.
    KeepAlive: false,
    Plugins: [dicomWebPlugin],
    DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, StudiesMetadata: 'Full', SeriesMetadata: 'Full' },
  };
  const configPath = join(dir, 'orthanc.json');
  await writeFile(configPath, JSON.stringify(config));
  const child = spawn(orthancPath, [configPath], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log = (log + chunk).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => log);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    dicomWebUrl: `${url}/dicom-web`,
    async store(files) {
      for (const file of files) {
        const response = await fetch(`${url}/instances`, { method: 'POST', body: new Uint8Array(file), headers: { 'content-type': 'application/dicom' } });
        if (!response.ok) throw new Error(`Orthanc refused an instance: HTTP ${response.status} ${await response.text()}`);
      }
    },
    close: stop,
  };
}
