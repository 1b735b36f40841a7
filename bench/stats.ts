// Timing helpers for benchmarks: run a step many times, summarise, print beside a baseline.

export interface Summary {
  label: string;
  runs: number;
  p50: number;
  p99: number;
  mean: number;
}

export async function measure(label: string, runs: number, step: () => Promise<unknown>): Promise<Summary> {
  for (let i = 0; i < Math.min(200, runs); i++) await step(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await step();
    times.push(performance.now() - start);
  }
  return summarise(label, times);
}

/** p50, p99 and mean of measured times (milliseconds). */
export function summarise(label: string, times: readonly number[]): Summary {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { label, runs: sorted.length, p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

/** Prints each summary in milliseconds and its ratio to the first (the baseline). */
export function printSideBySide(title: string, summaries: readonly Summary[]): void {
  const [baseline] = summaries;
  if (!baseline) return;
  console.log(`\n${title}`);
  console.log(`${'variant'.padEnd(34)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'mean ms'.padStart(10)}${'x baseline (p50)'.padStart(18)}`);
  for (const s of summaries) {
    const ratio = s === baseline ? 'baseline' : `${(s.p50 / baseline.p50).toFixed(2)}x`;
    console.log(`${s.label.padEnd(34)}${s.p50.toFixed(3).padStart(10)}${s.p99.toFixed(3).padStart(10)}${s.mean.toFixed(3).padStart(10)}${ratio.padStart(18)}`);
  }
}
