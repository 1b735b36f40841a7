// The Patient Records list as one SQL statement: the records a reader may see are the union of a
// few disjoint "arms" (their hospitals' records, their own elsewhere, those shared with them), each
// read in order from its own index; SQLite merges the arms and stops at the end of the page.
import type { Principal } from '../../app/access/actor.ts';
import { hasErnRole } from '../../app/access/actor.ts';
import { Prisma, type PrismaClient } from '../db/generated/client.ts';

/** Whose records a principal sees in the list (app/patients/policy.ts maySeeRecord, as sets). */
export interface ListScope {
  readonly userId: string;
  /** Hospitals whose every record they see: their own as treating team, those they are GDPR officer of. */
  readonly hcpIds: readonly string[];
  /** Of those, the hospitals whose identities they see too (GDPR officer; maySeeIdentity). */
  readonly identityHcpIds: readonly string[];
}

/** The list's scope for a principal (for an assistant: the clinician they act for). */
export function listScope(p: Principal): ListScope {
  const gdpr = p.globalRoles.filter((g) => g.role === 'GDPROfficer' && g.hcpId).map((g) => g.hcpId as string);
  const team = p.hcpId && !p.guest && hasErnRole(p, ['HP']) ? [p.hcpId] : [];
  return { userId: p.userId, hcpIds: [...new Set([...team, ...gdpr])], identityHcpIds: [...new Set(gdpr)] };
}

export interface ListFilter {
  readonly ernId?: string | undefined;
  readonly sex?: string | undefined;
  /** Only records the reader enrolled. */
  readonly mine: boolean;
  readonly activeOnly: boolean;
  /** Folded search text, matched as a prefix of the nickname key; empty for none. */
  readonly search: string;
  /** Blind-index tokens that must all be present, for records whose identity the reader sees; empty for none. */
  readonly nameTokens: readonly string[];
  readonly sort: 'createdAt' | 'nickname' | 'birthYearMonth';
  readonly direction: 'asc' | 'desc';
  readonly offset: number;
  readonly limit: number;
}

/** A list row: the summary's columns and its enrolling clinician. */
export interface ListRow {
  readonly id: string;
  readonly pseudonymousId: string;
  readonly nickname: string;
  readonly ernId: string;
  readonly hcpId: string;
  readonly enrolledById: string;
  readonly sex: string;
  readonly birthYearMonth: string;
  readonly birthArea: string;
  readonly residenceArea: string;
  readonly status: string;
  readonly createdAt: Date;
  readonly identitySealed: string | null;
  readonly enrolledBy: { readonly id: string; readonly firstName: string; readonly lastName: string; readonly status: string };
}

interface RawRow extends Omit<ListRow, 'enrolledBy'> {
  readonly nicknameKey: string;
  readonly enrollerFirstName: string;
  readonly enrollerLastName: string;
  readonly enrollerStatus: string;
  readonly total: bigint;
}

const { sql, join, raw } = Prisma;
const and = (parts: readonly Prisma.Sql[]) => (parts.length > 0 ? join(parts, ' AND ') : sql`1`);

/** The sort keys, in the order of the ORDER BY, then the direction of each. */
function sortKeys(f: ListFilter): Array<[string, 'ASC' | 'DESC']> {
  const dir = f.direction === 'asc' ? 'ASC' : 'DESC';
  if (f.sort === 'nickname') return [['nicknameKey', dir]];
  if (f.sort === 'birthYearMonth') return [['birthYearMonth', dir], ['nicknameKey', 'ASC']];
  return [['createdAt', dir], ['id', dir]];
}

interface Arm {
  readonly from: 'patients' | 'shared';
  readonly where: readonly Prisma.Sql[];
  /** Whose identities in the arm the reader sees: every record's, their own records', none. */
  readonly identity: 'all' | 'own' | 'none';
  /** Few rows, found at a cost (every own record scanned, a row read per shared record): computed once. */
  readonly small: boolean;
}

/** An arm as SQL (`FROM ... WHERE ...`), and whether to compute it once for the count and the page. */
interface Part {
  readonly sql: Prisma.Sql;
  readonly small: boolean;
}

/**
 * The arms, each `FROM ... WHERE ...`, pairwise disjoint so that their counts add up:
 * - each hospital in scope: all its records;
 * - records the reader enrolled at other hospitals (they moved, or are a guest);
 * - records shared with them as participant, not already counted.
 * A search keeps, of each arm, the nickname matches that the real-name arms do not already hold;
 * the real-name arms are the records whose identity the reader sees (their own, and those of the
 * hospitals they are GDPR officer of) with every name token. Reading own records by real name from
 * the index of own records, and testing names only on the few nickname matches, keeps both cheap.
 */
