// What the code lists cost: reading and indexing them (time, memory), and search latency for
// typical queries, measured on the catalogue (baseline) and through tRPC over HTTP.
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { CodeSearchInput } from '../app/codes/schemas.ts';
import { codeSystems } from '../app/codes/schemas.ts';
import { loadConfig } from '../server/config.ts';
import { loadCodeCatalogue } from '../server/codes/load.ts';
import { demoPassword } from '../server/demo/accounts.ts';
import { totpCode } from '../server/identity/totp.ts';
import type { AppRouter } from '../server/router.ts';
import { startServer } from '../server/server.ts';
import { measure, printSideBySide } from './stats.ts';

/** Queries a clinician types: names, word beginnings, codes in each notation, accents, a synonym. */
const typical: CodeSearchInput[] = [
  { query: 'Williams syndrome' },
  { query: 'seiz', systems: ['hpo'] },
  { query: 'Q90', systems: ['icd10cm'] },
  { query: 'ORPHA:558' },
  { query: 'HP:0001250' },
  { query: 'sjögren' },
  { query: 'marfan', systems: ['orphanet', 'icd10cm'] },
  { query: 'intellectual disability' },
  { query: 'MFS' },
  { query: 'de' },
];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function benchCodes(runs: number): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const start = performance.now();
  const catalogue = await loadCodeCatalogue();
  const loadMs = performance.now() - start;
  gc?.();
  const after = process.memoryUsage();
  console.log(`\nCode lists: loaded and indexed in ${loadMs.toFixed(0)} ms; memory +${mb(after.heapUsed - before.heapUsed)} heap, +${mb(after.arrayBuffers - before.arrayBuffers)} typed arrays, +${mb(after.rss - before.rss)} RSS${gc ? '' : ' (run with node --expose-gc for exact figures)'}`);

  const server = await startServer(loadConfig({ CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'silent' }, ['--demo']));
  try {
    const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' } });
    const tokens = await server.services.identity.signIn(
      { username: 'claire.martin', password: demoPassword, code: totpCode(user.totpSecret, new Date()) },
      'bench',
    );
    const http = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${tokens.accessToken}` } })],
    });
    await http.codes.about.query(); // the server's first request loads its (shared) catalogue
    let next = 0;
    const query = () => typical[next++ % typical.length]!;
    const direct = () => catalogue.search({ systems: codeSystems, limit: 20, includeInactive: false, ...query() });
    printSideBySide(`codes.search, ${runs} calls cycling through ${typical.length} typical queries`, [
      await measure('catalogue.search (baseline)', runs, async () => direct()),
      await measure('tRPC over HTTP (codes.search)', runs, () => http.codes.search.query(query())),
    ]);
    const perQuery = [];
    for (const input of typical) {
      perQuery.push(await measure(JSON.stringify(input.query), Math.max(50, Math.floor(runs / 10)), async () =>
        catalogue.search({ systems: codeSystems, limit: 20, includeInactive: false, ...input })));
    }
    printSideBySide('catalogue.search per query (first row is the baseline)', perQuery);
  } finally {
    await server.close();
  }
}
