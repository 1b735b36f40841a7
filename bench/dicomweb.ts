// DICOMweb throughput, Consilium against Orthanc on the same files: STOW-RS ingest (instances/s, MB/s)
// and WADO-RS frame retrieval (frames/s, sequential and 4 at a time). Consilium is durable (blobs
// encrypted at rest, index journaled and fsynced); each server runs in its own process (Consilium:
// this file with --serve), the client here. Orthanc: Debian orthanc + orthanc-dicomweb, HTTP
// compression off (on loopback it would measure zlib).
// Series: tests/fixtures' CT slices, ../shared/dicom/ct-series and large-series when present.
//
//   npx tsx bench/run.ts dicomweb [--rounds 3]
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadConfig } from '../server/config.ts';
import { totpCode } from '../server/identity/totp.ts';
import { startServer } from '../server/server.ts';
import { multipart, parts, textOf, withAttributes } from '../tests/fixtures/dicom.ts';
import { enrolPatientKeys } from '../tests/fixtures/dicomweb.ts';
import { buildUser } from '../tests/fixtures/factories.ts';
import { orthancMissing, startOrthanc } from '../tests/fixtures/orthanc.ts';
import { connect } from '../tests/fixtures/server.ts';
import { spawnChildServer } from './crash/server-process.ts';

interface Series {
  readonly name: string;
  readonly files: readonly Buffer[];
}

/** The shared test set beside the repository (../shared), or beside a worktree's parent. */
const shared = ['../../shared/dicom/', '../../../shared/dicom/'].map((path) => fileURLToPath(new URL(path, import.meta.url))).find((path) => existsSync(path)) ?? '';

function seriesToMeasure(): Series[] {
  const read = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.dcm')).sort().map((f) => readFileSync(join(dir, f)));
  const list: Series[] = [];
  const sharedCt = join(shared, 'ct-series/philips-head-phantom-5mm');
  if (existsSync(sharedCt)) list.push({ name: 'CT 12 x 512x512 (shared ct-series)', files: read(sharedCt) });
  else {
    console.log('(../shared/dicom not found: measuring the 4 CT slices of tests/fixtures only)');
    list.push({ name: 'CT 4 x 512x512 (fixtures)', files: read(fileURLToPath(new URL('../tests/fixtures/dicom/ct-series/', import.meta.url))) });
  }
  const large = join(shared, 'large-series/uih-mr-t1-3d-sag-160');
  if (existsSync(large)) list.push({ name: 'MR 160 x 512x460 (shared large-series)', files: read(large) });
  else console.log('(../shared/dicom/large-series not found: skipped)');
  list.push({ name: 'US cine, 1 instance x 30 JPEG frames (fixtures)', files: [readFileSync(fileURLToPath(new URL('../tests/fixtures/dicom/transfer-syntax/us_jpeg-baseline_30frames.dcm', import.meta.url)))] });
  const xa = join(shared, 'transfer-syntax/xa_jpeg-baseline_96frames.dcm');
  if (existsSync(xa)) list.push({ name: 'XA, 1 instance x 96 JPEG frames (shared)', files: [readFileSync(xa)] });
  return list;
}

/** Copies of a series under new UIDs (so every round stores new instances), de-identified. */
function freshCopies(series: Series, round: number): Buffer[] {
  const root = `2.25.${BigInt(`0x${randomBytes(12).toString('hex')}`)}`;
  return series.files.map((file, i) =>
    withAttributes(file, {
      '00100020': `BENCH-${round}`,
      '0020000D': `${root}.1`,
      '0020000E': `${root}.1.1`,
      '00080018': `${root}.1.1.${i + 1}`,
      '00020003': `${root}.1.1.${i + 1}`,
    }),
  );
}

interface Target {
  readonly label: string;
  readonly base: string;
  readonly headers: Record<string, string>;
}

