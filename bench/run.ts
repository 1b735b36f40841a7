// `npm run bench`: runs the benchmarks and prints figures beside their baselines.
//   npx tsx bench/run.ts [api] [journal] [restart] [viewer]    (default: all)
// Options:
//   --runs N                 api: sequential calls per variant (2000)
//   --seconds N --rounds N   journal: measured seconds per window (3), windows per server and
//                            concurrency (3)
//   --concurrency 1,32       journal: concurrent clients per row
//   --rows N --repeats N     restart: user rows (100000), opens and starts per scenario (3)
//   --viewer-runs N          viewer: measured openings of each study per DICOMweb source (5);
//                            needs `npm run build`, Chromium and Orthanc
import { benchApiLatency } from './api-latency.ts';
import { benchJournalThroughput } from './journal-throughput.ts';
import { benchRestartTime } from './restart-time.ts';
import { benchViewer } from './viewer.ts';

const benchmarks = ['api', 'journal', 'restart', 'viewer'] as const;
type Benchmark = (typeof benchmarks)[number];

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
const named = args.filter((arg, i) => !arg.startsWith('--') && !args[i - 1]?.startsWith('--'));
const unknown = named.filter((name) => !benchmarks.includes(name as Benchmark));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${benchmarks.join(', ')}`);
  process.exit(2);
}
const selected = named.length > 0 ? (named as Benchmark[]) : [...benchmarks];

console.log(`Consilium benchmarks — Node ${process.version}, ${new Date().toISOString()}: ${selected.join(', ')}`);
if (selected.includes('api')) await benchApiLatency(number('--runs', 2000));
if (selected.includes('journal')) {
  await benchJournalThroughput({
    seconds: number('--seconds', 3),
    rounds: number('--rounds', 3),
    concurrencies: valueOf('--concurrency', '1,32').split(',').map(Number),
  });
}
if (selected.includes('restart')) await benchRestartTime({ rows: number('--rows', 100_000), repeats: number('--repeats', 3) });
if (selected.includes('viewer')) await benchViewer(number('--viewer-runs', 5));
