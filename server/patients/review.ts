// The retention review of patient records (SPEC PT-8, GV-3): 15 years after enrolment, and every 15
// years after a review, the clinicians of the enrolling HCP are reminded once; one of them keeps the
// record for another 15 years (or deletes it, through the ordinary deletion).
import type { Actor, Principal } from '../../app/access/actor.ts';
import { DomainError } from '../../app/errors.ts';
import { maySeeRecord, mayReview } from '../../app/patients/policy.ts';
import type { Clock } from '../clock.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { AuditScope } from '../trpc.ts';
import type { PatientsRepo } from './repo.ts';

/** Years a record is kept before its retention is reviewed again (GV-3). */
export const reviewYears = 15;

export function addYears(date: Date, years: number): Date {
  const next = new Date(date);
  next.setUTCFullYear(next.getUTCFullYear() + years);
  return next;
}

export interface PatientReviewDeps {
  readonly repo: PatientsRepo;
  readonly clock: Clock;
  readonly notifications: NotificationService;
}

export class PatientReviewService {
  readonly #d: PatientReviewDeps;

  constructor(deps: PatientReviewDeps) {
    this.#d = deps;
  }

  /**
   * The scheduled job: for every record whose review has come and whose clinicians were not yet
   * reminded, notifies the active clinicians (HP) of the enrolling HCP, once. Returns the patients' ids.
   */
  async remindDue(): Promise<string[]> {
    const db = this.#d.repo.db;
    const now = this.#d.clock.now();
    const due = await db.patient.findMany({
      where: { reviewDueAt: { lte: now }, reviewRemindedAt: null },
      select: { id: true, nickname: true, hcpId: true, reviewDueAt: true },
      orderBy: { reviewDueAt: 'asc' },
      take: 500,
    });
    const reminded: string[] = [];
    for (const patient of due) {
      const clinicians = await db.user.findMany({
        where: { hcpId: patient.hcpId, status: 'active', memberships: { some: { role: 'HP' } } },
        select: { id: true },
      });
      // Marked first: a crash between the two leaves a record unreminded rather than reminded twice.
      const marked = await db.patient.updateMany({ where: { id: patient.id, reviewRemindedAt: null }, data: { reviewRemindedAt: now } });
      if (marked.count === 0) continue;
      await this.#d.notifications.notify(clinicians.map((c) => c.id), 'patient_review_due', { patientId: patient.id, nickname: patient.nickname, dueAt: patient.reviewDueAt.toISOString() });
      await this.#d.repo.event(patient.id, now, null, 'review_reminded', { clinicians: clinicians.length });
      reminded.push(patient.id);
    }
    return reminded;
  }

  /** "Keep for another 15 years": the review is recorded and the next one set 15 years later. */
  async keep(actor: Actor, principal: Principal, patientId: string, audit: AuditScope): Promise<{ reviewDueAt: string }> {
    const { repo, clock } = this.#d;
    const row = await repo.db.patient.findUnique({ where: { id: patientId }, select: { enrolledById: true, hcpId: true, reviewDueAt: true, participants: { select: { userId: true } } } });
    const facts = row && { enrolledById: row.enrolledById, hcpId: row.hcpId, participantIds: row.participants.map((p) => p.userId) };
    if (!row || !facts || !maySeeRecord(principal, facts)) throw new DomainError('not_found');
    if (!mayReview(principal, facts)) throw new DomainError('forbidden');
    const now = clock.now();
    if (row.reviewDueAt > now) throw new DomainError('review_not_due', { dueAt: row.reviewDueAt.toISOString() });
    const next = addYears(row.reviewDueAt, reviewYears);
    // Guarded by the due date read: two clinicians keeping it at once extend it once.
    const kept = await repo.db.patient.updateMany({ where: { id: patientId, reviewDueAt: row.reviewDueAt }, data: { reviewDueAt: next, reviewRemindedAt: null, updatedAt: now } });
    if (kept.count !== 1) throw new DomainError('conflict');
    await repo.event(patientId, now, actor.userId, 'review_kept', { reviewDueAt: next.toISOString() });
    audit.about('patient', patientId, { reviewDueAt: next.toISOString() });
    return { reviewDueAt: next.toISOString() };
  }
}
