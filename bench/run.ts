// `npm run bench`: runs the benchmarks and prints figures beside their baselines.
//   npx tsx bench/run.ts [api] [journal] [restart] [codes] [deid] [dicomweb] [viewer] [patients]    (default: all)
// Options:
//   --runs N                 api: sequential calls per variant (2000)
//   --seconds N --rounds N   journal: measured seconds per window (3), windows per server and
//                            concurrency (3)
//   --concurrency 1,32       journal: concurrent clients per row
//   --rows N --repeats N     restart: user rows (100000), opens and starts per scenario (3)
//   --searches N             codes: search calls per variant (2000)
//   --deid-rounds N          deid: measured passes over each file set per variant (5)
//   --dicomweb-rounds N      dicomweb: STOW + frame rounds per server and series (3)
//   --viewer-runs N          viewer: measured openings of each study per DICOMweb source (5);
//                            needs `npm run build`, Chromium and Orthanc
//   --patients N --list-runs N  patients: synthetic patients (100000), list calls per variant at most (500)
import { benchApiLatency } from './api-latency.ts';
import { benchCodes } from './codes.ts';
import { benchDeidentify } from './deidentify.ts';
import { benchDicomWeb } from './dicomweb.ts';
import { benchJournalThroughput } from './journal-throughput.ts';
import { benchPatients } from './patients.ts';
import { benchRestartTime } from './restart-time.ts';
import { benchViewer } from './viewer.ts';

const args = process.argv.slice(2);
const valueOf = (name: string, fallback: string): string => {
  const at = args.indexOf(name);
  return at >= 0 ? (args[at + 1] ?? fallback) : fallback;
};
const number = (name: string, fallback: number): number => {
  const value = Number(valueOf(name, String(fallback)));
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`bench: ${name} needs a positive number`);
    process.exit(2);
  }
  return value;
};

/** Every benchmark by name, in the order they run. */
const benchmarks: Record<string, () => Promise<void>> = {
  api: () => benchApiLatency(number('--runs', 2000)),
  journal: () =>
    benchJournalThroughput({
      seconds: number('--seconds', 3),
      rounds: number('--rounds', 3),
      concurrencies: valueOf('--concurrency', '1,32').split(',').map(Number),
    }),
  restart: () => benchRestartTime({ rows: number('--rows', 100_000), repeats: number('--repeats', 3) }),
  codes: () => benchCodes(number('--searches', 2000)),
  deid: () => benchDeidentify({ rounds: number('--deid-rounds', 5) }),
  dicomweb: () => benchDicomWeb({ rounds: number('--dicomweb-rounds', 3) }),
  viewer: () => benchViewer(number('--viewer-runs', 5)),
  patients: () => benchPatients({ patients: number('--patients', 100_000), runs: number('--list-runs', 500) }),
};

const named = args.filter((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
const unknown = named.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}
const selected = named.length > 0 ? named : Object.keys(benchmarks);

console.log(`Consilium benchmarks — Node ${process.version}, ${new Date().toISOString()}: ${selected.join(', ')}`);
for (const name of selected) await benchmarks[name]!();
