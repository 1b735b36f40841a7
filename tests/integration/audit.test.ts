// The audit log (SPEC GV-1): every business event with who, on whose behalf, what, which record,
// when and the outcome; hash-chained so that editing, inserting or deleting a record is detected
// (by Support's "Verify" and by `npm run audit:verify`); exported as CSV; readable by Support only.
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { privacyStatement } from '../../app/identity/privacy-statement.ts';
import { durableEnv, otherDataKey, stopAbruptly, tempDataDir, type TempDataDir } from '../fixtures/durable.ts';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { persona, signInUser } from '../fixtures/personas.ts';
import { spawnServer } from '../fixtures/process.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer | undefined;
const dirs: TempDataDir[] = [];

afterEach(async () => {
  await t?.close();
  t = undefined;
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

/** A few events of different kinds: sign-ins, a failed sign-in, a consent, a refused call. */
async function someEvents(server: TestServer) {
  const user = await persona(server, 'consentPending');
  await user.api.account.acceptConsent({ version: privacyStatement.version });
  await server.server.services.identity.signIn({ username: user.user.username, password: 'wrong', code: '000000' }, 'test').catch(() => undefined);
  await refusal(user.api.audit.search({}));
  await user.api.account.update({ firstName: 'A', lastName: 'B', email: 'a@b.test', phone: '', countryCode: 'FR', profession: 'HP', expertise: '', thematicAreas: [{ ernId: 'EpiCARE', name: 'not mine' }] }).catch(() => undefined);
  return user;
}

describe('what is recorded', () => {
  test('sign-ins, successes, failures and refusals, each with actor, action, record and outcome', async () => {
    t = await startTestServer({ hasher: fastHasher });
    const user = await someEvents(t);
    const rows = await t.server.db.prisma.auditRecord.findMany({ orderBy: { seq: 'asc' } });
    expect(rows.map((r) => [r.action, r.outcome, r.actorId === user.user.id, JSON.parse(r.details) as unknown])).toEqual([
      ['identity.signIn', 'success', true, {}],
      ['account.acceptConsent', 'success', true, { consentVersion: privacyStatement.version }],
      ['identity.signIn', 'failure', true, { code: 'invalid_credentials' }],
      ['audit.search', 'denied', true, { permission: 'audit.read', reason: 'forbidden' }],
      ['account.update', 'failure', true, { code: 'invalid_input' }],
    ]);
    expect(rows[1]).toMatchObject({ recordType: 'user', recordId: user.user.id });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  test('only Support and EC administrators read it; the export is itself recorded', async () => {
    t = await startTestServer({ hasher: fastHasher });
    await someEvents(t);
    const support = await persona(t, 'support');
    const page = await support.api.audit.search({ action: 'identity.signIn', pageSize: 2 });
    expect(page.total).toBe(3);
    expect(page.records).toHaveLength(2);
    const { csv } = await support.api.audit.exportCsv({ outcome: 'denied' });
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('seq,time,actor_id,actor,on_behalf_of_id,on_behalf_of,action,record_type,record_id,outcome,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"audit.search"');
    expect(await t.server.db.prisma.auditRecord.count({ where: { action: 'audit.exportCsv', actorId: support.user.id } })).toBe(1);
    for (const name of ['hp', 'coordinator', 'gdprOfficer'] as const) expect(await refusal((await persona(t, name)).api.audit.search({}))).toBe('forbidden');
  });

  test('the CSV export neutralises values a spreadsheet would run as formulas', async () => {
    t = await startTestServer({ hasher: fastHasher });
    await t.server.services.audit.append({ actorId: null, action: 'test.formula', recordType: 'x', recordId: '=HYPERLINK("http://evil")', outcome: 'success' });
    const csv = await t.server.services.audit.csv({});
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
  });
});

describe('tampering', () => {
  async function tampered(change: (server: TestServer) => Promise<unknown>) {
    t = await startTestServer({ hasher: fastHasher });
    await someEvents(t);
    const support = await persona(t, 'support');
    expect(await support.api.audit.verify()).toMatchObject({ ok: true });
    await change(t);
    return support.api.audit.verify();
  }

  test('an edited record is detected where it was edited', async () => {
    const check = await tampered((s) => s.server.db.prisma.$executeRawUnsafe(`UPDATE "AuditRecord" SET "outcome" = 'success' WHERE "seq" = 4`));
    expect(check).toEqual({ ok: false, records: 4, brokenAt: 4, reason: 'hash' });
  });

  test('a deleted record is detected', async () => {
    const check = await tampered((s) => s.server.db.prisma.$executeRawUnsafe(`DELETE FROM "AuditRecord" WHERE "seq" = 3`));
    expect(check).toMatchObject({ ok: false, brokenAt: 3, reason: 'gap' });
  });

  test('a record whose hash was recomputed without the key does not fit its successor', async () => {
    const check = await tampered(async (s) => {
      const { createHash } = await import('node:crypto');
      await s.server.db.prisma.$executeRawUnsafe(`UPDATE "AuditRecord" SET "details" = '{}', "hash" = '${createHash('sha256').update('forged').digest('hex')}' WHERE "seq" = 2`);
    });
    expect(check).toMatchObject({ ok: false, brokenAt: 2, reason: 'hash' });
  });
});

describe('npm run audit:verify', () => {
  async function verifyCommand(env: Record<string, string>) {
    const run = spawnServer([], env, { script: 'server/audit/verify.ts' });
    return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
  }

  test('says a stopped server’s log is intact, detects a tampered record, and keeps working after a key rotation', async () => {
    const data = await tempDataDir();
    dirs.push(data);
    t = await startTestServer({ argv: [], env: durableEnv(data.dir), hasher: fastHasher });
    const user = await buildUser(t.server.db, { hasher: fastHasher });
    await signInUser(t, user);
    await t.close();
    t = undefined;

    const intact = await verifyCommand(durableEnv(data.dir));
    expect(intact.stdout).toContain('The audit log is intact: 1 records');
    expect(intact.code).toBe(0);

    // Key rotation moves the chain to the new key.
    const target = join(data.root, 'rekeyed');
    const rekey = spawnServer(['--to', target], { ...durableEnv(data.dir), CONSILIUM_NEW_DATA_KEY: otherDataKey.toString('base64') }, { script: 'server/rekey.ts' });
    expect(await rekey.exited).toBe(0);
    expect((await verifyCommand(durableEnv(target, otherDataKey))).code).toBe(0);

    // Someone with write access to the database changes a record (journaled like any write).
    t = await startTestServer({ argv: [], env: durableEnv(data.dir), hasher: fastHasher });
    await t.server.db.prisma.$executeRawUnsafe(`UPDATE "AuditRecord" SET "outcome" = 'failure' WHERE "seq" = 1`);
    await stopAbruptly(t);
    t = undefined;
    const broken = await verifyCommand(durableEnv(data.dir));
    expect(broken.stdout).toContain('record 1 was changed after it was written');
    expect(broken.code).toBe(1);
  });
});
