// Patients (SPEC PT-1 to PT-8) through the real routers: enrolment rules, need to know on identifying
// data, the identity sealed at rest with name search by blind index, the list, consents, the record,
// deletion and anonymisation.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { generatedNicknamePattern } from '../../app/patients/nickname/generate.ts';
import { buildUser, fastHasher } from '../fixtures/factories.ts';
import { enrolment } from '../fixtures/patients.ts';
import { persona, signInUser, type SignedIn } from '../fixtures/personas.ts';
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
const identifying = (input: ReturnType<typeof enrolment>) => [input.identity.firstName, input.identity.lastName, input.identity.localId!, input.identity.dateOfBirth, input.identity.placeOfBirth];

async function clinician(hcp = fr10, ernId = 'ERKNet'): Promise<SignedIn> {
  return signInUser(t, await buildUser(t.server.db, { hcp, memberships: [{ ernId, role: 'HP' }], hasher: fastHasher }));
}

describe('enrolment', () => {
  test('with the EU form and a generated nickname: the record exists with its three consents, identity sealed', async () => {
    const hp = await persona(t, 'hp');
    const input = enrolment({ consents: { care: true, education: true, registry: true } });
    const created = await hp.api.patients.enrol(input);
    expect(created.nickname).toMatch(generatedNicknamePattern);
    expect(created.pseudonymousId).toMatch(/^CS-[0-9A-Z]{10}$/);
    const patient = await hp.api.patients.get({ patientId: created.id });
    expect(patient).toMatchObject({ nickname: created.nickname, sex: 'female', birthYearMonth: '2015-03', identity: input.identity, realName: `${input.identity.firstName} ${input.identity.lastName}` });
    expect(patient.consents.map((c) => `${c.kind} ${c.form} ${c.withdrawnAt === null}`)).toEqual(['care EU true', 'education EU true', 'registry EU true']);
    expect((await hp.api.patients.history({ patientId: created.id }))[0]).toMatchObject({ kind: 'enrolled' });

    // Nothing identifying in the database in plaintext.
    const dump = JSON.stringify(await t.server.db.prisma.patient.findMany({ include: { nameTokens: true, consents: true, events: true } })) + JSON.stringify(await t.server.db.prisma.auditRecord.findMany());
    for (const value of identifying(input)) expect(dump).not.toContain(value);
  });

  test('the Ukrainian form records the primary consent only; no enrolment without the consent to care', async () => {
    const hp = await persona(t, 'hp');
    expect(await refusal(hp.api.patients.enrol(enrolment({ consentForm: 'UA', consents: { care: true, education: true, registry: false } })))).toBe('invalid_input');
    expect(await refusal(hp.api.patients.enrol({ ...enrolment(), consents: { care: false as true, education: true, registry: true } }))).toBe('invalid_input');
    const ua = await hp.api.patients.enrol(enrolment({ consentForm: 'UA', consents: { care: true, education: false, registry: false } }));
    expect((await hp.api.patients.get({ patientId: ua.id })).consents.map((c) => `${c.kind} ${c.form}`)).toEqual(['care UA']);
    expect(await t.server.db.prisma.patient.count()).toBe(1);
  });

  test('bad input changes nothing: a birth date in the future, a nickname like the name, a nickname already taken, an ERN where one is no clinician', async () => {
    const hp = await persona(t, 'hp');
    t.clock.set('2030-03-04T09:00:10.000Z');
    expect(await refusal(hp.api.patients.enrol(enrolment({ identity: { dateOfBirth: '2031-01-01' } })))).toBe('invalid_input');
    expect(await refusal(hp.api.patients.enrol(enrolment({ identity: { firstName: 'Ingrid', lastName: 'Svensson' }, nickname: 'Svenson Blue' })))).toBe('nickname_resembles_name');
    await hp.api.patients.enrol(enrolment({ nickname: 'Amber Falcon 12' }));
    expect(await refusal(hp.api.patients.enrol(enrolment({ nickname: 'amber  falcon 12' })))).toBe('nickname_taken');
    expect(await refusal(hp.api.patients.enrol(enrolment({ ernId: 'EpiCARE' })))).toBe('forbidden');
    expect(await t.server.db.prisma.patient.count()).toBe(1);
  });

  test('the nickname check answers before "Validate": free, taken, like the name, malformed', async () => {
    const hp = await persona(t, 'hp');
    await hp.api.patients.enrol(enrolment({ nickname: 'Amber Falcon 12' }));
    const check = (nickname: string) => hp.api.patients.checkNickname({ nickname, firstName: 'Ingrid', lastName: 'Svensson' });
    expect((await check('Granite Heron')).verdict).toBe('ok');
    expect((await check('AMBER falcon 12')).verdict).toBe('taken');
    expect((await check('Ingrid 3')).verdict).toBe('resembles_name');
    expect((await check('!!')).verdict).toBe('invalid');
    expect((await hp.api.patients.suggestNickname({ firstName: 'Ingrid', lastName: 'Svensson' })).nickname).toMatch(generatedNicknamePattern);
  });
});

