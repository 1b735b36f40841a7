// "Patient Records" (SPEC PT-6): every page of the list, for every kind of reader, holds exactly the
// records the need-to-know policy (app/patients/policy.ts) lets them see — filtered, searched (real
// names only where the reader may see them) and sorted as asked, each record once, the total right.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Principal } from '../../app/access/actor.ts';
import type { ErnRole } from '../../app/identity/roles.ts';
import { maySeeIdentity, maySeeRecord } from '../../app/patients/policy.ts';
import type { EnrolInput, PatientListInput, Sex } from '../../app/patients/schemas.ts';
import { foldedWords, foldText } from '../../app/text/fold.ts';
import { durableEnv, tempDataDir } from '../fixtures/durable.ts';
import { buildUser, fastHasher, seconds } from '../fixtures/factories.ts';
import { signInUser, type SignedIn } from '../fixtures/personas.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const fr10 = { code: 'FR10', countryCode: 'FR' };
const de05 = { code: 'DE05', countryCode: 'DE' };
const guestPl = { code: '0000', countryCode: 'PL' };
const hp = (...erns: string[]) => erns.map((ernId) => ({ ernId, role: 'HP' as ErnRole }));

type Reader = 'alice' | 'assistant' | 'bob' | 'carla' | 'dan' | 'mover' | 'guest1' | 'guest2' | 'gdprFr' | 'gdprDe';
type Enroller = 'alice' | 'bob' | 'carla' | 'dan' | 'mover' | 'guest1';

interface Spec {
  readonly by: Enroller;
  readonly first: string;
  readonly last: string;
  readonly sex: Sex;
  readonly born: string;
  readonly ern?: string;
  readonly nickname?: string;
  /** Enrolled at the same instant as the one before (ties are broken by id). */
  readonly sameInstant?: boolean;
}

const specs: Spec[] = [
  { by: 'alice', first: 'Marta', last: 'Novák', sex: 'female', born: '2015-03-02', nickname: 'Amber Fox 1' },
  { by: 'alice', first: 'Lukas', last: 'Martínez', sex: 'male', born: '2012-07-19', nickname: 'Amber Owl 2', ern: 'ITHACA' },
  { by: 'alice', first: 'Elena', last: 'van den Berg', sex: 'female', born: '2019-11-30', nickname: 'Cobalt Reef 3', sameInstant: true },
  { by: 'alice', first: 'Jonas', last: 'Müller', sex: 'male', born: '2015-03-14', sameInstant: true },
  { by: 'alice', first: 'Zoé', last: 'Dubois', sex: 'other', born: '2020-01-05', nickname: 'Élan Vital 5', sameInstant: true },
  { by: 'alice', first: 'Maria', last: 'Nowak', sex: 'female', born: '2011-06-21', ern: 'ITHACA' },
  { by: 'bob', first: 'Elias', last: 'Schmidt', sex: 'male', born: '2016-09-09', nickname: 'Marble Kite 7' },
  { by: 'bob', first: 'Chiara', last: 'Martin', sex: 'female', born: '2015-03-01' },
  { by: 'bob', first: 'Théo', last: 'Lefèvre', sex: 'unknown', born: '2018-02-28', nickname: 'amber lake 9' },
  { by: 'carla', first: 'Anna', last: 'Novotný', sex: 'female', born: '2013-04-04', nickname: 'Amberjack 10' },
  { by: 'carla', first: 'Felix', last: 'Marino', sex: 'male', born: '2017-12-12' },
  { by: 'dan', first: 'Ida', last: 'Berg', sex: 'female', born: '2014-08-08', nickname: 'Van Gogh 12' },
  { by: 'mover', first: 'Paul', last: 'Martin', sex: 'male', born: '2010-10-10', nickname: 'Marigold 13' },
  { by: 'mover', first: 'Sara', last: 'Elander', sex: 'female', born: '2012-05-05' },
  { by: 'guest1', first: 'Jan', last: 'Nowak', sex: 'male', born: '2016-01-01', nickname: 'Amber Nest 15' },
  { by: 'guest1', first: 'Ieva', last: 'Kazlauskas', sex: 'female', born: '2019-09-19' },
];

