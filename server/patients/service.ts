// Patients (SPEC PT-1 to PT-8): enrolment with consent and nickname, the need-to-know views, the
// list, participants, consent withdrawal, deletion and, on the patient's request, anonymisation.
import { randomInt, randomUUID } from 'node:crypto';
import type { Actor, Principal } from '../../app/access/actor.ts';
import { hasErnRole } from '../../app/access/actor.ts';
import { DomainError } from '../../app/errors.ts';
import { generateNickname } from '../../app/patients/nickname/generate.ts';
import { resemblesRealName } from '../../app/patients/nickname/resemblance.ts';
import { checkUserNickname, nicknameKey, nicknameSchema } from '../../app/patients/nickname/rules.ts';
import { maySeeIdentity, maySeeRecord, mayDeleteRecord, mayEditRecord, mayErase, type PatientFacts, patientAbilities } from '../../app/patients/policy.ts';
import { type MedicalRecord, medicalRecord } from '../../app/patients/record.ts';
import { type ConsentKind, type EnrolData, formConsents, type PatientIdentity, type Sex } from '../../app/patients/schemas.ts';
import type { z } from 'zod';
import type { patientListInput } from '../../app/patients/schemas.ts';
import { foldText, foldedWords } from '../../app/text/fold.ts';
import type { SharedBlobs } from '../blobs/shared.ts';
import type { Clock } from '../clock.ts';
import type { ServiceLog } from '../services.ts';
import type { AuditScope } from '../trpc.ts';
import type { IdentitySeal } from './identity-seal.ts';
import { addYears, reviewYears } from './review.ts';
import { minSearchLength } from './identity-seal.ts';
import { checkRecord, type CodeLists } from './record.ts';
import { listScope } from './list-query.ts';
import type { PatientDetailRow, PatientSummaryRow, PatientsRepo } from './repo.ts';

const pseudonymAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export interface PatientsDeps {
  readonly repo: PatientsRepo;
  /** The code lists, to check the record's coded terms against. */
  readonly codes: CodeLists;
  readonly clock: Clock;
  readonly seal: IdentitySeal;
  /** Files' bytes, deleted when no file (nor DICOM instance) refers to them any more. */
  readonly blobs: SharedBlobs;
  /** The patient's images in the DICOMweb store, removed with the patient. */
  readonly images: PatientImages;
  /** A uniformly random integer below `bound` (tests may script it). */
  readonly randomInt?: (bound: number) => number;
  /**
   * Takes a database snapshot (durable servers): after an erasure or a deletion, so that no journal
   * file on disk holds the erased identity any more, and a fresh snapshot holds none either.
   */
  readonly snapshot?: () => Promise<void>;
  readonly log?: ServiceLog;
}

type ListQuery = z.output<typeof patientListInput>;

/** What deleting a patient needs of the imaging store (server/imaging/service.ts). */
export interface PatientImages {
  /** Runs `removeRecord` (which deletes the patient's index rows too), then deletes the blobs only they used. */
  removePatient(pseudonymousId: string, removeRecord: () => Promise<void>): Promise<void>;
}

function personName(user: { firstName: string; lastName: string; status: string }): string {
  return user.status === 'deleted' ? 'Deleted user' : `${user.firstName} ${user.lastName}`;
}

function factsOf(row: { enrolledById: string; hcpId: string; participants: Array<{ userId: string } | { user: { id: string } }> }): PatientFacts {
  return { enrolledById: row.enrolledById, hcpId: row.hcpId, participantIds: row.participants.map((p) => ('userId' in p ? p.userId : p.user.id)) };
}

export class PatientsService {
  readonly #d: PatientsDeps;
  readonly #random: (bound: number) => number;

  constructor(deps: PatientsDeps) {
    this.#d = deps;
    this.#random = deps.randomInt ?? ((bound) => randomInt(bound));
  }

  /**
   * Whether the identity key opens the patients' sealed identities (one is tried). A server started
   * with another key than the one they were sealed with would show no names and fail on reads.
   */
  async identityKeyFits(): Promise<boolean> {
    const sample = await this.#d.repo.db.patient.findFirst({ where: { identitySealed: { not: null } }, select: { id: true, identitySealed: true } });
    if (!sample?.identitySealed) return true;
    try {
      this.#d.seal.open(sample.id, sample.identitySealed);
      return true;
    } catch {
      return false;
    }
  }

