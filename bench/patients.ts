// Patient Records at scale (issue 5): the list query (`patients.list`, a page of 50) on 100,000
// synthetic patients, for a clinician who sees many records and one who sees few, measured four ways
// side by side: the query written by hand on raw better-sqlite3 (the ceiling), the service on Prisma,
// the tRPC caller in-process (adds authentication, actor and policy), and tRPC over HTTP.
// Goals: p99 ≤ 10 ms, and tRPC + Prisma within 3x of raw.
//
//   npm run bench -- patients [--patients 100000] [--list-runs 500]
import { loadavg } from 'node:os';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { type PatientListInput, patientListInput } from '../app/patients/schemas.ts';
import { foldedWords, foldText } from '../app/text/fold.ts';
import { createContextInner } from '../server/context.ts';
import { minSearchLength } from '../server/patients/identity-seal.ts';
import { type AppRouter, appRouter } from '../server/router.ts';
import { createCallerFactory } from '../server/trpc.ts';
import { type BenchClinician, type BenchWorld, openBenchWorld } from './patients-world.ts';
import { summarize, type Summary } from './stats.ts';

export interface PatientsBenchOptions {
  readonly patients: number;
  /** Calls per variant at most; slow variants stop after about `budgetMs`. */
  readonly runs: number;
  readonly budgetMs?: number;
}

interface Case {
  readonly label: string;
  readonly clinician: BenchClinician;
  readonly input: PatientListInput;
}

/**
 * The list query by hand, for a clinician of the treating team (no GDPR role): total and page in one
 * prepared statement, the visible records as three disjoint arms read from their indexes (the
 * hospital's, own elsewhere, shared), a search as nickname matches plus own records by real name;
 * the small arms computed once for both.
 */
function rawList(world: BenchWorld, clinician: BenchClinician, input: PatientListInput): () => { total: number; ids: string[] } {
  const query = patientListInput.parse(input);
  const params: Record<string, string | number> = { me: clinician.user.id, hcp: clinician.principal.hcpId ?? '', limit: query.pageSize, offset: query.page * query.pageSize };
  const filters: string[] = [];
  if (query.ernId) {
    params.ern = query.ernId;
    filters.push('p."ernId" = @ern');
  }
  if (query.sex) {
    params.sex = query.sex;
    filters.push('p."sex" = @sex');
  }
  if (!query.includeAnonymised) filters.push(`p."status" = 'active'`);
  const search = foldText(query.search.trim());
  const words = foldedWords(search).filter((w) => w.length >= minSearchLength);
  words.forEach((w, i) => (params[`t${i}`] = world.seal.token(w)));
  const named = words.map((_, i) => `EXISTS (SELECT 1 FROM "PatientNameToken" t WHERE t."token" = @t${i} AND t."patientId" = p."id")`).join(' AND ');
  if (search) Object.assign(params, { from: search, to: `${search}\uffff` });
  const nickname = search ? ['p."nicknameKey" >= @from', 'p."nicknameKey" < @to'] : [];
  const where = (...conditions: string[]) => [...conditions, ...filters].join(' AND ');
  // [FROM ... WHERE ..., small]: small arms (own records elsewhere, shared, by real name) are computed once.
  const byName: Array<[string, boolean]> = named ? [[`FROM "Patient" p WHERE ${where('p."enrolledById" = @me', named)}`, true]] : [];
  const arms: Array<[string, boolean]> = query.mine
    ? [[`FROM "Patient" p WHERE ${where('p."enrolledById" = @me', ...nickname, ...(named ? [`NOT (${named})`] : []))}`, false], ...byName]
    : [
        [`FROM "Patient" p WHERE ${where('p."hcpId" = @hcp', ...nickname, ...(named ? [`NOT (p."enrolledById" = @me AND ${named})`] : []))}`, false],
        [`FROM "Patient" p WHERE ${where('p."enrolledById" = @me', 'p."hcpId" <> @hcp', ...nickname, ...(named ? [`NOT (${named})`] : []))}`, true],
        [`FROM "PatientParticipant" pp JOIN "Patient" p ON p."id" = pp."patientId" WHERE ${where('pp."userId" = @me', 'p."enrolledById" <> @me', 'p."hcpId" <> @hcp', ...nickname)}`, true],
        ...byName,
      ];
  const dir = query.direction.toUpperCase();
  const keys = query.sort === 'nickname' ? [`"nicknameKey" ${dir}`] : query.sort === 'birthYearMonth' ? [`"birthYearMonth" ${dir}`, '"nicknameKey" ASC'] : [`"createdAt" ${dir}`, `"id" ${dir}`];
  const keyColumns = ['"id"', ...keys.map((k) => k.split(' ')[0]!).filter((k) => k !== '"id"')].map((k) => `p.${k}`).join(', ');
  const small = arms.flatMap(([arm, isSmall], i) => (isSmall ? [`a${i} AS MATERIALIZED (SELECT ${keyColumns} ${arm})`] : []));
  const withSmall = small.length > 0 ? `WITH ${small.join(', ')}` : '';
  const from = arms.map(([arm, isSmall], i) => (isSmall ? `FROM a${i} p` : arm));
  const page = world.server.db.sqlite.prepare(`${withSmall}
    SELECT p.*, u."firstName", u."lastName", u."status" AS "enrollerStatus", ${from.map((arm) => `(SELECT count(*) ${arm})`).join(' + ')} AS "total"
    FROM (${from.map((arm) => `SELECT ${keyColumns} ${arm}`).join(' UNION ALL ')} ORDER BY ${keys.join(', ')} LIMIT @limit OFFSET @offset) q
    JOIN "Patient" p ON p."id" = q."id" JOIN "User" u ON u."id" = p."enrolledById" ORDER BY ${keys.map((k) => `q.${k}`).join(', ')}`);
  const count = world.server.db.sqlite.prepare(`${withSmall} SELECT ${from.map((arm) => `(SELECT count(*) ${arm})`).join(' + ')} AS "total"`);
  return () => {
    const rows = page.all(params) as Array<{ id: string; total: bigint }>;
    // A page past the end has no row to carry the total.
    const total = rows[0]?.total ?? (count.get(params) as { total: bigint }).total;
    return { total: Number(total), ids: rows.map((row) => row.id) };
  };
}