const queries: PatientListInput[] = [
  {},
  { direction: 'asc' },
  { sort: 'nickname' },
  { sort: 'nickname', direction: 'asc' },
  { sort: 'birthYearMonth', direction: 'asc' },
  { sort: 'birthYearMonth' },
  { ernId: 'ITHACA' },
  { sex: 'female', sort: 'nickname', direction: 'asc' },
  { mine: true },
  { includeAnonymised: false },
  { search: 'am' },
  { search: 'AMBER  f' },
  { search: 'ela' },
  { search: 'Élan' },
  { search: 'mar' },
  { search: 'martinez' },
  { search: 'van berg' },
  { search: 'berg' },
  { search: 'nov', sort: 'nickname', direction: 'asc' },
  { search: 'zzz' },
  { search: 'mar', ernId: 'ERKNet', sort: 'birthYearMonth', includeAnonymised: false },
];

interface Fact {
  readonly id: string;
  readonly enrolledById: string;
  readonly hcpId: string;
  readonly participantIds: string[];
  readonly nickname: string;
  readonly nicknameKey: string;
  readonly ernId: string;
  readonly sex: string;
  readonly status: string;
  readonly birthYearMonth: string;
  readonly createdAt: Date;
}

let t: TestServer;
const readers = new Map<Reader, SignedIn>();
/** Whose eyes each reader lists with (an assistant acting for Alice sees as Alice). */
const principals = new Map<Reader, Principal>();
const names = new Map<string, string>();
let facts: Fact[] = [];

beforeAll(async () => {
  t = await startTestServer({ hasher: fastHasher });
  const db = t.server.db;
  const user = async (reader: Reader, overrides: Parameters<typeof buildUser>[1]) => {
    const signedIn = await signInUser(t, await buildUser(db, { hasher: fastHasher, createdAt: t.clock.now(), ...overrides }));
    readers.set(reader, signedIn);
    return signedIn;
  };
  const guestUntil = new Date(t.clock.now().getTime() + 30 * 86_400_000);
  await user('alice', { hcp: fr10, memberships: hp('ERKNet', 'ITHACA') });
  await user('bob', { hcp: fr10, memberships: hp('ERKNet') });
  await user('carla', { hcp: de05, memberships: hp('ERKNet') });
  await user('dan', { hcp: de05, memberships: hp('ERKNet') });
  await user('mover', { hcp: fr10, memberships: hp('ERKNet') });
  await user('guest1', { hcp: guestPl, memberships: hp('ERKNet'), guestUntil });
  await user('guest2', { hcp: guestPl, memberships: hp('ERKNet'), guestUntil });
  await user('gdprFr', { hcp: fr10, memberships: [], globalRoles: [{ role: 'GDPROfficer', hcp: fr10 }] });
  await user('gdprDe', { hcp: de05, memberships: [], globalRoles: [{ role: 'GDPROfficer', hcp: de05 }] });
  const assistant = await user('assistant', { hcp: fr10, memberships: [{ ernId: 'ERKNet', role: 'Assistant' }] });
  const as = (reader: Reader) => readers.get(reader)!;
  await as('alice').api.assistants.appoint({ userId: assistant.user.id });
  await assistant.api.assistants.actAs({ principalId: as('alice').user.id });

  const ids: string[] = [];
  for (const spec of specs) {
    if (!spec.sameInstant) t.clock.advance(seconds(5));
    const input: EnrolInput = {
      ernId: spec.ern ?? 'ERKNet',
      identity: { firstName: spec.first, lastName: spec.last, dateOfBirth: spec.born, placeOfBirth: 'Lyon', nationality: 'FR' },
      sex: spec.sex,
      birthArea: 'FR',
      residenceArea: 'FR',
      consentForm: 'EU',
      consents: { care: true },
      ...(spec.nickname ? { nickname: spec.nickname } : {}),
    };
    const { id } = await as(spec.by).api.patients.enrol(input);
    ids.push(id);
    names.set(id, `${spec.first} ${spec.last}`);
  }
  // Shared records: Carla by Alice and by Bob (treating team), Dan by a guest, Carla by the mover.
  await as('alice').api.patients.addParticipant({ patientId: ids[0]!, userId: as('carla').user.id });
  await as('bob').api.patients.addParticipant({ patientId: ids[5]!, userId: as('carla').user.id });
  await as('guest1').api.patients.addParticipant({ patientId: ids[14]!, userId: as('dan').user.id });
  await as('mover').api.patients.addParticipant({ patientId: ids[13]!, userId: as('carla').user.id });
  // The mover changes hospital: her FR10 records stay at FR10, she keeps them as their enroller.
  const de05Id = (await db.prisma.hcp.findUniqueOrThrow({ where: { code_countryCode: de05 }, select: { id: true } })).id;
  await db.prisma.user.update({ where: { id: as('mover').user.id }, data: { hcpId: de05Id } });
  // On the patient's request the GDPR officer anonymises one of Alice's records.
  await as('gdprFr').api.patients.erase({ patientId: ids[3]!, confirm: (await as('alice').api.patients.get({ patientId: ids[3]! })).nickname });

  for (const [reader, signedIn] of readers) {
    const actor = await t.server.services.actors.load({ userId: signedIn.user.id, sessionId: '', actingForId: reader === 'assistant' ? as('alice').user.id : null });
    principals.set(reader, actor.actingFor ?? actor);
  }
  const rows = await db.prisma.patient.findMany({
    select: { id: true, enrolledById: true, hcpId: true, nickname: true, nicknameKey: true, ernId: true, sex: true, status: true, birthYearMonth: true, createdAt: true, participants: { select: { userId: true } } },
  });
  facts = rows.map(({ participants, ...row }) => ({ ...row, participantIds: participants.map((p) => p.userId) }));
});

