// How long a durable server takes to come back: a database of N user rows (100,000 by default; there
// is no patient table yet) restarted (a) with everything in the journal (replay only), (b) right after
// a snapshot (snapshot load only), (c) from a snapshot of 90% plus the last 10% in the journal.
//
// Rows: users with every field filled (names, e-mail, phone, profession, a sentence of expertise, an
// argon2id hash, a TOTP secret), about half a kilobyte each in SQLite, written through Prisma and the
// journaled adapter one `user.create` per row (so one journal record per row, as steady use would
// leave it), 64 at a time so that commits share fsyncs.
//
// Measured: openDatabase in-process (recovery: decrypt, replay or load, open the journal), and the
// real command line from spawn to "listening" (adds node, tsx, Fastify start-up; the empty row is
// the baseline for that).
//
//   npx tsx bench/restart-time.ts [--rows 100000] [--repeats 3]
import { randomBytes, randomUUID } from 'node:crypto';
import { cp, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Database, openDatabase } from '../server/db/database.ts';
import { deriveKeys } from '../server/db/durable/keys.ts';
import { seedReferenceData } from '../server/reference/seed.ts';
import { freePort } from '../tests/fixtures/process.ts';
import { spawnChildServer } from './crash/server-process.ts';

export interface RestartOptions {
  readonly rows: number;
  /** Opens in-process and starts of the command line per scenario (medians are shown). */
  readonly repeats: number;
}

const passwordHash = '$argon2id$v=19$m=19456,t=2,p=1$CtCDMjhvrRJT62ekWW44uQ$bTIzyJBuGFViF+poraUSBkwf7B/bAgrX5Ac/01MVjYE';

function userRow(i: number) {
  return {
    id: randomUUID(),
    username: `dr.user${i}`,
    firstName: 'Anna-Maria',
    lastName: `Schmidt-Kowalski ${i}`,
    email: `anna-maria.schmidt-kowalski${i}@klinikum-example.de`,
    countryCode: 'DE',
    phone: '+49 30 4505 6612',
    profession: 'Paediatric nephrologist',
    expertise: 'Steroid-resistant nephrotic syndrome; Alport syndrome; CAKUT; kidney transplantation in children',
    passwordHash,
    totpSecret: 'J7UGMKUSMCJQBANGDFGJLSILTY7JKVNU',
    createdAt: new Date(),
  };
}