interface Row {
  readonly label: string;
  readonly visible: number;
  readonly total: number;
  readonly variants: readonly Summary[];
  /** The fastest call of each variant: what it costs when the machine does not get in the way. */
  readonly best: readonly number[];
}

/**
 * Runs the variants in turns, so that a busy moment of the (shared) machine hits them alike: as many
 * rounds as fit `budgetMs`, at least 20 and at most `maxRuns`, after a warm-up.
 */
async function measureInTurns(variants: ReadonlyArray<readonly [string, () => Promise<unknown>]>, maxRuns: number, budgetMs: number): Promise<{ summaries: Summary[]; best: number[] }> {
  const started = performance.now();
  for (const [, step] of variants) await step();
  const runs = Math.max(20, Math.min(maxRuns, Math.floor(budgetMs / Math.max(0.01, performance.now() - started))));
  const warmUp = Math.min(50, runs);
  const times = variants.map((): number[] => []);
  for (let round = 0; round < warmUp + runs; round++) {
    for (const [i, [, step]] of variants.entries()) {
      const start = performance.now();
      await step();
      if (round >= warmUp) times[i]!.push(performance.now() - start);
    }
  }
  return { summaries: variants.map(([label], i) => summarize(label, times[i]!)), best: times.map((t) => Math.min(...t)) };
}

const ms = (value: number) => value.toFixed(2);
const ratio = (a: Summary, b: Summary) => `${(a.p50 / b.p50).toFixed(1)}x`;

function printRows(rows: readonly Row[]): void {
  console.log('\n| case | visible | matches | raw SQL | service (Prisma) | tRPC in-process | tRPC HTTP | service ÷ raw | in-process ÷ raw | in-process − raw | p99 ≤ 10 ms (in-process, HTTP) |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |');
  for (const row of rows) {
    const [raw, service, inProcess, http] = row.variants as [Summary, Summary, Summary, Summary];
    const cell = (s: Summary) => `${ms(s.p50)} / ${ms(s.p99)}`;
    const goal = (s: Summary) => (s.p99 <= 10 ? 'yes' : 'no');
    console.log(
      `| ${row.label} | ${row.visible} | ${row.total} | ${cell(raw)} | ${cell(service)} | ${cell(inProcess)} | ${cell(http)} | ${ratio(service, raw)} | ${ratio(inProcess, raw)} | ${ms(inProcess.p50 - raw.p50)} | ${goal(inProcess)}, ${goal(http)} |`,
    );
  }
  const runs = Math.min(...rows.map((row) => row.variants[0]?.runs ?? 0));
  console.log(`\nMilliseconds, p50 / p99 over at least ${runs} calls per variant, taken in turns; ratios and differences of p50. "matches" is the list's total.`);
  console.log('raw SQL: the same list written by hand, one prepared statement; service: PatientsService.list on Prisma; tRPC adds authentication, the actor and the policy (in-process), and HTTP.');
  console.log('\nFastest call (ms), raw / service / in-process / HTTP:');
  for (const row of rows) console.log(`  ${row.label.padEnd(44)} ${row.best.map(ms).join(' / ')}`);
}

