// The 15-year retention review (SPEC PT-8, GV-3) with the fake clock: when a record's review comes,
// the scheduled job reminds the clinicians of the enrolling HCP once ("patient_review_due", with the
// patient's id and nickname); one of them keeps the record for another 15 years (History, audit), or
// deletes it; nobody else may record the review, and not before it is due.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUser, type BuiltUser, fastHasher } from '../fixtures/factories.ts';
import { enrolPatient } from '../fixtures/patients.ts';
import { persona, type SignedIn, signInUser } from '../fixtures/personas.ts';
import { refusal } from '../fixtures/refusal.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

const enrolledAt = '2030-03-04T09:00:10.000Z';
const years = (n: number, from = enrolledAt) => {
  const date = new Date(from);
  date.setUTCFullYear(date.getUTCFullYear() + n);
  return date.toISOString();
};

let t: TestServer;
let users: Record<'enroller' | 'colleague' | 'participant' | 'officer' | 'elsewhere', BuiltUser>;
let patient: { id: string; nickname: string };

/** Sessions of this stretch of time (a one-time code works once; moving the clock by years ends them all). */
let sessions = new Map<string, SignedIn>();
async function as(user: BuiltUser): Promise<SignedIn> {
  const session = sessions.get(user.id) ?? (await signInUser(t, user));
  sessions.set(user.id, session);
  return session;
}
function moveClockTo(at: string): void {
  t.clock.set(at);
  sessions = new Map();
}

async function notificationsOf(user: BuiltUser) {
  return (await (await as(user)).api.notifications.list()).items.filter((n) => n.kind === 'patient_review_due');
}

beforeAll(async () => {
  t = await startTestServer({ hasher: fastHasher });
  const enroller = await persona(t, 'hp');
  const colleague = await persona(t, 'hp');
  const officer = await persona(t, 'gdprOfficer');
  const it03 = { code: 'IT03', countryCode: 'IT' };
  const participant = await buildUser(t.server.db, { hasher: fastHasher, hcp: it03, createdAt: t.clock.now() });
  const elsewhere = await buildUser(t.server.db, { hasher: fastHasher, hcp: it03, createdAt: t.clock.now() });
  users = { enroller: enroller.user, colleague: colleague.user, participant, officer: officer.user, elsewhere };
  for (const signedIn of [enroller, colleague, officer]) sessions.set(signedIn.user.id, signedIn);
  patient = await enrolPatient(enroller);
  await enroller.api.patients.addParticipant({ patientId: patient.id, userId: participant.id });
});

afterAll(async () => {
  await t.close();
});

describe('the 15-year review', () => {
  test('is not due at enrolment: no reminder, and the record cannot be "kept" yet', async () => {
    const enroller = await as(users.enroller);
    expect(await enroller.api.patients.get({ patientId: patient.id })).toMatchObject({ reviewDueAt: years(15), reviewDue: false });
    await t.server.jobs.runAll();
    expect(await notificationsOf(users.enroller)).toEqual([]);
    expect(await refusal(enroller.api.patients.keepAfterReview({ patientId: patient.id }))).toBe('review_not_due');
  });

  test('when it comes, the clinicians of the enrolling HCP are reminded once; participants elsewhere and the GDPR officer are not', async () => {
    moveClockTo(years(15, '2030-03-04T09:00:40.000Z'));
    await t.server.jobs.runAll();
    await t.server.jobs.runAll();
    for (const user of [users.enroller, users.colleague]) {
      expect(await notificationsOf(user)).toEqual([expect.objectContaining({ data: { patientId: patient.id, nickname: patient.nickname, dueAt: years(15) }, read: false })]);
    }
    for (const user of [users.participant, users.officer]) expect(await notificationsOf(user)).toEqual([]);
    const audit = await t.server.db.prisma.auditRecord.findMany({ where: { action: 'jobs.remindPatientReviews' }, select: { recordId: true, actorId: true, outcome: true } });
    expect(audit).toEqual([{ recordId: patient.id, actorId: null, outcome: 'success' }]);
    const record = await (await as(users.enroller)).api.patients.get({ patientId: patient.id });
    expect(record.reviewDue).toBe(true);
    expect((await (await as(users.enroller)).api.patients.history({ patientId: patient.id })).find((e) => e.kind === 'review_reminded')).toMatchObject({ actor: null, details: { clinicians: 2 } });
  });

  test('only a clinician of the enrolling HCP records it: a participant may not, a stranger is told "not found"', async () => {
    expect(await refusal((await as(users.participant)).api.patients.keepAfterReview({ patientId: patient.id }))).toBe('forbidden');
    expect(await refusal((await as(users.elsewhere)).api.patients.keepAfterReview({ patientId: patient.id }))).toBe('not_found');
    expect(await refusal((await as(users.officer)).api.patients.keepAfterReview({ patientId: patient.id }))).toBe('forbidden');
  });

  test('"Keep for another 15 years" moves the next review 15 years on, in History and the audit log, and it is reminded again then', async () => {
    const colleague = await as(users.colleague);
    expect(await colleague.api.patients.keepAfterReview({ patientId: patient.id })).toEqual({ reviewDueAt: years(30) });
    expect(await colleague.api.patients.get({ patientId: patient.id })).toMatchObject({ reviewDueAt: years(30), reviewDue: false });
    expect(await refusal(colleague.api.patients.keepAfterReview({ patientId: patient.id }))).toBe('review_not_due');
    const history = await colleague.api.patients.history({ patientId: patient.id });
    expect(history.find((e) => e.kind === 'review_kept')).toMatchObject({ details: { reviewDueAt: years(30) } });
    const audit = await t.server.db.prisma.auditRecord.findMany({ where: { action: 'patients.keepAfterReview', outcome: 'success' }, select: { actorId: true, recordId: true, details: true } });
    expect(audit).toEqual([{ actorId: users.colleague.id, recordId: patient.id, details: JSON.stringify({ reviewDueAt: years(30) }) }]);

    moveClockTo(years(30, '2030-03-04T09:01:10.000Z'));
    await t.server.jobs.runAll();
    expect(await notificationsOf(users.enroller)).toHaveLength(2);
  });

  test('or the record is deleted at the review, and is gone for everyone', async () => {
    const enroller = await as(users.enroller);
    await enroller.api.patients.delete({ patientId: patient.id });
    expect(await refusal(enroller.api.patients.get({ patientId: patient.id }))).toBe('not_found');
    await t.server.jobs.runAll();
  });
});
