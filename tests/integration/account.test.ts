// "My Account" and the user consent (SPEC ID-2, ID-8, ID-9): first sign-in consent, a new statement
// version asked again, withdrawal ending access, own data edited, deactivation and deletion.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { privacyStatement } from '../../app/identity/privacy-statement.ts';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { persona, signInUser } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { listen, startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer({ hasher: fastHasher });
});

afterEach(async () => {
  await t.close();
});

const profile = {
  firstName: 'Ana',
  lastName: 'Novak',
  email: 'ana.novak@hospital.test',
  phone: '+33 1 23 45 67 89',
  countryCode: 'FR',
  profession: 'Paediatric nephrologist',
  expertise: 'Alport syndrome',
  thematicAreas: [{ ernId: 'ERKNet', name: 'Hereditary glomerulopathies' }],
};

describe('the user consent and privacy statement', () => {
  test('must be accepted at first sign-in before anything else; accepting another version than the current one does not count', async () => {
    const user = await persona(t, 'consentPending');
    const me = await user.api.identity.me();
    expect(me.consentRequired).toBe(true);
    expect(me.abilities).toEqual(['session.use', 'account.close']);
    expect((await user.api.account.statement()).version).toBe(privacyStatement.version);
    expect(await refusal(user.api.access.erns())).toBe('consent_required');
    expect(await refusal(user.api.account.acceptConsent({ version: '0.1' }))).toBe('conflict');

    await user.api.account.acceptConsent({ version: privacyStatement.version });
    expect((await user.api.identity.me()).consentRequired).toBe(false);
    await expect(user.api.access.erns()).resolves.toHaveLength(24);
  });

  test('a user who accepted an older version is asked again', async () => {
    const user = await persona(t, 'hp');
    await t.server.db.prisma.user.update({ where: { id: user.user.id }, data: { consentVersion: '0.9' } });
    expect((await user.api.identity.me()).consentRequired).toBe(true);
    expect(await refusal(user.api.directory.search({}))).toBe('consent_required');
  });

  test('withdrawing it ends access at once: sessions end (connected clients are told) and sign-in is refused', async () => {
    const user = await persona(t, 'hp');
    const client = t.client(user.token);
    const ended = listen<{ reason: string }>((callbacks) => client.api.identity.sessionEnded.subscribe(undefined, callbacks));
    await ended.started;
    await user.api.account.withdrawConsent();
    expect(await ended.data()).toEqual({ reason: 'revoked' });
    expect(await refusal(signInUser(t, user.user))).toBe('account_deactivated');
    expect(await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: user.user.id }, select: { deactivatedReason: true, consentVersion: true } })).toEqual({ deactivatedReason: 'consent_withdrawn', consentVersion: null });
  });
});

describe('the user’s own data', () => {
  test('are edited in My Account, with thematic areas per ERN of the user', async () => {
    const user = await persona(t, 'hp');
    await user.api.account.update(profile);
    const me = await user.api.identity.me();
    expect(me).toMatchObject({ firstName: 'Ana', lastName: 'Novak', email: 'ana.novak@hospital.test', phone: '+33 1 23 45 67 89', expertise: 'Alport syndrome', thematicAreas: [{ ernId: 'ERKNet', name: 'Hereditary glomerulopathies' }] });
  });

  test('bad input is refused with the fields named, and changes nothing', async () => {
    const user = await persona(t, 'hp');
    const before = await user.api.identity.me();
    expect(await refusal(user.api.account.update({ ...profile, email: 'not-an-email', firstName: '' }))).toBe('invalid_input');
    expect(await refusal(user.api.account.update({ ...profile, thematicAreas: [{ ernId: 'EpiCARE', name: 'Dravet syndrome' }] }))).toBe('invalid_input');
    expect(await user.api.identity.me()).toEqual(before);
  });
});

