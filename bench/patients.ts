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
import { measure, type Summary } from './stats.ts';

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

/** The whole list query by hand: total and one page with the enrolling clinicians' names. */
function rawList(world: BenchWorld, clinician: BenchClinician, input: PatientListInput): () => { total: number; ids: string[] } {
  const query = patientListInput.parse(input);
  if (query.mine) throw new Error('rawList: "mine" is not written by hand');
  const params: Record<string, string> = { me: clinician.user.id, hcp: clinician.principal.hcpId ?? '' };
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
  if (search) Object.assign(params, { from: search, to: `${search}\uffff` });
  // An arm's search: the nickname prefix, or (where the clinician may see the identity) every word's name token.
  const searchIn = (identityVisible: string | null) => {
    if (!search) return [];
    const nickname = 'p."nicknameKey" >= @from AND p."nicknameKey" < @to';
    if (words.length === 0 || identityVisible === null) return [`(${nickname})`];
    const tokens = words.map((_, i) => `EXISTS (SELECT 1 FROM "PatientNameToken" t WHERE t."token" = @t${i} AND t."patientId" = p."id")`);
    return [`((${nickname}) OR (${[identityVisible, ...tokens].join(' AND ')}))`];
  };
  const where = (conditions: string[]) => conditions.join(' AND ');
  // Visible: the HCP's records (treating team), own records elsewhere, records shared with them; disjoint arms.
  const arms = [
    `FROM "Patient" p WHERE ${where(['p."hcpId" = @hcp', ...filters, ...searchIn('p."enrolledById" = @me')])}`,
    `FROM "Patient" p WHERE ${where(['p."enrolledById" = @me', 'p."hcpId" <> @hcp', ...filters, ...searchIn('1')])}`,
    `FROM "PatientParticipant" pp JOIN "Patient" p ON p."id" = pp."patientId" WHERE ${where(['pp."userId" = @me', 'p."enrolledById" <> @me', 'p."hcpId" <> @hcp', ...filters, ...searchIn(null)])}`,
  ];
  const dir = query.direction;
  const order = query.sort === 'nickname' ? `"nicknameKey" ${dir}` : query.sort === 'birthYearMonth' ? `"birthYearMonth" ${dir}, "nicknameKey"` : `"createdAt" ${dir}, "id" ${dir}`;
  const columns = 'p."id", p."pseudonymousId", p."nickname", p."nicknameKey", p."ernId", p."hcpId", p."enrolledById", p."sex", p."birthYearMonth", p."birthArea", p."residenceArea", p."status", p."createdAt", p."identitySealed"';
  const sqlite = world.server.db.sqlite;
  const count = sqlite.prepare(`SELECT ${arms.map((arm) => `(SELECT count(*) ${arm})`).join(' + ')} AS "total"`);
  const page = sqlite.prepare(
    `SELECT q.*, u."firstName", u."lastName", u."status" AS "enrollerStatus" FROM (${arms.map((arm) => `SELECT ${columns} ${arm}`).join(' UNION ALL ')} ORDER BY ${order} LIMIT ${query.pageSize} OFFSET ${query.page * query.pageSize}) q JOIN "User" u ON u."id" = q."enrolledById"`,
  );
  return () => {
    const { total } = count.get(params) as { total: bigint };
    return { total: Number(total), ids: (page.all(params) as Array<{ id: string }>).map((row) => row.id) };
  };
}

interface Row {
  readonly label: string;
  readonly visible: number;
  readonly total: number;
  readonly variants: readonly Summary[];
}

const ms = (value: number) => value.toFixed(2);

function printRows(rows: readonly Row[]): void {
  console.log('\n| case | visible | matches | raw SQL p50 / p99 | service (Prisma) | tRPC in-process | tRPC HTTP | in-process ÷ raw (p50) | HTTP p99 ≤ 10 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |');
  for (const row of rows) {
    const [raw, service, inProcess, http] = row.variants as [Summary, Summary, Summary, Summary];
    const cell = (s: Summary) => `${ms(s.p50)} / ${ms(s.p99)}`;
    const ratio = inProcess.p50 / raw.p50;
    console.log(`| ${row.label} | ${row.visible} | ${row.total} | ${cell(raw)} | ${cell(service)} | ${cell(inProcess)} | ${cell(http)} | ${ratio.toFixed(1)}x${ratio <= 3 ? '' : ' ✗'} | ${http.p99 <= 10 ? 'yes' : 'no'} |`);
  }
  console.log('\n(milliseconds; runs per variant: as many as fit the time budget, at most --runs; "matches" is the list\'s total)');
}

export async function benchPatients(options: PatientsBenchOptions): Promise<void> {
  const budgetMs = options.budgetMs ?? 8000;
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
      const summaries: Summary[] = [];
      for (const [label, step] of variants) {
        const started = performance.now();
        await step();
        const runs = Math.max(20, Math.min(options.runs, Math.floor(budgetMs / Math.max(0.01, performance.now() - started))));
        summaries.push(await measure(label, runs, step));
      }
      // The hand-written query must answer what the service answers, or its figures mean nothing.
      const served = await world.server.services.patients.list(c.clinician.principal, parsed);
      const byHand = raw();
      if (byHand.total !== served.total || byHand.ids.join() !== served.items.map((item) => item.id).join()) throw new Error(`${c.label}: the raw query disagrees with the service`);
      const { total } = served;
      rows.push({ label: c.label, visible: c.clinician.visible, total, variants: summaries });
      process.stdout.write('.');
    }
    console.log();
    printRows(rows);
  } finally {
    await world.close();
  }
}