afterAll(async () => {
  await t.close();
});

/** Whether a reader's search finds the record: nickname prefix, or every word of 3+ letters begins a word of the real name they may see. */
function found(principal: Principal, fact: Fact, search: string): boolean {
  const folded = foldText(search.trim());
  if (!folded || fact.nicknameKey.startsWith(folded)) return true;
  const words = foldedWords(folded).filter((w) => w.length >= 3);
  if (words.length === 0 || fact.status !== 'active' || !maySeeIdentity(principal, fact)) return false;
  const nameWords = foldedWords(names.get(fact.id)!);
  return words.every((w) => nameWords.some((n) => n.startsWith(w)));
}

function compare(query: PatientListInput): (a: Fact, b: Fact) => number {
  const by = (x: string | number, y: string | number) => (x < y ? -1 : x > y ? 1 : 0);
  const sign = query.direction === 'asc' ? 1 : -1;
  if (query.sort === 'nickname') return (a, b) => sign * by(a.nicknameKey, b.nicknameKey);
  if (query.sort === 'birthYearMonth') return (a, b) => sign * by(a.birthYearMonth, b.birthYearMonth) || by(a.nicknameKey, b.nicknameKey);
  return (a, b) => sign * (by(a.createdAt.getTime(), b.createdAt.getTime()) || by(a.id, b.id));
}

/** What the list must show: the policy applied to every record, then filters, search and order. */
function expected(reader: Reader, query: PatientListInput): Fact[] {
  const principal = principals.get(reader)!;
  return facts
    .filter((f) => maySeeRecord(principal, f))
    .filter((f) => (!query.ernId || f.ernId === query.ernId) && (!query.sex || f.sex === query.sex))
    .filter((f) => (!query.mine || f.enrolledById === principal.userId) && (query.includeAnonymised !== false || f.status === 'active'))
    .filter((f) => found(principal, f, query.search ?? ''))
    .sort(compare(query));
}

/** Every page of the list, small pages, until one comes back short; each page's total. */
async function walk(reader: Reader, query: PatientListInput) {
  const pageSize = 4;
  const items = [];
  const totals = new Set<number>();
  for (let page = 0; ; page++) {
    const result = await readers.get(reader)!.api.patients.list({ ...query, page, pageSize });
    totals.add(result.total);
    items.push(...result.items);
    if (result.items.length < pageSize) break;
  }
  return { items, totals: [...totals] };
}

const allReaders: Reader[] = ['alice', 'assistant', 'bob', 'carla', 'dan', 'mover', 'guest1', 'guest2', 'gdprFr', 'gdprDe'];