async function stow(target: Target, files: readonly Buffer[]): Promise<number> {
  const { contentType, body } = multipart(files);
  const started = performance.now();
  const response = await fetch(`${target.base}/studies`, { method: 'POST', headers: { ...target.headers, 'content-type': contentType, accept: 'application/dicom+json' }, body });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${target.label} STOW answered ${response.status}`);
  return performance.now() - started;
}

/** Every frame's URL of the stored instances, in order, repeated until there are at least `minimum`. */
function frameUrls(target: Target, files: readonly Buffer[], minimum: number): string[] {
  const once = files.flatMap((file) => {
    const instance = `${target.base}/studies/${textOf(file, '0020000D')}/series/${textOf(file, '0020000E')}/instances/${textOf(file, '00080018')}`;
    const frames = Number(textOf(file, '00280008') || '1');
    return Array.from({ length: frames }, (_, i) => `${instance}/frames/${i + 1}`);
  });
  const urls: string[] = [];
  while (urls.length < minimum) urls.push(...once);
  return urls;
}

/**
 * Native frames are asked for as Explicit VR Little Endian pixels, compressed ones as stored
 * (Orthanc 1.7 refuses transfer-syntax=* for some native syntaxes, and would decode compressed ones).
 */
function frameAccept(file: Buffer): string {
  const native = ['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2'].includes(textOf(file, '00020010'));
  return native ? 'multipart/related; type="application/octet-stream"' : 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
}

async function fetchFrames(target: Target, urls: readonly string[], concurrency: number, accept: string): Promise<{ ms: number; bytes: number }> {
  let next = 0;
  let bytes = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < urls.length) {
      const url = urls[next++] as string;
      const response = await fetch(url, { headers: { ...target.headers, accept } });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`${target.label} frame answered ${response.status}`);
      bytes += parts(response.headers.get('content-type') ?? '', body)[0]?.body.length ?? 0;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { ms: performance.now() - started, bytes };
}

/** Frame requests per measured window: every instance's first frame, repeated to at least this many. */
const framesPerWindow = 200;
const frameUrlsCount = (framesInSeries: number) => Math.ceil(framesPerWindow / framesInSeries) * framesInSeries;

function row(label: string, value: number, unit: string, baseline: number | undefined): string {
  const ratio = baseline === undefined ? 'baseline' : `${(value / baseline).toFixed(2)}x`;
  return `${label.padEnd(40)}${value.toFixed(1).padStart(10)} ${unit.padEnd(12)}${ratio.padStart(10)}`;
}

/** The child: a durable server with one user and their patients, then one line telling the parent where and who. */
async function serve(): Promise<void> {
  const server = await startServer(loadConfig(process.env, []));
  const user = await buildUser(server.db);
  // Images belong to enrolled patients (PatientID = pseudonymous id): one per round, the user's own.
  await enrolPatientKeys(server.db.prisma, user.id, new Date(), Array.from({ length: 100 }, (_, round) => `BENCH-${round}`));
  console.log(`BENCH-READY ${JSON.stringify({ url: server.url, username: user.username, password: user.password, secret: user.totpSecret })}`);
}

export async function benchDicomWeb(options: { rounds: number }): Promise<void> {
  const missing = orthancMissing();
  if (missing) {
    console.log(`\nDICOMweb: skipped. ${missing}`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'consilium-bench-dicomweb-'));
  const child = spawnChildServer({
    script: 'bench/dicomweb.ts',
    args: ['--serve'],
    env: { CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'warn', CONSILIUM_DATA_DIR: join(dir, 'data'), CONSILIUM_DATA_KEY: randomBytes(32).toString('base64') },
  });
  const orthanc = await startOrthanc();
  try {
    const [, json] = await child.waitForOutput(/BENCH-READY (.*)\n/, 120_000);
    const ready = JSON.parse(json ?? '{}') as { url: string; username: string; password: string; secret: string };
    const client = connect(ready.url);
    const pair = await client.api.identity.signIn.mutate({ username: ready.username, password: ready.password, code: totpCode(ready.secret, new Date()) });
    await client.close();
    const targets: Target[] = [
      { label: 'Orthanc 1.10 + DICOMweb 1.7', base: `${orthanc.url}/dicom-web`, headers: {} },
      { label: 'Consilium (durable, encrypted)', base: `${ready.url}/dicom-web`, headers: { authorization: `Bearer ${pair.accessToken}` } },
    ];

    for (const series of seriesToMeasure()) {
      const megabytes = series.files.reduce((sum, f) => sum + f.length, 0) / 1e6;
      const ingest = new Map<string, number[]>();
      const sequential = new Map<string, number[]>();
      const parallel = new Map<string, number[]>();
      // Round 0 warms both servers up (first requests, JIT, caches) and is not counted.
      for (let round = 0; round <= options.rounds; round++) {
        const copies = freshCopies(series, round);
        // Alternate who goes first, so neither always meets a warm or a cold disk cache.
        const order = round % 2 === 0 ? targets : [...targets].reverse();
        for (const target of order) {
          const record = (samples: Map<string, number[]>, ms: number) => {
            if (round > 0) (samples.get(target.label) ?? samples.set(target.label, []).get(target.label))?.push(ms);
          };
          record(ingest, await stow(target, copies));
          const urls = frameUrls(target, copies, framesPerWindow);
          const accept = frameAccept(copies[0] as Buffer);
          record(sequential, (await fetchFrames(target, urls, 1, accept)).ms);
          record(parallel, (await fetchFrames(target, urls, 4, accept)).ms);
        }
      }
      const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
      const count = series.files.length;
      const frames = frameUrlsCount(series.files.reduce((sum, file) => sum + Number(textOf(file, '00280008') || '1'), 0));
      console.log(`\nDICOMweb, ${series.name}: ${count} instances, ${megabytes.toFixed(1)} MB, median of ${options.rounds} rounds (higher is better; ratio to Orthanc)`);
      const print = (title: string, samples: Map<string, number[]>, per: (ms: number) => number, unit: string) => {
        const baseline = per(median(samples.get(targets[0]?.label ?? '') ?? []));
        for (const target of targets) {
          const value = per(median(samples.get(target.label) ?? []));
          console.log(row(`${title}: ${target.label}`, value, unit, target === targets[0] ? undefined : baseline));
        }
      };
      print('STOW-RS', ingest, (ms) => count / (ms / 1000), 'instances/s');
      print('STOW-RS', ingest, (ms) => megabytes / (ms / 1000), 'MB/s');
      print('WADO-RS frames x1', sequential, (ms) => frames / (ms / 1000), 'frames/s');
      print('WADO-RS frames x4', parallel, (ms) => frames / (ms / 1000), 'frames/s');
    }
  } finally {
    await child.kill();
    await orthanc.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

const entry = process.argv[1] ? pathToFileURL(process.argv[1]).href === import.meta.url : false;
if (entry && process.argv[2] === '--serve') await serve();
