// Offline verification of a data directory after a crash: open it in-process as the server would
// (which runs recovery), check SQLite's integrity and the application's invariants, and check that
// every write a client saw acknowledged is there.
import { readdir } from 'node:fs/promises';
import { openDatabase } from '../../server/db/database.ts';
import type { DataKeys } from '../../server/db/durable/keys.ts';
import type { RecoveryReport } from '../../server/db/durable/store.ts';

/** A write whose response reached the client: its effects must survive any crash after it. */
export interface AckedWrite {
  readonly kind: 'signIn' | 'refresh';
  readonly round: number;
  readonly client: number;
  /** sha256 of the refresh token the response carried (a new row). */
  readonly newHash: string;
  /** sha256 of the token presented (refresh only): its row must now be marked used. */
  readonly presentedHash?: string;
}

export interface TokenRow {
  readonly sessionId: string;
  readonly used: boolean;
}

export interface Verification {
  readonly recovery: RecoveryReport;
  /** openDatabase, i.e. recovery plus opening the journal for writing. */
  readonly recoveryMs: number;
  /** Acknowledged writes checked, and those whose effects are missing. */
  readonly checked: number;
  readonly lost: AckedWrite[];
  /** Failed checks other than lost writes, each explained. */
  readonly failures: string[];
  readonly tokens: ReadonlyMap<string, TokenRow>;
  readonly totpLastStep: ReadonlyMap<string, number>;
  readonly sessions: number;
  readonly snapshots: number;
  /** Temporary files left by an interrupted snapshot. */
  readonly leftoverTempFiles: number;
}

type Row = Record<string, unknown>;

export async function verifyDataDirectory(dir: string, keys: DataKeys, acked: readonly AckedWrite[], expectedUsers: number): Promise<Verification> {
  const failures: string[] = [];
  const started = performance.now();
  const db = await openDatabase({ dir, keys, now: () => new Date() });
  const recoveryMs = performance.now() - started;
  try {
    const store = db.store;
    if (!store) throw new Error('openDatabase returned an ephemeral database for a data directory');
    const recovery = store.recovery;
    const all = (sql: string) => db.sqlite.prepare(sql).all() as Row[];
    const count = (sql: string) => Number((db.sqlite.prepare(sql).get() as Row).n);

    const integrity = all('PRAGMA integrity_check').map((row) => String(Object.values(row)[0]));
    if (integrity.join() !== 'ok') failures.push(`integrity_check: ${integrity.slice(0, 5).join('; ')}`);
    const foreignKeys = all('PRAGMA foreign_key_check');
    if (foreignKeys.length > 0) failures.push(`foreign_key_check: ${foreignKeys.length} violations, e.g. ${JSON.stringify(foreignKeys[0], (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
    if (recovery.damagedSnapshots.length > 0) failures.push(`damaged snapshots: ${recovery.damagedSnapshots.join(', ')}`);

    const tokens = new Map<string, TokenRow>();
    for (const row of all('SELECT tokenHash, sessionId, usedAt IS NOT NULL AS used FROM "RefreshToken"')) {
      tokens.set(String(row.tokenHash), { sessionId: String(row.sessionId), used: Number(row.used) === 1 });
    }

    // Every acknowledged write: the token it issued exists; a refresh also marked the presented one
    // used, in the same session.
    const lost: AckedWrite[] = [];
    for (const write of acked) {
      const issued = tokens.get(write.newHash);
      const presented = write.presentedHash === undefined ? undefined : tokens.get(write.presentedHash);
      const intact = issued !== undefined && (write.kind === 'signIn' || (presented !== undefined && presented.used && presented.sessionId === issued.sessionId));
      if (!intact) lost.push(write);
    }

    // Application invariants. The harness never signs out or replays a token, so every session is
    // open and holds exactly one unused refresh token (at most one is the app's rule; none would
    // mean a rotation was half applied).
    const orphans = count('SELECT count(*) AS n FROM "RefreshToken" r LEFT JOIN "Session" s ON s.id = r.sessionId WHERE s.id IS NULL');
    if (orphans > 0) failures.push(`${orphans} refresh tokens belong to no session`);
    const sessions = all('SELECT s.id AS id, s.revokedReason AS revokedReason, (SELECT count(*) FROM "RefreshToken" r WHERE r.sessionId = s.id AND r.usedAt IS NULL) AS unused FROM "Session" s');
    const tooMany = sessions.filter((s) => Number(s.unused) > 1);
    const none = sessions.filter((s) => Number(s.unused) === 0);
    const revoked = sessions.filter((s) => s.revokedReason !== null);
    if (tooMany.length > 0) failures.push(`${tooMany.length} sessions hold more than one unused refresh token`);
    if (none.length > 0) failures.push(`${none.length} sessions hold no unused refresh token (a rotation half applied?)`);
    if (revoked.length > 0) failures.push(`${revoked.length} sessions were revoked (${String(revoked[0]?.revokedReason)}): a used token was presented`);

    const totpLastStep = new Map<string, number>();
    for (const row of all('SELECT username, totpLastStep FROM "User"')) totpLastStep.set(String(row.username), Number(row.totpLastStep));
    if (totpLastStep.size !== expectedUsers) failures.push(`${totpLastStep.size} users where ${expectedUsers} were created`);
    if (count('SELECT count(*) AS n FROM "Ern"') === 0) failures.push('the reference data (ERNs) is gone');

    const names = await readdir(dir);
    return {
      recovery,
      recoveryMs,
      checked: acked.length,
      lost,
      failures,
      tokens,
      totpLastStep,
      sessions: sessions.length,
      snapshots: names.filter((name) => name.endsWith('.db.enc')).length,
      leftoverTempFiles: names.filter((name) => name.endsWith('.tmp')).length,
    };
  } finally {
    await db.close();
  }
}