export async function benchPatients(options: PatientsBenchOptions): Promise<void> {
  const budgetMs = options.budgetMs ?? 10_000;
  console.log(`\nPatient Records: seeding ${options.patients.toLocaleString('en')} patients…`);
  const world = await openBenchWorld(options.patients);
  try {
    const { population, many, few } = world;
    console.log(
      `Seeded in ${population.seconds.toFixed(1)} s: ${population.patients.toLocaleString('en')} patients, ${population.participants.toLocaleString('en')} participants, ${population.nameTokens.toLocaleString('en')} name-index entries. ` +
        `"many" (HP at FR10, enrolled ${population.enrolled.get(many.user.id)}) sees ${many.visible}; "few" (alone at a small HCP) sees ${few.visible}.`,
    );
    const callerFactory = createCallerFactory(appRouter);
    const clients = new Map<BenchClinician, { inProcess: ReturnType<typeof callerFactory>; http: ReturnType<typeof createTRPCClient<AppRouter>> }>();
    for (const clinician of [many, few]) {
      clients.set(clinician, {
        inProcess: callerFactory(createContextInner(world.server.services, clinician.token)),
        http: createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${world.server.url}/trpc`, headers: { authorization: `Bearer ${clinician.token}` } })] }),
      });
    }
    const cases: Case[] = [];
    for (const clinician of [many, few]) {
      const who = clinician.label;
      cases.push(
        { label: `(a) ${who}: default order (newest first)`, clinician, input: {} },
        { label: `(b) ${who}: nickname prefix "ca"`, clinician, input: { search: 'ca' } },
        { label: `(c) ${who}: sorted by nickname`, clinician, input: { sort: 'nickname', direction: 'asc' } },
        { label: `(d) ${who}: real name "${clinician.surname}"`, clinician, input: { search: clinician.surname } },
      );
    }
    cases.push(
      { label: '(f) many: ERN + sex, active only', clinician: many, input: { ernId: 'ERKNet', sex: 'female', includeAnonymised: false } },
      { label: '(g) many: page 41 (offset 2,000)', clinician: many, input: { page: 40 } },
      { label: `(h) many: "my patients" (${population.enrolled.get(many.user.id)})`, clinician: many, input: { mine: true } },
    );

    console.log(`Load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on a shared machine: read ratios before absolute figures.`);
    const rows: Row[] = [];
    for (const c of cases) {
      const { inProcess, http } = clients.get(c.clinician)!;
      const parsed = patientListInput.parse(c.input);
      const raw = rawList(world, c.clinician, c.input);
      const variants: Array<[string, () => Promise<unknown>]> = [
        ['raw SQL', async () => raw()],
        ['service', () => world.server.services.patients.list(c.clinician.principal, parsed)],
        ['tRPC in-process', () => inProcess.patients.list(c.input)],
        ['tRPC HTTP', () => http.patients.list.query(c.input)],
      ];
      const { summaries, best } = await measureInTurns(variants, options.runs, budgetMs);
      // The hand-written query must answer what the service answers, or its figures mean nothing.
      const served = await world.server.services.patients.list(c.clinician.principal, parsed);
      const byHand = raw();
      if (byHand.total !== served.total || byHand.ids.join() !== served.items.map((item) => item.id).join()) throw new Error(`${c.label}: the raw query disagrees with the service`);
      const { total } = served;
      rows.push({ label: c.label, visible: c.clinician.visible, total, variants: summaries, best });
      process.stdout.write('.');
    }
    // What every signed-in call costs whatever it does: the floor under the tRPC columns.
    const { inProcess, http } = clients.get(many)!;
    const floor = await measureInTurns([['in-process', () => inProcess.identity.me()], ['HTTP', () => http.identity.me.query()]], options.runs, budgetMs);
    console.log();
    printRows(rows);
    const [floorIn, floorHttp] = floor.summaries as [Summary, Summary];
    console.log(`\nFloor of the tRPC path (identity.me, same run): in-process ${ms(floorIn.p50)} / ${ms(floorIn.p99)}, HTTP ${ms(floorHttp.p50)} / ${ms(floorHttp.p99)} (p50 / p99 ms).`);
  } finally {
    await world.close();
  }
}