/** Writes users [from, to) one create each, 64 in flight. */
async function fill(db: Database, from: number, to: number): Promise<void> {
  let next = from;
  const worker = async () => {
    while (next < to) {
      const i = next++;
      await db.prisma.user.create({ data: userRow(i), select: { id: true } });
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
}

interface Sizes {
  journal: number;
  snapshot: number;
}

async function sizes(dir: string): Promise<Sizes> {
  const result: Sizes = { journal: 0, snapshot: 0 };
  for (const name of await readdir(dir)) {
    const { size } = await stat(join(dir, name));
    if (name.startsWith('journal-')) result.journal += size;
    else if (name.endsWith('.db.enc')) result.snapshot += size;
  }
  return result;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

interface Scenario {
  label: string;
  replayed: number;
  snapshot: string | undefined;
  sizes: Sizes;
  openMs: number;
  cliMs: number;
}

async function measure(label: string, dir: string, dataKey: Buffer, repeats: number): Promise<Scenario> {
  const keys = deriveKeys(dataKey);
  const opens: number[] = [];
  let replayed = 0;
  let snapshot: string | undefined;
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const db = await openDatabase({ dir, keys, now: () => new Date() });
    opens.push(performance.now() - started);
    replayed = db.store?.recovery.replayedRecords ?? 0;
    snapshot = db.store?.recovery.snapshot;
    await db.close();
  }
  const starts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const port = await freePort();
    const started = performance.now();
    const server = spawnChildServer({
      env: { CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: String(port), CONSILIUM_LOG_LEVEL: 'warn', CONSILIUM_DATA_DIR: dir, CONSILIUM_DATA_KEY: dataKey.toString('base64') },
    });
    try {
      await server.waitForOutput(/listening on/, 300_000);
      starts.push(performance.now() - started);
    } finally {
      await server.kill();
    }
  }
  return { label, replayed, snapshot, sizes: await sizes(dir), openMs: median(opens), cliMs: median(starts) };
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

export async function benchRestartTime(options: RestartOptions): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'consilium-bench-restart-'));
  const dataKey = randomBytes(32);
  const keys = deriveKeys(dataKey);
  const now = () => new Date();
  const open = (dir: string) => openDatabase({ dir, keys, now });
  const ninety = Math.floor(options.rows * 0.9);
  try {
    const empty = join(work, 'empty');
    const full = join(work, 'full');
    const partial = join(work, 'partial');

    const emptyDb = await open(empty);
    await seedReferenceData(emptyDb.prisma);
    await emptyDb.close();
    await cp(empty, full, { recursive: true });

    const fillStarted = performance.now();
    let db = await open(full);
    await fill(db, 0, ninety);
    await db.close();
    await cp(full, partial, { recursive: true });
    db = await open(full);
    await fill(db, ninety, options.rows);
    const rows = Number((db.sqlite.prepare('SELECT count(*) AS n FROM "User"').get() as { n: number | bigint }).n);
    const databaseBytes = db.sqlite.serialize().length;
    await db.close();
    const fillSeconds = (performance.now() - fillStarted) / 1000;

    const scenarios: Scenario[] = [];
    scenarios.push(await measure('empty (schema and reference data)', empty, dataKey, options.repeats));
    scenarios.push(await measure(`(a) journal only: ${rows} rows replayed`, full, dataKey, options.repeats));
    db = await open(full);
    await db.store?.snapshot();
    await db.close();
    scenarios.push(await measure('(b) snapshot only, nothing to replay', full, dataKey, options.repeats));
    db = await open(partial);
    await db.store?.snapshot();
    await fill(db, ninety, options.rows);
    await db.close();
    scenarios.push(await measure('(c) snapshot of 90% + 10% replayed', partial, dataKey, options.repeats));

    console.log(
      `\nRestart of a durable database: ${rows} users (${(databaseBytes / rows).toFixed(0)} B/row in SQLite, ${mb(databaseBytes)} MB), ` +
        `written as ${rows} journaled creates in ${fillSeconds.toFixed(1)} s (${(rows / fillSeconds).toFixed(0)} rows/s); data in ${tmpdir()}`,
    );
    console.log(
      `${'scenario'.padEnd(42)}${'replayed'.padStart(10)}${'snapshot MB'.padStart(13)}${'journal MB'.padStart(12)}${'open ms'.padStart(10)}` +
        `${'x empty'.padStart(9)}${'CLI start ms'.padStart(14)}${'x empty'.padStart(9)}`,
    );
    const [baseline] = scenarios;
    for (const s of scenarios) {
      const ratio = (value: number, base: number | undefined) => (s === baseline || !base ? 'baseline' : `${(value / base).toFixed(1)}x`);
      console.log(
        `${s.label.padEnd(42)}${String(s.replayed).padStart(10)}${mb(s.sizes.snapshot).padStart(13)}${mb(s.sizes.journal).padStart(12)}${s.openMs.toFixed(0).padStart(10)}` +
          `${ratio(s.openMs, baseline?.openMs).padStart(9)}${s.cliMs.toFixed(0).padStart(14)}${ratio(s.cliMs, baseline?.cliMs).padStart(9)}`,
      );
    }
    console.log(`(open ms: openDatabase in-process; CLI start: spawn to "listening", SIGKILLed after; medians of ${options.repeats})`);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await benchRestartTime({ rows: Number(option('--rows') ?? 100_000), repeats: Number(option('--repeats') ?? 3) });
}
