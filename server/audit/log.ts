// The audit log of business events (SPEC GV-1): appended in one sequence, hash-chained, read and
// exported by Support and administrators only. Entries carry ids and codes, never names.
import type { AuditFilter, AuditOutcome } from '../../app/audit/schemas.ts';
import type { Clock } from '../clock.ts';
import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import { chainHash, type ChainCheck, checkChain, genesisHash } from './chain.ts';

export interface AuditEntry {
  readonly actorId: string | null;
  readonly onBehalfOfId?: string | null;
  /** What happened, e.g. "access.decide" (the procedure) or "identity.signIn". */
  readonly action: string;
  readonly recordType?: string | null;
  readonly recordId?: string | null;
  readonly outcome: AuditOutcome;
  /** Ids, codes and enums only. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface AuditView {
  seq: number;
  at: string;
  actor: { id: string; name: string } | null;
  onBehalfOf: { id: string; name: string } | null;
  action: string;
  recordType: string | null;
  recordId: string | null;
  outcome: AuditOutcome;
  details: Record<string, unknown>;
}

const verifyBatch = 5_000;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function where(filter: AuditFilter, userIds: readonly string[] | undefined): Prisma.AuditRecordWhereInput {
  return {
    ...(userIds ? { OR: [{ actorId: { in: [...userIds] } }, { onBehalfOfId: { in: [...userIds] } }] } : {}),
    ...(filter.action ? { action: { startsWith: filter.action } } : {}),
    ...(filter.recordId ? { recordId: filter.recordId } : {}),
    ...(filter.outcome ? { outcome: filter.outcome } : {}),
    ...(filter.from || filter.to ? { at: { ...(filter.from ? { gte: new Date(filter.from) } : {}), ...(filter.to ? { lte: new Date(filter.to) } : {}) } } : {}),
  };
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // Quote everything; neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

export class AuditLog {
  readonly #db: PrismaClient;
  readonly #key: Buffer;
  readonly #clock: Clock;
  /** Appends run one after another: each needs the previous record's hash. */
  #tail: Promise<unknown> = Promise.resolve();

  constructor(db: PrismaClient, key: Buffer, clock: Clock) {
    this.#db = db;
    this.#key = key;
    this.#clock = clock;
  }

  /** Appends an entry at the end of the chain. */
  append(entry: AuditEntry): Promise<void> {
    const run = this.#tail.then(async () => {
      const last = await this.#db.auditRecord.findFirst({ orderBy: { seq: 'desc' }, select: { seq: true, hash: true } });
      const fields = {
        seq: (last?.seq ?? 0) + 1,
        at: this.#clock.now(),
        actorId: entry.actorId,
        onBehalfOfId: entry.onBehalfOfId ?? null,
        action: entry.action,
        recordType: entry.recordType ?? null,
        recordId: entry.recordId ?? null,
        outcome: entry.outcome,
        details: JSON.stringify(entry.details ?? {}),
      };
      const prevHash = last?.hash ?? genesisHash;
      await this.#db.auditRecord.create({ data: { ...fields, prevHash, hash: chainHash(this.#key, prevHash, fields) } });
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Checks the whole chain. */
  async verify(): Promise<ChainCheck> {
    const db = this.#db;
    async function* records() {
      for (let after = 0; ; ) {
        const batch = await db.auditRecord.findMany({ where: { seq: { gt: after } }, orderBy: { seq: 'asc' }, take: verifyBatch });
        yield* batch;
        if (batch.length < verifyBatch) return;
        after = batch[batch.length - 1]!.seq;
      }
    }
    return checkChain(this.#key, records());
  }

  /** The users a filter's `user` names: an id as given, else usernames or names containing every word. */
  async #userIds(user: string | undefined): Promise<string[] | undefined> {
    if (!user) return undefined;
    if (uuid.test(user)) return [user];
    const words = user.split(/\s+/).filter(Boolean).slice(0, 4);
    const users = await this.#db.user.findMany({
      where: { AND: words.map((word) => ({ OR: [{ username: { contains: word } }, { firstName: { contains: word } }, { lastName: { contains: word } }] })) },
      select: { id: true },
      take: 200,
    });
    return users.map((u) => u.id);
  }

  async search(filter: AuditFilter, page: number, pageSize: number): Promise<{ total: number; records: AuditView[] }> {
    const condition = where(filter, await this.#userIds(filter.user));
    const [total, rows] = await Promise.all([
      this.#db.auditRecord.count({ where: condition }),
      this.#db.auditRecord.findMany({ where: condition, orderBy: { seq: 'desc' }, skip: page * pageSize, take: pageSize }),
    ]);
    return { total, records: await this.#views(rows) };
  }

  /** The matching records as CSV (newest first), for export. */
  async csv(filter: AuditFilter, limit = 100_000): Promise<string> {
    const rows = await this.#db.auditRecord.findMany({ where: where(filter, await this.#userIds(filter.user)), orderBy: { seq: 'desc' }, take: limit });
    const views = await this.#views(rows);
    const header = ['seq', 'time', 'actor_id', 'actor', 'on_behalf_of_id', 'on_behalf_of', 'action', 'record_type', 'record_id', 'outcome', 'details'];
    const lines = views.map((v) =>
      [v.seq, v.at, v.actor?.id, v.actor?.name, v.onBehalfOf?.id, v.onBehalfOf?.name, v.action, v.recordType, v.recordId, v.outcome, JSON.stringify(v.details)].map(csvCell).join(','),
    );
    return [header.join(','), ...lines].join('\r\n') + '\r\n';
  }

  /** Names are looked up when read, never stored: a deleted user shows as such. */
  async #views(rows: Array<{ seq: number; at: Date; actorId: string | null; onBehalfOfId: string | null; action: string; recordType: string | null; recordId: string | null; outcome: string; details: string }>): Promise<AuditView[]> {
    const ids = [...new Set(rows.flatMap((r) => [r.actorId, r.onBehalfOfId]).filter((id): id is string => id !== null))];
    const users = await this.#db.user.findMany({ where: { id: { in: ids } }, select: { id: true, firstName: true, lastName: true, status: true } });
    const names = new Map(users.map((u) => [u.id, u.status === 'deleted' ? 'Deleted user' : `${u.firstName} ${u.lastName}`]));
    const person = (id: string | null) => (id ? { id, name: names.get(id) ?? 'Deleted user' } : null);
    return rows.map((r) => ({
      seq: r.seq,
      at: r.at.toISOString(),
      actor: person(r.actorId),
      onBehalfOf: person(r.onBehalfOfId),
      action: r.action,
      recordType: r.recordType,
      recordId: r.recordId,
      outcome: r.outcome as AuditOutcome,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }
}
