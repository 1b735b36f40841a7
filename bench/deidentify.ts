// De-identification throughput: our full Basic Profile (bytes in, bytes out) against dcmjs' own
// anonymizer (`anonymizer.cleanTags`, a fixed list of about 250 attributes emptied) on the same
// files, side by side: dcmjs from the bytes (read, clean, write), and dcmjs on datasets parsed
// beforehand (clean and write only, as dcmjs users call it). Sets: the three CT slices in the
// fixtures, and from ../shared when present the 12-slice CT series and the 160-file MR series.
//
//   npx tsx bench/run.ts deid [--deid-rounds 5]
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import dcmjs, { type DcmjsDict } from 'dcmjs';
import { deidentify, UidMap } from '../app/imaging/deidentify/index.ts';
import { sharedDir } from '../tests/fixtures/shared.ts';

interface FileSet {
  readonly name: string;
  readonly files: readonly Uint8Array[];
}

interface Row {
  readonly label: string;
  readonly seconds: number;
}

async function filesIn(dir: URL): Promise<Uint8Array[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.dcm')).sort();
  return Promise.all(names.map(async (name) => new Uint8Array(await readFile(new URL(name, dir)))));
}

async function fileSets(): Promise<FileSet[]> {
  const sets: FileSet[] = [{ name: 'CT, 3 slices (fixtures)', files: await filesIn(new URL('../tests/fixtures/dicom/ct-series/', import.meta.url)) }];
  const shared = sharedDir();
  if (!shared) {
    console.log('deid: ../shared not found (set CONSILIUM_SHARED_DIR): only the fixture set is measured');
    return sets;
  }
  sets.push({ name: 'CT series, 12 slices', files: await filesIn(new URL('dicom/ct-series/philips-head-phantom-5mm/', shared)) });
  sets.push({ name: 'MR series, 160 files (large-series)', files: await filesIn(new URL('dicom/large-series/uih-mr-t1-3d-sag-160/', shared)) });
  return sets;
}

const arrayBufferOf = (bytes: Uint8Array): ArrayBuffer => bytes.slice().buffer;

async function ours(files: readonly Uint8Array[]): Promise<number> {
  const uidMap = new UidMap((count) => new Uint8Array(randomBytes(count)));
  let out = 0;
  for (const file of files) {
    const result = await deidentify(file, { nickname: 'Blue Falcon 42', pseudonymousId: 'PSN-7F3K9', uidMap, masks: [] });
    if (result.status === 'deidentified') out += result.bytes.length;
  }
  return out;
}

function dcmjsFromBytes(buffers: readonly ArrayBuffer[]): number {
  let out = 0;
  for (const buffer of buffers) {
    const parsed = dcmjs.data.DicomMessage.readFile(buffer);
    dcmjs.anonymizer.cleanTags(parsed.dict);
    out += parsed.write({ allowInvalidVRLength: true }).byteLength;
  }
  return out;
}

function dcmjsParsed(parsed: readonly { dict: DcmjsDict; write: (options: { allowInvalidVRLength: boolean }) => ArrayBuffer }[]): number {
  let out = 0;
  for (const dataset of parsed) {
    dcmjs.anonymizer.cleanTags(dataset.dict);
    out += dataset.write({ allowInvalidVRLength: true }).byteLength;
  }
  return out;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timed(step: () => unknown): Promise<number> {
  const start = performance.now();
  await step();
  return (performance.now() - start) / 1000;
}

function print(set: FileSet, rows: readonly Row[]): void {
  const megabytes = set.files.reduce((sum, file) => sum + file.length, 0) / 1e6;
  const [fromBytes, parsed] = rows;
  console.log(`\n${set.name}: ${set.files.length} files, ${megabytes.toFixed(1)} MB (median of rounds; ratios: speed over each dcmjs variant)`);
  console.log(`${'variant'.padEnd(50)}${'files/s'.padStart(9)}${'MB/s'.padStart(8)}${'x dcmjs from bytes'.padStart(20)}${'x dcmjs parsed'.padStart(16)}`);
  for (const row of rows) {
    const ratio = (base: Row) => (row === base ? '-' : `${(base.seconds / row.seconds).toFixed(2)}x`);
    console.log(`${row.label.padEnd(50)}${(set.files.length / row.seconds).toFixed(1).padStart(9)}${(megabytes / row.seconds).toFixed(1).padStart(8)}${ratio(fromBytes!).padStart(20)}${ratio(parsed!).padStart(16)}`);
  }
}

/** Measures each set `rounds` times per variant, variants interleaved, and prints files/s and MB/s with the ratio to dcmjs. */
export async function benchDeidentify(options: { rounds: number }): Promise<void> {
  dcmjs.log.setLevel('silent');
  for (const set of await fileSets()) {
    const buffers = set.files.map(arrayBufferOf);
    const times = { fromBytes: [] as number[], parsed: [] as number[], ours: [] as number[] };
    await ours(set.files); // warm-up: JIT, profile compilation
    dcmjsFromBytes(buffers);
    for (let round = 0; round < options.rounds; round++) {
      times.fromBytes.push(await timed(() => dcmjsFromBytes(buffers)));
      const parsed = buffers.map((buffer) => dcmjs.data.DicomMessage.readFile(buffer));
      times.parsed.push(await timed(() => dcmjsParsed(parsed)));
      times.ours.push(await timed(() => ours(set.files)));
    }
    print(set, [
      { label: 'dcmjs read + cleanTags + write', seconds: median(times.fromBytes) },
      { label: 'dcmjs cleanTags + write, datasets parsed before', seconds: median(times.parsed) },
      { label: 'Consilium deidentify, full profile, from bytes', seconds: median(times.ours) },
    ]);
  }
}