describe('need to know', () => {
  test('the enrolling clinician, their acting assistant and the HCP’s GDPR officer see the identity; a participant and a colleague see the pseudonymised record only; others nothing', async () => {
    const acting = await persona(t, 'assistantActing');
    const lead = acting.principal!;
    const input = enrolment();
    const { id } = await lead.api.patients.enrol(input);

    const participant = await clinician({ code: 'DE05', countryCode: 'DE' });
    await lead.api.patients.addParticipant({ patientId: id, userId: participant.user.id });
    const colleague = await clinician();
    const gdpr = await persona(t, 'gdprOfficer');
    const stranger = await clinician({ code: 'IT03', countryCode: 'IT' });
    const otherGdpr = await signInUser(t, await buildUser(t.server.db, { memberships: [], globalRoles: [{ role: 'GDPROfficer', hcp: { code: 'DE05', countryCode: 'DE' } }], hasher: fastHasher }));

    for (const reader of [lead, acting, gdpr]) expect((await reader.api.patients.get({ patientId: id })).identity).toEqual(input.identity);
    for (const reader of [participant, colleague]) {
      const seen = await reader.api.patients.get({ patientId: id });
      expect(seen).toMatchObject({ identity: null, realName: null, birthYearMonth: '2015-03' });
      const list = await reader.api.patients.list({});
      const answers = JSON.stringify(seen) + JSON.stringify(list);
      for (const value of identifying(input)) expect(answers).not.toContain(value);
    }
    for (const outsider of [stranger, otherGdpr]) {
      expect(await refusal(outsider.api.patients.get({ patientId: id }))).toBe('not_found');
      expect((await outsider.api.patients.list({})).total).toBe(0);
    }
    // The assistant's reads are recorded on the clinician's behalf.
    expect(await t.server.db.prisma.auditRecord.count({ where: { action: 'patients.get', actorId: acting.user.id, onBehalfOfId: lead.user.id } })).toBe(1);
  });

  test('search by real name works for the enrolling clinician only; by nickname for everyone with access', async () => {
    const lead = await persona(t, 'hp');
    const { id, nickname } = await lead.api.patients.enrol(enrolment({ identity: { firstName: 'Émilie', lastName: 'Dufresne-Aubert' }, nickname: 'Granite Heron 5' }));
    await lead.api.patients.enrol(enrolment({ identity: { firstName: 'Paul', lastName: 'Martel' } }));
    const participant = await clinician({ code: 'DE05', countryCode: 'DE' });
    await lead.api.patients.addParticipant({ patientId: id, userId: participant.user.id });

    const names = async (who: SignedIn, search: string) => (await who.api.patients.list({ search })).items.map((p) => p.nickname);
    expect(await names(lead, 'dufres')).toEqual([nickname]);
    expect(await names(lead, 'emilie aubert')).toEqual([nickname]);
    expect(await names(lead, 'EMI')).toEqual([nickname]);
    expect(await names(participant, 'dufres')).toEqual([]);
    expect(await names(participant, 'granite h')).toEqual([nickname]);
  });
});

describe('the list', () => {
  test('filters, sorts and pages on the server', async () => {
    const lead = await persona(t, 'hp');
    const nicknames = ['Birch Canyon 1', 'Amber Falcon 2', 'Cedar Lagoon 3', 'Dune Orchid 4', 'Ember Quartz 5'];
    for (const [i, nickname] of nicknames.entries()) {
      t.clock.advance(1000);
      await lead.api.patients.enrol(enrolment({ nickname, sex: i % 2 === 0 ? 'female' : 'male', identity: { dateOfBirth: `201${i}-0${i + 1}-01` } }));
    }
    const page = await lead.api.patients.list({ sort: 'nickname', direction: 'asc', pageSize: 2, page: 1 });
    expect(page).toMatchObject({ total: 5 });
    expect(page.items.map((p) => p.nickname)).toEqual(['Cedar Lagoon 3', 'Dune Orchid 4']);
    expect((await lead.api.patients.list({ sex: 'male' })).items.map((p) => p.nickname)).toEqual(['Dune Orchid 4', 'Amber Falcon 2']);
    expect((await lead.api.patients.list({ sort: 'birthYearMonth', direction: 'desc', pageSize: 1 })).items[0]?.birthYearMonth).toBe('2014-05');
    expect((await lead.api.patients.list({ ernId: 'ITHACA' })).total).toBe(0);
    expect((await lead.api.patients.list({ mine: true })).total).toBe(5);
  });
});