function arms(scope: ListScope, f: ListFilter): Part[] {
  const me = scope.userId;
  const common: Prisma.Sql[] = [];
  if (f.ernId) common.push(sql`p."ernId" = ${f.ernId}`);
  if (f.sex) common.push(sql`p."sex" = ${f.sex}`);
  if (f.activeOnly) common.push(sql`p."status" = 'active'`);
  const outside = scope.hcpIds.length > 0 ? [sql`p."hcpId" NOT IN (${join([...scope.hcpIds])})`] : [];
  const own = sql`p."enrolledById" = ${me}`;
  const visible: Arm[] = f.mine
    ? [{ from: 'patients', where: [own], identity: 'all', small: false }]
    : [
        ...scope.hcpIds.map((hcpId): Arm => ({ from: 'patients', where: [sql`p."hcpId" = ${hcpId}`], identity: scope.identityHcpIds.includes(hcpId) ? 'all' : 'own', small: false })),
        { from: 'patients', where: [own, ...outside], identity: 'all', small: true },
        { from: 'shared', where: [sql`pp."userId" = ${me}`, sql`p."enrolledById" <> ${me}`, ...outside], identity: 'none', small: true },
      ];
  const sqlOf = (arm: Arm, extra: readonly Prisma.Sql[]): Part => ({
    small: arm.small,
    sql:
      arm.from === 'patients'
        ? sql`FROM "Patient" p WHERE ${and([...arm.where, ...common, ...extra])}`
        : sql`FROM "PatientParticipant" pp JOIN "Patient" p ON p."id" = pp."patientId" WHERE ${and([...arm.where, ...common, ...extra])}`,
  });
  if (!f.search) return visible.map((arm) => sqlOf(arm, []));

  const nickname = sql`p."nicknameKey" >= ${f.search} AND p."nicknameKey" < ${`${f.search}\uffff`}`;
  if (f.nameTokens.length === 0) return visible.map((arm) => sqlOf(arm, [nickname]));
  const named = and(f.nameTokens.map((token) => sql`EXISTS (SELECT 1 FROM "PatientNameToken" t WHERE t."token" = ${token} AND t."patientId" = p."id")`));
  const notNamed = { all: [sql`NOT (${named})`], own: [sql`NOT (${own} AND ${named})`], none: [] };
  const byName: Arm[] = [
    { from: 'patients', where: [own], identity: 'all', small: true },
    ...(f.mine ? [] : scope.identityHcpIds.map((hcpId): Arm => ({ from: 'patients', where: [sql`p."hcpId" = ${hcpId}`, sql`p."enrolledById" <> ${me}`], identity: 'all', small: true }))),
  ];
  return [...visible.map((arm) => sqlOf(arm, [nickname, ...notNamed[arm.identity]])), ...byName.map((arm) => sqlOf(arm, [named]))];
}

/**
 * One page of the list and the number of records in it all, in one statement when the page has
 * rows (the total rides along as a column), with a second, counting only, when it has none. The arms
 * carry only ids and sort keys (read from their indexes alone); the page's rows are read last. Small
 * arms are materialised once for both the count and the page. The statement is wrapped to begin
 * with SELECT: the durable store journals any other statement as a write.
 */
export async function listPatients(db: PrismaClient, scope: ListScope, f: ListFilter): Promise<{ total: number; rows: ListRow[] }> {
  const parts = arms(scope, f);
  const keys = sortKeys(f);
  const keyColumns = raw(['id', ...keys.map(([key]) => key).filter((key) => key !== 'id')].map((key) => `p."${key}"`).join(', '));
  const order = (prefix: string) => raw(keys.map(([key, dir]) => `${prefix}"${key}" ${dir}`).join(', '));
  const name = (i: number) => raw(`"arm${i}"`);
  const materialised = parts.flatMap((part, i) => (part.small ? [sql`${name(i)} AS MATERIALIZED (SELECT ${keyColumns} ${part.sql})`] : []));
  const withArms = materialised.length > 0 ? sql`WITH ${join(materialised, ', ')}` : sql``;
  const from = parts.map((part, i) => (part.small ? sql`FROM ${name(i)} p` : part.sql));
  const total = join(from.map((arm) => sql`(SELECT count(*) ${arm})`), ' + ');
  const rows = await db.$queryRaw<RawRow[]>`
    SELECT * FROM (${withArms}
      SELECT p."id", p."pseudonymousId", p."nickname", p."ernId", p."hcpId", p."enrolledById", p."sex", p."birthYearMonth", p."birthArea",
        p."residenceArea", p."status", p."createdAt", p."identitySealed", p."nicknameKey", u."firstName" AS "enrollerFirstName",
        u."lastName" AS "enrollerLastName", u."status" AS "enrollerStatus", ${total} AS "total"
      FROM (${join(from.map((arm) => sql`SELECT ${keyColumns} ${arm}`), ' UNION ALL ')} ORDER BY ${order('')} LIMIT ${f.limit} OFFSET ${f.offset}) q
      JOIN "Patient" p ON p."id" = q."id" JOIN "User" u ON u."id" = p."enrolledById")
    ORDER BY ${order('')}`;
  if (rows.length === 0) {
    if (f.offset === 0) return { total: 0, rows: [] };
    const [counted] = await db.$queryRaw<Array<{ total: bigint }>>`SELECT * FROM (${withArms} SELECT ${total} AS "total")`;
    return { total: Number(counted?.total ?? 0), rows: [] };
  }
  return {
    total: Number(rows[0]!.total),
    // Columns keep their declared types through the statement: createdAt comes back as a Date.
    rows: rows.map(({ enrollerFirstName, enrollerLastName, enrollerStatus, total: _total, nicknameKey: _key, ...row }) => ({
      ...row,
      enrolledBy: { id: row.enrolledById, firstName: enrollerFirstName, lastName: enrollerLastName, status: enrollerStatus },
    })),
  };
}