  /** The ERNs the principal may enrol patients in: those where they are an ERN clinician (HP). */
  enrolErns(principal: Principal) {
    const ids = principal.memberships.filter((m) => m.role === 'HP').map((m) => m.ernId);
    return this.#d.repo.db.ern.findMany({ where: { id: { in: ids } }, select: { id: true, fullName: true }, orderBy: { id: 'asc' } });
  }

  /** A system-generated nickname not used yet (and not resembling the name, if given). */
  suggestNickname(realName?: { firstName: string; lastName: string }): Promise<string> {
    return generateNickname(
      { random: { int: this.#random }, exists: (nickname) => this.#d.repo.nicknameTaken(nicknameKey(nickname)) },
      realName && (realName.firstName || realName.lastName) ? { realName } : {},
    );
  }

  /** Whether a user-defined nickname may be used: its format, the real name, uniqueness. */
  async checkNickname(input: { nickname: string; firstName: string; lastName: string }): Promise<{ nickname: string; verdict: 'ok' | 'invalid' | 'resembles_name' | 'taken' }> {
    const parsed = nicknameSchema.safeParse(input.nickname);
    if (!parsed.success) return { nickname: input.nickname, verdict: 'invalid' };
    if (resemblesRealName(parsed.data, input)) return { nickname: parsed.data, verdict: 'resembles_name' };
    return { nickname: parsed.data, verdict: (await this.#d.repo.nicknameTaken(nicknameKey(parsed.data))) ? 'taken' : 'ok' };
  }

  async enrol(actor: Actor, principal: Principal, input: EnrolData, audit: AuditScope) {
    const { repo, clock, seal } = this.#d;
    if (!hasErnRole(principal, ['HP'], input.ernId)) throw new DomainError('forbidden');
    if (!principal.hcpId) throw new DomainError('forbidden');
    const now = clock.now();
    if (input.identity.dateOfBirth > now.toISOString().slice(0, 10)) throw new DomainError('invalid_input', { field: 'identity.dateOfBirth' });
    const realName = { firstName: input.identity.firstName, lastName: input.identity.lastName };
    const nickname = input.nickname
      ? await checkUserNickname(input.nickname, realName, (n) => repo.nicknameTaken(nicknameKey(n)))
      : await this.suggestNickname(realName);
    const pseudonymousId = await this.#newPseudonymousId();
    const consents = formConsents[input.consentForm].filter((kind) => input.consents[kind]);
    const id = randomUUID();
    try {
      await repo.db.patient.create({
        data: {
          id,
          pseudonymousId,
          nickname,
          nicknameKey: nicknameKey(nickname),
          ernId: input.ernId,
          hcpId: principal.hcpId,
          enrolledById: principal.userId,
          sex: input.sex,
          birthYearMonth: input.identity.dateOfBirth.slice(0, 7),
          birthArea: input.birthArea,
          residenceArea: input.residenceArea,
          identitySealed: seal.seal(id, input.identity),
          status: 'active',
          createdAt: now,
          updatedAt: now,
          reviewDueAt: addYears(now, reviewYears),
          nameTokens: { create: seal.nameTokens(input.identity).map((token) => ({ token })) },
          consents: { create: consents.map((kind) => ({ kind, form: input.consentForm, givenAt: now, registeredById: actor.userId })) },
          events: { create: { at: now, actorId: actor.userId, kind: 'enrolled', details: JSON.stringify({ ernId: input.ernId, consents: consents.join(',') }) } },
        },
        select: { id: true },
      });
    } catch (error) {
      // Two enrolments choosing the same nickname at once: the unique key decides.
      if ((error as { code?: string }).code === 'P2002') throw new DomainError('nickname_taken');
      throw error;
    }
    audit.about('patient', id, { ernId: input.ernId, consents: consents.join(',') });
    return { id, nickname, pseudonymousId };
  }

  async #newPseudonymousId(): Promise<string> {
    for (;;) {
      const id = `CS-${Array.from({ length: 10 }, () => pseudonymAlphabet[this.#random(pseudonymAlphabet.length)]).join('')}`;
      if (!(await this.#d.repo.pseudonymousIdTaken(id))) return id;
    }
  }

  /** The page of patients the principal may see, searched, filtered and sorted on the server. */
  async list(principal: Principal, query: ListQuery) {
    const search = foldText(query.search.trim());
    // Nickname prefix on its unique key; real names through the blind index, every word of 3+ letters.
    const words = foldedWords(search).filter((w) => w.length >= minSearchLength);
    const { total, rows } = await this.#d.repo.list(listScope(principal), {
      ernId: query.ernId,
      sex: query.sex,
      mine: query.mine,
      activeOnly: !query.includeAnonymised,
      search,
      nameTokens: words.map((w) => this.#d.seal.token(w)),
      sort: query.sort,
      direction: query.direction,
      offset: query.page * query.pageSize,
      limit: query.pageSize,
    });
    return { total, items: rows.map((row) => this.#summary(principal, row)) };
  }

  #summary(principal: Principal, row: PatientSummaryRow) {
    const facts: PatientFacts = { enrolledById: row.enrolledById, hcpId: row.hcpId, participantIds: [] };
    const identity = row.identitySealed && maySeeIdentity(principal, facts) ? this.#d.seal.open(row.id, row.identitySealed) : null;
    return {
      id: row.id,
      nickname: row.nickname,
      pseudonymousId: row.pseudonymousId,
      ernId: row.ernId,
      sex: row.sex as Sex,
      birthYearMonth: row.birthYearMonth,
      birthArea: row.birthArea,
      residenceArea: row.residenceArea,
      status: row.status as 'active' | 'anonymised',
      createdAt: row.createdAt.toISOString(),
      enrolledBy: { id: row.enrolledBy.id, name: personName(row.enrolledBy) },
      /** Only for those who may see it (PT-4). */
      realName: identity ? `${identity.firstName} ${identity.lastName}` : null,
    };
  }

  /** Loads a patient the principal may see; "not found" otherwise (never "forbidden": nothing leaks). */
  async #visible(principal: Principal, patientId: string) {
    const facts = await this.#d.repo.facts(patientId);
    if (!facts || !maySeeRecord(principal, factsOf(facts))) throw new DomainError('not_found');
    return facts;
  }

  async get(principal: Principal, patientId: string) {
    await this.#visible(principal, patientId);
    const row = (await this.#d.repo.detail(patientId))!;
    return this.#detail(principal, row);
  }

  #detail(principal: Principal, row: PatientDetailRow) {
    const facts = factsOf(row);
    const abilities = patientAbilities(principal, facts);
    const identity: PatientIdentity | null = row.identitySealed && abilities.seeIdentity ? this.#d.seal.open(row.id, row.identitySealed) : null;
    return {
      ...this.#summary(principal, row),
      identity,
      updatedAt: row.updatedAt.toISOString(),
      anonymisedAt: row.anonymisedAt?.toISOString() ?? null,
      reviewDueAt: row.reviewDueAt.toISOString(),
      /** Whether the retention review is due now (by the server's clock). */
      reviewDue: row.reviewDueAt.getTime() <= this.#d.clock.now().getTime(),
      consents: row.consents.map((c) => ({ id: c.id, kind: c.kind as ConsentKind, form: c.form as 'EU' | 'UA', givenAt: c.givenAt.toISOString(), withdrawnAt: c.withdrawnAt?.toISOString() ?? null })),
      participants: row.participants.map((p) => ({ id: p.user.id, name: personName(p.user), profession: p.user.profession, hcp: p.user.hcp, since: p.createdAt.toISOString() })),
      record: medicalRecord.parse(JSON.parse(row.record)) as MedicalRecord,
      recordVersion: row.recordVersion,
      abilities,
    };
  }

  async history(principal: Principal, patientId: string) {
    await this.#visible(principal, patientId);
    const events = await this.#d.repo.db.patientEvent.findMany({ where: { patientId }, orderBy: { at: 'desc' }, take: 200 });
    const ids = [...new Set(events.map((e) => e.actorId).filter((id): id is string => id !== null))];
    const users = await this.#d.repo.db.user.findMany({ where: { id: { in: ids } }, select: { id: true, firstName: true, lastName: true, status: true } });
    const names = new Map(users.map((u) => [u.id, personName(u)]));
    return events.map((e) => ({ id: e.id, at: e.at.toISOString(), actor: e.actorId ? (names.get(e.actorId) ?? 'Deleted user') : null, kind: e.kind, details: JSON.parse(e.details) as Record<string, unknown> }));
  }

  async #editable(principal: Principal, patientId: string) {
    const facts = await this.#visible(principal, patientId);
    if (!mayEditRecord(principal, factsOf(facts))) throw new DomainError('forbidden');
    return facts;
  }

  /** Invites a clinician to the record: they see it pseudonymised from now on. */
  async addParticipant(actor: Actor, principal: Principal, patientId: string, userId: string, audit: AuditScope): Promise<void> {
    const facts = await this.#editable(principal, patientId);
    const user = await this.#d.repo.db.user.findUnique({ where: { id: userId }, select: { status: true, memberships: { select: { role: true } } } });
    if (!user || user.status !== 'active' || !user.memberships.some((m) => m.role === 'HP')) throw new DomainError('not_found');
    if (userId === facts.enrolledById || facts.participants.some((p) => p.userId === userId)) throw new DomainError('already_member');
    const now = this.#d.clock.now();
    await this.#d.repo.db.patientParticipant.create({ data: { patientId, userId, addedById: actor.userId, createdAt: now } });
    await this.#d.repo.event(patientId, now, actor.userId, 'participant_added', { userId });
    audit.about('patient', patientId, { participantId: userId });
  }

  async removeParticipant(actor: Actor, principal: Principal, patientId: string, userId: string, audit: AuditScope): Promise<void> {
    await this.#editable(principal, patientId);
    const removed = await this.#d.repo.db.patientParticipant.deleteMany({ where: { patientId, userId } });
    if (removed.count === 0) throw new DomainError('not_found');
    await this.#d.repo.event(patientId, this.#d.clock.now(), actor.userId, 'participant_removed', { userId });
    audit.about('patient', patientId, { participantId: userId });
  }

  /**
   * Withdraws consents, in part or whole, with effect at once. Withdrawing the consent to care
   * withdraws the others too: without it the patient cannot stay in the discussions.
   */
  async withdrawConsents(actor: Actor, principal: Principal, patientId: string, kinds: readonly ConsentKind[], audit: AuditScope): Promise<void> {
    await this.#editable(principal, patientId);
    const now = this.#d.clock.now();
    const all = kinds.includes('care') ? (['care', 'education', 'registry'] as const) : kinds;
    const withdrawn = await this.#d.repo.db.patientConsent.updateMany({ where: { patientId, kind: { in: [...all] }, withdrawnAt: null }, data: { withdrawnAt: now, withdrawnById: actor.userId } });
    if (withdrawn.count === 0) throw new DomainError('already_decided');
    await this.#d.repo.event(patientId, now, actor.userId, 'consent_withdrawn', { kinds: all.join(',') });
    audit.about('patient', patientId, { kinds: all.join(',') });
  }

  /**
   * The medical record as last saved, with its version and who saved it when (null before the first
   * save), whether the principal may edit it, and the credits of the code lists its terms come from.
   */
  async record(principal: Principal, patientId: string) {
    const facts = await this.#visible(principal, patientId);
    const row = (await this.#d.repo.record(patientId))!;
    const saved = row.recordVersion > 0 ? await this.#d.repo.recordSave(patientId, row.recordVersion) : null;
    const savedBy = saved?.actorId
      ? await this.#d.repo.db.user.findUnique({ where: { id: saved.actorId }, select: { firstName: true, lastName: true, status: true } })
      : null;
    const lists = await this.#d.codes.about();
    return {
      patientId,
      ernId: row.ernId,
      version: row.recordVersion,
      record: medicalRecord.parse(JSON.parse(row.record)) as MedicalRecord,
      savedAt: saved?.at.toISOString() ?? null,
      savedBy: savedBy ? personName(savedBy) : null,
      editable: mayEditRecord(principal, factsOf(facts)),
      credits: lists.map(({ system, name, release, attribution }) => ({ system, name, release, attribution })),
    };
  }

  /**
   * Saves the medical record if nobody saved it since `version` was read (`conflict` otherwise), once
   * its codes and dataset are checked (server/patients/record.ts); returns the record as stored.
   */
  async saveRecord(actor: Actor, principal: Principal, patientId: string, version: number, record: MedicalRecord, audit: AuditScope): Promise<{ version: number; record: MedicalRecord }> {
    const facts = await this.#editable(principal, patientId);
    const checked = await checkRecord(this.#d.codes, facts.ernId, record);
    const now = this.#d.clock.now();
    // The new version and its "History" event (who saved it, read back by `record`) together or not at all.
    await this.#d.repo.db.$transaction(async (tx) => {
      const saved = await tx.patient.updateMany({ where: { id: patientId, recordVersion: version }, data: { record: JSON.stringify(checked), recordVersion: version + 1, updatedAt: now } });
      if (saved.count !== 1) throw new DomainError('conflict');
      await tx.patientEvent.create({ data: { patientId, at: now, actorId: actor.userId, kind: 'record_updated', details: JSON.stringify({ version: version + 1 }) }, select: { id: true } });
    });
    audit.about('patient', patientId, { version: version + 1 });
    return { version: version + 1, record: checked };
  }

  /** Deletes the record with its files and images (clinicians of the enrolling HCP). */
  async delete(principal: Principal, patientId: string, audit: AuditScope): Promise<void> {
    const facts = await this.#visible(principal, patientId);
    if (!mayDeleteRecord(principal, factsOf(facts))) throw new DomainError('forbidden');
    const files = await this.#d.repo.db.patientFile.findMany({ where: { patientId }, select: { blobId: true } });
    await this.#d.images.removePatient(facts.pseudonymousId, () => this.#d.repo.deleteWithImages(patientId, facts.pseudonymousId));
    await this.#deleteBlobs(files.map((f) => f.blobId));
    audit.about('patient', patientId);
    await this.#forgetHistory();
  }

  /**
   * On the patient's request, the GDPR officer erases the identifying data: the sealed identity, the
   * name index, the signed consent forms (they carry the name) and the birth month go; what remains
   * is anonymised, still usable for the discussions. Confirmed by typing the nickname.
   */
  async erase(actor: Actor, patientId: string, confirm: string, audit: AuditScope): Promise<void> {
    const facts = await this.#visible(actor, patientId);
    if (!mayErase(actor, factsOf(facts))) throw new DomainError('forbidden');
    if (facts.status === 'anonymised') throw new DomainError('already_decided');
    if (nicknameKey(confirm) !== nicknameKey(facts.nickname)) throw new DomainError('confirmation_mismatch');
    const now = this.#d.clock.now();
    const forms = await this.#d.repo.db.patientFile.findMany({ where: { patientId, purpose: 'consent_form' }, select: { id: true, blobId: true } });
    await this.#d.repo.db.$transaction(async (tx) => {
      const row = await tx.patient.findUniqueOrThrow({ where: { id: patientId }, select: { birthYearMonth: true } });
      await tx.patientNameToken.deleteMany({ where: { patientId } });
      await tx.patientFile.deleteMany({ where: { id: { in: forms.map((f) => f.id) } } });
      await tx.patient.update({
        where: { id: patientId },
        data: { identitySealed: null, status: 'anonymised', anonymisedAt: now, updatedAt: now, birthYearMonth: row.birthYearMonth.slice(0, 4) },
      });
      await tx.patientEvent.create({ data: { patientId, at: now, actorId: actor.userId, kind: 'anonymised', details: '{}' } });
    });
    await this.#deleteBlobs(forms.map((f) => f.blobId));
    audit.about('patient', patientId);
    await this.#forgetHistory();
  }

  /**
   * After a deletion or erasure (committed): a snapshot, so that no journal file keeps what is gone.
   * If it fails, the next scheduled snapshot does the same.
   */
  async #forgetHistory(): Promise<void> {
    await this.#d.snapshot?.().catch((error: unknown) => this.#d.log?.error({ action: 'patients.snapshot', error: (error as Error).name }, 'snapshot after deletion failed'));
  }

  /** Removes blobs no file refers to any more (equal files are stored once). */
  async #deleteBlobs(blobIds: readonly string[]): Promise<void> {
    await this.#d.blobs.release(blobIds);
  }
}
