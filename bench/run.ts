// `npm run bench`: runs the benchmarks and prints figures beside their baselines.
// Options: --runs N (default 2000).
import { benchApiLatency } from './api-latency.ts';

const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 2000;

console.log(`Consilium benchmarks — Node ${process.version}, ${new Date().toISOString()}`);
await benchApiLatency(runs);