describe('consents, record, deletion', () => {
  test('consents are withdrawn with effect at once, in part or whole; only the treating team may', async () => {
    const lead = await persona(t, 'hp');
    const { id } = await lead.api.patients.enrol(enrolment({ consents: { care: true, education: true, registry: true } }));
    const participant = await clinician({ code: 'DE05', countryCode: 'DE' });
    await lead.api.patients.addParticipant({ patientId: id, userId: participant.user.id });
    expect(await refusal(participant.api.patients.withdrawConsents({ patientId: id, kinds: ['registry'] }))).toBe('forbidden');

    await lead.api.patients.withdrawConsents({ patientId: id, kinds: ['registry'] });
    const withdrawn = (p: Awaited<ReturnType<typeof lead.api.patients.get>>) => p.consents.filter((c) => c.withdrawnAt).map((c) => c.kind);
    expect(withdrawn(await lead.api.patients.get({ patientId: id }))).toEqual(['registry']);
    expect(await refusal(lead.api.patients.withdrawConsents({ patientId: id, kinds: ['registry'] }))).toBe('already_decided');
    await lead.api.patients.withdrawConsents({ patientId: id, kinds: ['care'] });
    expect(withdrawn(await lead.api.patients.get({ patientId: id }))).toEqual(['care', 'education', 'registry']);
  });

  test('the medical record is saved with its version: a save over a newer one is refused, nothing lost', async () => {
    const lead = await persona(t, 'hp');
    const colleague = await clinician();
    const { id } = await lead.api.patients.enrol(enrolment());
    const first = await lead.api.patients.saveRecord({ patientId: id, version: 0, record: { summary: 'Steroid-resistant nephrotic syndrome since age 3.' } });
    expect(first.version).toBe(1);
    expect(await refusal(colleague.api.patients.saveRecord({ patientId: id, version: 0, record: { summary: 'Overwriting' } }))).toBe('conflict');
    expect((await colleague.api.patients.get({ patientId: id })).record.summary).toBe('Steroid-resistant nephrotic syndrome since age 3.');
  });

  test('clinicians of the enrolling HCP may delete the record; participants may not', async () => {
    const lead = await persona(t, 'hp');
    const { id } = await lead.api.patients.enrol(enrolment());
    const participant = await clinician({ code: 'DE05', countryCode: 'DE' });
    await lead.api.patients.addParticipant({ patientId: id, userId: participant.user.id });
    expect(await refusal(participant.api.patients.delete({ patientId: id }))).toBe('forbidden');
    const colleague = await clinician();
    await colleague.api.patients.delete({ patientId: id });
    expect(await refusal(lead.api.patients.get({ patientId: id }))).toBe('not_found');
    expect(await t.server.db.prisma.patientNameToken.count()).toBe(0);
  });
});

describe('GDPR erasure', () => {
  test('the HCP’s GDPR officer erases the identifying data; the record stays, anonymised, with no link back', async () => {
    const lead = await persona(t, 'hp');
    const input = enrolment({ nickname: 'Velvet Tundra 9' });
    const { id } = await lead.api.patients.enrol(input);
    const gdpr = await persona(t, 'gdprOfficer');
    expect(await refusal(lead.api.patients.erase({ patientId: id, confirm: 'Velvet Tundra 9' }))).toBe('forbidden');
    expect(await refusal(gdpr.api.patients.erase({ patientId: id, confirm: 'Another 1' }))).toBe('confirmation_mismatch');
    await gdpr.api.patients.erase({ patientId: id, confirm: 'velvet tundra 9' });

    const after = await lead.api.patients.get({ patientId: id });
    expect(after).toMatchObject({ status: 'anonymised', identity: null, realName: null, birthYearMonth: '2015', nickname: 'Velvet Tundra 9' });
    expect((await lead.api.patients.list({ search: input.identity.lastName })).total).toBe(0);
    expect(await t.server.db.prisma.patientNameToken.count()).toBe(0);
    expect(await refusal(gdpr.api.patients.erase({ patientId: id, confirm: 'Velvet Tundra 9' }))).toBe('already_decided');
  });
});