describe('closing the account', () => {
  test('needs the username typed as confirmation', async () => {
    const user = await persona(t, 'hp');
    expect(await refusal(user.api.account.deactivate({ confirm: 'someone.else' }))).toBe('confirmation_mismatch');
    expect(await refusal(user.api.account.delete({ confirm: '' }))).toBe('confirmation_mismatch');
    await expect(user.api.identity.me()).resolves.toMatchObject({ id: user.user.id });
  });

  test('deactivating keeps name and specialty (for the records the user contributed) and ends access', async () => {
    const user = await persona(t, 'hp');
    await user.api.account.deactivate({ confirm: user.user.username });
    expect(await refusal(signInUser(t, user.user))).toBe('account_deactivated');
    expect(await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: user.user.id }, select: { status: true, firstName: true, profession: true } })).toEqual({ status: 'deactivated', firstName: user.user.firstName, profession: 'Paediatrician' });
  });

  test('deleting erases every personal datum; the audit log then names a deleted user and holds no trace of the person', async () => {
    const user = await signInUser(t, await buildUser(t.server.db, { firstName: 'Ingrid', lastName: 'Erasable', email: 'ingrid.erasable@hospital.test', hcp: { code: 'FR10', countryCode: 'FR' }, memberships: [{ ernId: 'ERKNet', role: 'HP' }], thematicAreas: [{ ernId: 'ERKNet', name: 'Cystinosis' }], hasher: fastHasher }));
    await user.api.directory.search({ name: 'Erasable' });
    await user.api.account.delete({ confirm: user.user.username });

    const row = await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: user.user.id } });
    expect(row).toMatchObject({ status: 'deleted', firstName: '', lastName: '', email: '', phone: null, expertise: null, passwordHash: '', totpSecret: '', hcpId: null });
    expect(row.username).toBe(`deleted-${user.user.id}`);
    expect(await t.server.db.prisma.membership.count({ where: { userId: user.user.id } })).toBe(0);
    expect(await t.server.db.prisma.thematicArea.count({ where: { userId: user.user.id } })).toBe(0);

    const dump = JSON.stringify(await t.server.db.prisma.auditRecord.findMany());
    for (const trace of ['Ingrid', 'Erasable', 'ingrid.erasable', user.user.username]) expect(dump).not.toContain(trace);
    const support = await persona(t, 'support');
    const records = (await support.api.audit.search({ user: user.user.id })).records;
    expect(records.length).toBeGreaterThan(0);
    expect(new Set(records.map((r) => r.actor?.name))).toEqual(new Set(['Deleted user']));
    expect(await refusal(signInUser(t, user.user))).toBe('invalid_credentials');
  });
});

describe('the service directory', () => {
  test('finds active ERN members by name, HCP, country, ERN, specialty and thematic area, and shows no deactivated account', async () => {
    const searcher = await persona(t, 'hp');
    const db = t.server.db;
    await buildUser(db, { firstName: 'Lucia', lastName: 'Ferri', hcp: { code: 'IT03', countryCode: 'IT' }, memberships: [{ ernId: 'PaedCan', role: 'HP' }], profession: 'Paediatric oncologist', thematicAreas: [{ ernId: 'PaedCan', name: 'Neuroblastoma' }], hasher: fastHasher });
    await buildUser(db, { firstName: 'Lucas', lastName: 'Ferrand', hcp: { code: 'FR25', countryCode: 'FR' }, memberships: [{ ernId: 'ITHACA', role: 'HP' }], profession: 'Clinical geneticist', hasher: fastHasher });
    await buildUser(db, { firstName: 'Luc', lastName: 'Gone', status: 'deactivated', memberships: [{ ernId: 'PaedCan', role: 'HP' }], hasher: fastHasher });
    await buildUser(db, { firstName: 'Lucie', lastName: 'Noroles', memberships: [], hasher: fastHasher });

    const names = async (filter: Parameters<typeof searcher.api.directory.search>[0]) => (await searcher.api.directory.search(filter)).entries.map((e) => e.lastName);
    expect(await names({ name: 'Luc' })).toEqual(['Ferrand', 'Ferri']);
    expect(await names({ name: 'luc ferri' })).toEqual(['Ferri']);
    expect(await names({ ernId: 'PaedCan' })).toEqual(['Ferri']);
    expect(await names({ countryCode: 'FR', name: 'Luc' })).toEqual(['Ferrand']);
    expect(await names({ specialty: 'oncolog' })).toEqual(['Ferri']);
    expect(await names({ thematicArea: 'neuroblast' })).toEqual(['Ferri']);
    const it03 = (await searcher.api.directory.hcps()).find((h) => h.code === 'IT03')!;
    expect(await names({ hcpId: it03.id })).toEqual(['Ferri']);
    const page = await searcher.api.directory.search({ pageSize: 1, page: 1, name: 'Luc' });
    expect(page).toMatchObject({ total: 2, entries: [{ lastName: 'Ferri' }] });
  });
});

describe('the 5-year inactivity review', () => {
  test('flags active accounts without activity for five years, for the EC administrator', async () => {
    const sleeper = await buildUser(t.server.db, { lastName: 'Sleeper', hasher: fastHasher, createdAt: new Date(t.clock.now().getTime() - 6 * 365 * 86_400_000) });
    await persona(t, 'hp');
    await t.server.jobs.runAll();
    const admin = await persona(t, 'ecAdmin');
    expect((await admin.api.admin.reviewDue()).map((u) => u.id)).toEqual([sleeper.id]);
  });
});