describe('the Patient Records list', () => {
  test('the world is as intended: each reader sees a different set, some of them records of other hospitals', () => {
    const seen = (reader: Reader) => expected(reader, {}).length;
    expect(allReaders.map((reader) => [reader, seen(reader)])).toEqual([
      ['alice', 11], ['assistant', 11], ['bob', 11], ['carla', 6], ['dan', 4], ['mover', 5], ['guest1', 2], ['guest2', 0], ['gdprFr', 11], ['gdprDe', 3],
    ]);
  });

  test.each(allReaders)('as %s, every page of every query holds exactly the records the policy allows, in order, once', async (reader) => {
    const principal = principals.get(reader)!;
    for (const query of queries) {
      const want = expected(reader, query);
      const { items, totals } = await walk(reader, query);
      const label = `${reader} ${JSON.stringify(query)}`;
      expect(totals, label).toEqual([want.length]);
      expect(items.map((item) => item.nickname), label).toEqual(want.map((f) => f.nickname));
      for (const [i, item] of items.entries()) {
        const fact = want[i]!;
        expect(item, label).toMatchObject({ id: fact.id, ernId: fact.ernId, sex: fact.sex, birthYearMonth: fact.birthYearMonth, status: fact.status, createdAt: fact.createdAt.toISOString() });
        const enroller = [...readers.values()].find((r) => r.user.id === fact.enrolledById)!.user;
        expect(item.enrolledBy, label).toEqual({ id: fact.enrolledById, name: `${enroller.firstName} ${enroller.lastName}` });
        // The real name is shown only to those who may see the identity, and never after anonymisation.
        expect(item.realName, label).toBe(fact.status === 'active' && maySeeIdentity(principal, fact) ? names.get(fact.id) : null);
      }
    }
  });

  test('a colleague of the treating team finds a record by nickname but not by the real name; its enroller finds it by both', async () => {
    const nickname = (r: { items: Array<{ nickname: string }> }) => r.items.map((i) => i.nickname);
    const bob = readers.get('bob')!.api;
    const alice = readers.get('alice')!.api;
    expect(nickname(await alice.patients.list({ search: 'novák' }))).toEqual(['Amber Fox 1']);
    expect(nickname(await bob.patients.list({ search: 'novák' }))).toEqual([]);
    expect(nickname(await bob.patients.list({ search: 'amber fox' }))).toEqual(['Amber Fox 1']);
    expect((await bob.patients.list({ search: 'amber fox' })).items[0]?.realName).toBeNull();
  });

  test('a page past the end is empty and still gives the total', async () => {
    const result = await readers.get('alice')!.api.patients.list({ page: 50, pageSize: 10 });
    expect(result).toEqual({ total: 11, items: [] });
  });

  test('a guest sees only what they enrolled or were invited to, never the other guests of the same pseudo-hospital', async () => {
    expect((await readers.get('guest2')!.api.patients.list({})).total).toBe(0);
    expect((await readers.get('guest1')!.api.patients.list({})).items.map((i) => i.realName).sort()).toEqual(['Ieva Kazlauskas', 'Jan Nowak']);
  });
});

describe('on a durable server', () => {
  test('listing is a read: nothing is journaled, whatever the search or page', async () => {
    const data = await tempDataDir();
    const durable = await startTestServer({ argv: [], env: durableEnv(data.dir), hasher: fastHasher });
    try {
      const clinician = await signInUser(durable, await buildUser(durable.server.db, { hcp: fr10, memberships: hp('ERKNet'), hasher: fastHasher }));
      await clinician.api.patients.enrol({
        ernId: 'ERKNet',
        identity: { firstName: 'Marta', lastName: 'Novák', dateOfBirth: '2015-03-02', placeOfBirth: 'Lyon', nationality: 'FR' },
        sex: 'female',
        birthArea: 'FR',
        residenceArea: 'FR',
        consentForm: 'EU',
        consents: { care: true },
        nickname: 'Amber Fox 1',
      });
      const store = durable.server.db.store!;
      const before = store.recordsSinceSnapshot;
      expect((await clinician.api.patients.list({ search: 'novák' })).items.map((i) => i.realName)).toEqual(['Marta Novák']);
      expect(await clinician.api.patients.list({ page: 3 })).toEqual({ total: 1, items: [] });
      expect((await clinician.api.patients.list({ sort: 'nickname' })).total).toBe(1);
      expect(store.recordsSinceSnapshot).toBe(before);
    } finally {
      await durable.close();
      await data.remove();
    }
  });
});
