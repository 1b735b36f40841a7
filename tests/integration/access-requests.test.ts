// Access requests and guest access (SPEC ID-5, ID-6), through the real routers: a user asks, the
// ERN's coordinator or dispatcher decides, the user gets the role at once and is told.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { persona, signInUser, type SignedIn } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const dayMs = 86_400_000;
let t: TestServer;

beforeEach(async () => {
  t = await startTestServer({ hasher: fastHasher });
});

afterEach(async () => {
  await t.close();
});

async function hcpId(code: string, countryCode: string): Promise<string> {
  return (await t.server.db.prisma.hcp.findUniqueOrThrow({ where: { code_countryCode: { code, countryCode } }, select: { id: true } })).id;
}

async function newcomer(): Promise<SignedIn> {
  return signInUser(t, await buildUser(t.server.db, { memberships: [], hasher: fastHasher, createdAt: t.clock.now() }));
}

describe('a new user asks for access', () => {
  test('step by step: ERN, country, HCP (or Guest Access), profile, comment; the coordinator approves; the user has the role at once and is notified', async () => {
    const user = await newcomer();
    const coordinator = await persona(t, 'coordinator');

    const erns = await user.api.access.erns();
    expect(erns).toHaveLength(24);
    const french = await user.api.access.hcps({ ernId: 'ERKNet', countryCode: 'FR' });
    expect(french.map((h) => `${h.code} ${h.guestAccess}`)).toEqual(['FR10 false', '0000 true']);

    const request = await user.api.access.request({ ernId: 'ERKNet', hcpId: french[0]!.id, profile: 'HP', comment: 'Paediatric nephrology' });
    expect(request).toMatchObject({ status: 'pending', profile: 'HP', hcp: { code: 'FR10' } });
    expect(await coordinator.api.notifications.list()).toMatchObject({ unread: 1, items: [{ kind: 'access_requested', data: { ernId: 'ERKNet' } }] });

    const pending = await coordinator.api.access.pending({});
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ id: request.id, comment: 'Paediatric nephrology', requester: { id: user.user.id, lastName: user.user.lastName } });

    const decided = await coordinator.api.access.decide({ requestId: request.id, decision: 'approve' });
    expect(decided.status).toBe('approved');
    const me = await user.api.identity.me();
    expect(me.memberships.map((m) => `${m.ernId} ${m.role}`)).toEqual(['ERKNet HP']);
    expect(me.hcp?.code).toBe('FR10');
    expect(me.abilities).toContain('directory.search');
    expect((await user.api.notifications.list()).items[0]).toMatchObject({ kind: 'access_approved', data: { ernId: 'ERKNet', profile: 'HP' } });
    expect(await user.api.access.mine()).toMatchObject([{ id: request.id, status: 'approved' }]);

    const audit = await t.server.db.prisma.auditRecord.findMany({ where: { recordId: request.id }, orderBy: { seq: 'asc' } });
    expect(audit.map((r) => `${r.action} ${r.outcome} ${r.actorId === user.user.id ? 'user' : r.actorId === coordinator.user.id ? 'coordinator' : '?'}`)).toEqual([
      'access.request success user',
      'access.decide success coordinator',
    ]);
  });

  test('a dispatcher may decide too; a rejection needs a reason and tells the user', async () => {
    const user = await newcomer();
    const dispatcher = await persona(t, 'dispatcher');
    const request = await user.api.access.request({ ernId: 'ERKNet', hcpId: await hcpId('FR10', 'FR'), profile: 'Researcher', comment: '' });
    expect(await refusal(dispatcher.api.access.decide({ requestId: request.id, decision: 'reject' }))).toBe('invalid_input');
    await dispatcher.api.access.decide({ requestId: request.id, decision: 'reject', reason: 'Please ask your hospital’s ERN representative first.' });
    expect(await user.api.access.mine()).toMatchObject([{ status: 'rejected', reason: 'Please ask your hospital’s ERN representative first.' }]);
    expect((await user.api.identity.me()).memberships).toEqual([]);
    expect((await user.api.notifications.list()).items[0]?.kind).toBe('access_rejected');
  });

  test('a request for an ERN or HCP that does not exist, or an HCP outside the ERN, is refused and stores nothing', async () => {
    const user = await newcomer();
    const fr10 = await hcpId('FR10', 'FR');
    expect(await refusal(user.api.access.request({ ernId: 'NoSuchERN', hcpId: fr10, profile: 'HP', comment: '' }))).toBe('not_found');
    expect(await refusal(user.api.access.request({ ernId: 'ERKNet', hcpId: '00000000-0000-4000-8000-000000000000', profile: 'HP', comment: '' }))).toBe('not_found');
    // Charité (DE05) is not an EpiCARE member.
    expect(await refusal(user.api.access.request({ ernId: 'EpiCARE', hcpId: await hcpId('DE05', 'DE'), profile: 'HP', comment: '' }))).toBe('not_found');
    expect(await refusal(user.api.access.hcps({ ernId: 'NoSuchERN', countryCode: 'FR' }))).toBe('not_found');
    expect(await t.server.db.prisma.accessRequest.count()).toBe(0);
  });

  test('a second pending request for the same ERN is refused, even when sent at the same moment', async () => {
    const user = await newcomer();
    const fr10 = await hcpId('FR10', 'FR');
    const results = await Promise.allSettled([0, 1, 2].map(() => user.api.access.request({ ernId: 'ERKNet', hcpId: fr10, profile: 'HP', comment: '' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await refusal(user.api.access.request({ ernId: 'ERKNet', hcpId: fr10, profile: 'Coordinator', comment: '' }))).toBe('request_pending');
    expect(await t.server.db.prisma.accessRequest.count()).toBe(1);
  });

  test('a request for another hospital than one’s own affiliation is refused', async () => {
    const hp = await persona(t, 'hp');
    expect(await refusal(hp.api.access.request({ ernId: 'ITHACA', hcpId: await hcpId('DE05', 'DE'), profile: 'HP', comment: '' }))).toBe('affiliation_mismatch');
    // "Change ERN request": the same hospital in another ERN is fine.
    await hp.api.access.request({ ernId: 'ITHACA', hcpId: await hcpId('FR10', 'FR'), profile: 'HP', comment: '' });
  });

  test('nobody decides on their own request; coordinators of other ERNs see nothing; a decided request cannot be decided again', async () => {
    const coordinator = await persona(t, 'coordinator');
    const own = await coordinator.api.access.request({ ernId: 'ERKNet', hcpId: await hcpId('IT03', 'IT'), profile: 'HP', comment: '' });
    expect(await refusal(coordinator.api.access.decide({ requestId: own.id, decision: 'approve' }))).toBe('own_request');

    const paedCan = await signInUser(t, await buildUser(t.server.db, { memberships: [{ ernId: 'PaedCan', role: 'Coordinator' }], hasher: fastHasher }));
    expect(await paedCan.api.access.pending({})).toEqual([]);
    expect(await refusal(paedCan.api.access.decide({ requestId: own.id, decision: 'approve' }))).toBe('not_found');
    expect(await refusal(paedCan.api.access.pending({ ernId: 'ERKNet' }))).toBe('not_found');

    const dispatcher = await persona(t, 'dispatcher');
    const [first, second] = await Promise.allSettled([
      dispatcher.api.access.decide({ requestId: own.id, decision: 'approve' }),
      dispatcher.api.access.decide({ requestId: own.id, decision: 'reject', reason: 'duplicate' }),
    ]);
    expect([first.status, second.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(await refusal(dispatcher.api.access.decide({ requestId: own.id, decision: 'approve' }))).toBe('already_decided');
  });

  test('the requester may cancel a pending request, not someone else’s', async () => {
    const user = await newcomer();
    const other = await newcomer();
    const request = await user.api.access.request({ ernId: 'ERKNet', hcpId: await hcpId('FR10', 'FR'), profile: 'HP', comment: '' });
    expect(await refusal(other.api.access.cancel({ requestId: request.id }))).toBe('not_found');
    await user.api.access.cancel({ requestId: request.id });
    expect(await refusal(user.api.access.cancel({ requestId: request.id }))).toBe('already_decided');
  });
});

describe('guests', () => {
  test('admitted for the period the coordinator sets, deactivated by the scheduled job when it ends (data kept), and back when extended', async () => {
    const user = await newcomer();
    const coordinator = await persona(t, 'coordinator');
    const guestPl = await hcpId('0000', 'PL');
    const request = await user.api.access.request({ ernId: 'ERKNet', hcpId: guestPl, profile: 'HP', comment: 'Case from Lviv' });
    await coordinator.api.access.decide({ requestId: request.id, decision: 'approve', guestDays: 30 });
    const me = await user.api.identity.me();
    expect(new Date(me.guestUntil!).getTime()).toBe(t.clock.now().getTime() + 30 * dayMs);
    expect(me.hcp).toMatchObject({ code: '0000', guestAccess: true });
    expect(await coordinator.api.access.guests({})).toMatchObject([{ id: user.user.id, status: 'active' }]);

    t.clock.advance(31 * dayMs);
    expect(await refusal(signInUser(t, user.user))).toBe('guest_access_expired');
    await t.server.jobs.runAll();
    expect(await refusal(signInUser(t, user.user))).toBe('account_deactivated');
    const row = await t.server.db.prisma.user.findUniqueOrThrow({ where: { id: user.user.id }, select: { status: true, deactivatedReason: true, firstName: true, memberships: true } });
    expect(row).toMatchObject({ status: 'deactivated', deactivatedReason: 'guest_expired', firstName: user.user.firstName });
    expect(row.memberships).toHaveLength(1);
    expect(await t.server.db.prisma.auditRecord.count({ where: { action: 'jobs.expireGuests', recordId: user.user.id } })).toBe(1);

    const coordinatorAgain = await signInUser(t, coordinator.user);
    await coordinatorAgain.api.access.extendGuest({ userId: user.user.id, days: 10 });
    const back = await signInUser(t, user.user);
    expect(new Date((await back.api.identity.me()).guestUntil!).getTime()).toBe(t.clock.now().getTime() + 10 * dayMs);
  });

  test('a guest past the end of their access is refused at sign-in, before the job has run', async () => {
    const guest = await buildUser(t.server.db, { hcp: { code: '0000', countryCode: 'PL' }, guestUntil: new Date(t.clock.now().getTime() - 1000), hasher: fastHasher });
    expect(await refusal(signInUser(t, guest))).toBe('guest_access_expired');
  });

  test('only the coordinators of the guest’s ERN may extend it', async () => {
    const guest = await persona(t, 'guest');
    const paedCan = await signInUser(t, await buildUser(t.server.db, { memberships: [{ ernId: 'PaedCan', role: 'Coordinator' }], hasher: fastHasher }));
    expect(await refusal(paedCan.api.access.extendGuest({ userId: guest.user.id, days: 30 }))).toBe('not_found');
    const hp = await persona(t, 'hp');
    const coordinator = await persona(t, 'coordinator');
    expect(await refusal(coordinator.api.access.extendGuest({ userId: hp.user.id, days: 30 }))).toBe('not_found');
  });
});