describe('global roles', () => {
  test('the EC administrator grants a GDPR officer for one HCP, and revokes it', async () => {
    const admin = await persona(t, 'ecAdmin');
    const target = await persona(t, 'hp');
    const fr10 = await t.server.db.prisma.hcp.findUniqueOrThrow({ where: { code_countryCode: { code: 'FR10', countryCode: 'FR' } }, select: { id: true } });
    expect(await refusal(admin.api.admin.grantRole({ userId: target.user.id, role: 'GDPROfficer' }))).toBe('invalid_input');
    const { grantId } = await admin.api.admin.grantRole({ userId: target.user.id, role: 'GDPROfficer', hcpId: fr10.id });
    expect(await refusal(admin.api.admin.grantRole({ userId: target.user.id, role: 'GDPROfficer', hcpId: fr10.id }))).toBe('already_member');
    expect((await target.api.identity.me()).globalRoles).toEqual([{ role: 'GDPROfficer', hcpId: fr10.id }]);
    await admin.api.admin.revokeRole({ grantId });
    expect((await target.api.identity.me()).globalRoles).toEqual([]);
  });
});

describe('unlocking the workstation after inactivity', () => {
  test('the password unlocks; wrong passwords count towards the account lock, which ends the sessions', async () => {
    const user = await persona(t, 'hp');
    await user.api.identity.unlock({ password: user.user.password });
    for (let i = 0; i < 4; i++) {
      expect(await refusal(user.api.identity.unlock({ password: 'wrong' }))).toBe('invalid_credentials');
      // Waiting out the growing pause between attempts, as a person would.
      t.clock.advance(10_000);
    }
    expect(await refusal(user.api.identity.unlock({ password: 'wrong' }))).toBe('account_locked');
    expect(await refusal(user.api.identity.me())).toBe('session_revoked');
  });

  test('the profile says whether the user signs in through an identity provider (then the lock screen asks to sign in again)', async () => {
    const user = await persona(t, 'hp');
    expect((await user.api.identity.me()).externalSignIn).toBe(false);
    await t.server.db.prisma.externalIdentity.create({ data: { userId: user.user.id, issuer: 'https://login.example', subject: 'abc', createdAt: t.clock.now(), lastSignInAt: t.clock.now() } });
    expect((await user.api.identity.me()).externalSignIn).toBe(true);
  });
});

describe('reference data', () => {
  test('the EC administrator adds and edits a healthcare provider; users can then ask for access through it', async () => {
    const admin = await persona(t, 'ecAdmin');
    const { id } = await admin.api.admin.saveHcp({ code: 'PT04', name: 'Centro Hospitalar Universitário de São João', city: 'Porto', countryCode: 'PT', erns: [{ ernId: 'ERKNet', kind: 'member' }] });
    const newcomer = await persona(t, 'newUser');
    expect((await newcomer.api.access.hcps({ ernId: 'ERKNet', countryCode: 'PT' })).map((h) => h.code)).toEqual(['PT04', '0000']);
    await admin.api.admin.saveHcp({ id, code: 'PT04', name: 'Centro Hospitalar Universitário de São João', city: 'Porto', countryCode: 'PT', erns: [{ ernId: 'EpiCARE', kind: 'affiliated' }] });
    expect((await newcomer.api.access.hcps({ ernId: 'ERKNet', countryCode: 'PT' })).map((h) => h.code)).toEqual(['0000']);
    expect((await admin.api.admin.hcps()).find((h) => h.id === id)?.erns).toEqual([{ ernId: 'EpiCARE', kind: 'affiliated' }]);
  });

  test('bad reference data is refused and changes nothing', async () => {
    const admin = await persona(t, 'ecAdmin');
    const before = await admin.api.admin.hcps();
    expect(await refusal(admin.api.admin.saveHcp({ code: 'XX1', name: 'Nowhere', city: 'X', countryCode: 'PT', erns: [] }))).toBe('invalid_input');
    expect(await refusal(admin.api.admin.saveHcp({ code: 'FR10', name: 'Duplicate', city: 'Paris', countryCode: 'FR', erns: [] }))).toBe('conflict');
    expect(await refusal(admin.api.admin.saveHcp({ code: 'PT05', name: 'Somewhere', city: 'Lisboa', countryCode: 'PT', erns: [{ ernId: 'NoSuchERN', kind: 'member' }] }))).toBe('not_found');
    const guest = await t.server.db.prisma.hcp.findFirstOrThrow({ where: { guestAccess: true }, select: { id: true } });
    expect(await refusal(admin.api.admin.saveHcp({ id: guest.id, code: 'PT06', name: 'Not a guest', city: 'Faro', countryCode: 'PT', erns: [] }))).toBe('not_found');
    expect(await admin.api.admin.hcps()).toEqual(before);
  });
});
