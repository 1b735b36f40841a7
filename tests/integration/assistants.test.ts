// Assistants (SPEC ID-4): appointed by an ERN clinician among colleagues of the same HCP, they act
// with the clinician's permissions, recorded and shown as on the clinician's behalf, until revoked.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { persona, signInUser } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer;

beforeEach(async () => {
  t = await startTestServer({ hasher: fastHasher });
});

afterEach(async () => {
  await t.close();
});

const fr10 = { code: 'FR10', countryCode: 'FR' };

describe('appointing an assistant', () => {
  test('only a colleague of the same hospital can be appointed; candidates are listed from it', async () => {
    const clinician = await persona(t, 'hp');
    const colleague = await buildUser(t.server.db, { hcp: fr10, memberships: [{ ernId: 'ERKNet', role: 'Assistant' }], firstName: 'Anne', lastName: 'Colleague', hasher: fastHasher });
    const elsewhere = await buildUser(t.server.db, { hcp: { code: 'DE05', countryCode: 'DE' }, memberships: [], firstName: 'Anne', lastName: 'Elsewhere', hasher: fastHasher });

    const candidates = await clinician.api.assistants.candidates({ query: 'Anne' });
    expect(candidates.map((c) => c.lastName)).toEqual(['Colleague']);
    expect(await refusal(clinician.api.assistants.appoint({ userId: elsewhere.id }))).toBe('not_same_hcp');
    expect(await refusal(clinician.api.assistants.appoint({ userId: clinician.user.id }))).toBe('invalid_input');
    expect(await t.server.db.prisma.assistantAppointment.count()).toBe(0);

    await clinician.api.assistants.appoint({ userId: colleague.id });
    expect(await refusal(clinician.api.assistants.appoint({ userId: colleague.id }))).toBe('conflict');
    expect((await clinician.api.assistants.list()).assistants.map((a) => a.user.id)).toEqual([colleague.id]);
  });
});

describe('acting on behalf', () => {
  test('the assistant acts with the clinician’s permissions; the audit log records both; revoking ends it at once', async () => {
    const clinician = await persona(t, 'hp');
    const assistant = await signInUser(t, await buildUser(t.server.db, { hcp: fr10, memberships: [{ ernId: 'ERKNet', role: 'Assistant' }], hasher: fastHasher }));
    const stranger = await persona(t, 'hp');

    // Before any appointment: an Assistant has no permission of their own.
    expect(await refusal(assistant.api.directory.search({}))).toBe('forbidden');
    const { appointmentId } = await clinician.api.assistants.appoint({ userId: assistant.user.id });
    expect((await assistant.api.notifications.list()).items[0]).toMatchObject({ kind: 'assistant_appointed', data: { principalId: clinician.user.id } });
    expect(await refusal(assistant.api.assistants.actAs({ principalId: stranger.user.id }))).toBe('not_found');

    const me = await assistant.api.identity.me();
    expect(me.canActFor.map((p) => p.id)).toEqual([clinician.user.id]);
    await assistant.api.assistants.actAs({ principalId: clinician.user.id });
    const acting = await assistant.api.identity.me();
    expect(acting.actingFor?.id).toBe(clinician.user.id);
    expect(acting.abilities).toContain('directory.search');

    await assistant.api.directory.search({ name: 'x' });
    // Own-account actions stay the assistant's own, never the clinician's.
    expect(acting.abilities).not.toContain('assistants.appoint');

    await assistant.api.notifications.markRead({});
    const records = await t.server.db.prisma.auditRecord.findMany({ where: { actorId: assistant.user.id, outcome: 'success' }, orderBy: { seq: 'asc' } });
    expect(records.map((r) => [r.action, r.onBehalfOfId])).toEqual([
      ['identity.signIn', null],
      ['assistants.actAs', null],
      // Done with the clinician's permissions: recorded on their behalf, even a search.
      ['directory.search', clinician.user.id],
      // The assistant's own notifications are their own business.
      ['notifications.markRead', null],
    ]);

    await clinician.api.assistants.revoke({ appointmentId });
    expect((await assistant.api.identity.me()).actingFor).toBeNull();
    expect(await refusal(assistant.api.directory.search({}))).toBe('forbidden');
    expect(await refusal(clinician.api.assistants.revoke({ appointmentId }))).toBe('not_found');
  });

  test('Support finds what was done on a clinician’s behalf by filtering the audit log on the clinician', async () => {
    const acting = await persona(t, 'assistantActing');
    const principal = acting.principal!;
    await acting.api.directory.search({ name: 'Martin' });
    // What the assistant may not do even for the clinician is refused and recorded as theirs.
    expect(await refusal(acting.api.audit.search({}))).toBe('forbidden');
    expect(await t.server.db.prisma.auditRecord.findFirstOrThrow({ where: { actorId: acting.user.id, outcome: 'denied' } })).toMatchObject({ action: 'audit.search', onBehalfOfId: null });

    const support = await persona(t, 'support');
    const found = await support.api.audit.search({ user: principal.user.id, action: 'directory' });
    expect(found.records).toHaveLength(1);
    expect(found.records[0]).toMatchObject({
      action: 'directory.search',
      outcome: 'success',
      actor: { id: acting.user.id, name: `${acting.user.firstName} ${acting.user.lastName}` },
      onBehalfOf: { id: principal.user.id, name: `${principal.user.firstName} ${principal.user.lastName}` },
    });
  });
});
