// Assistants (SPEC ID-4): an ERN clinician appoints a colleague of the same HCP; the assistant may
// then act for the clinician, with the clinician's permissions, every action recorded on their behalf.
import type { Actor } from '../../app/access/actor.ts';
import { DomainError } from '../../app/errors.ts';
import { mayAppoint } from '../../app/identity/policy.ts';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { AuditScope } from '../trpc.ts';

const personSelect = { id: true, firstName: true, lastName: true, profession: true } as const;

export class AssistantsService {
  readonly #db: PrismaClient;
  readonly #clock: Clock;
  readonly #notifications: NotificationService;

  constructor(db: PrismaClient, clock: Clock, notifications: NotificationService) {
    this.#db = db;
    this.#clock = clock;
    this.#notifications = notifications;
  }

  /** The assistants the user appointed, and the clinicians the user assists. */
  async list(userId: string) {
    const [assistants, assisting] = await Promise.all([
      this.#db.assistantAppointment.findMany({ where: { principalId: userId, revokedAt: null, assistant: { status: 'active' } }, select: { id: true, createdAt: true, assistant: { select: personSelect } }, orderBy: { createdAt: 'asc' } }),
      this.#db.assistantAppointment.findMany({ where: { assistantId: userId, revokedAt: null, principal: { status: 'active' } }, select: { id: true, createdAt: true, principal: { select: personSelect } }, orderBy: { createdAt: 'asc' } }),
    ]);
    return {
      assistants: assistants.map((a) => ({ appointmentId: a.id, since: a.createdAt.toISOString(), user: a.assistant })),
      assisting: assisting.map((a) => ({ appointmentId: a.id, since: a.createdAt.toISOString(), user: a.principal })),
    };
  }

  /** Active colleagues of the clinician's own HCP who could become their assistant. */
  async candidates(actor: Actor, query: string) {
    if (!actor.hcpId || actor.guest) return [];
    const words = query.split(/\s+/).filter(Boolean).slice(0, 4);
    return this.#db.user.findMany({
      where: {
        hcpId: actor.hcpId,
        status: 'active',
        id: { not: actor.userId },
        AND: words.map((word) => ({ OR: [{ firstName: { contains: word } }, { lastName: { contains: word } }] })),
      },
      select: personSelect,
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
      take: 20,
    });
  }

  async appoint(actor: Actor, userId: string, audit: AuditScope): Promise<{ appointmentId: string }> {
    const candidate = await this.#db.user.findUnique({ where: { id: userId }, select: { id: true, hcpId: true, status: true } });
    if (!candidate || candidate.status !== 'active') throw new DomainError('not_found');
    const verdict = mayAppoint(actor, { userId: candidate.id, hcpId: candidate.hcpId });
    if (verdict === 'self') throw new DomainError('invalid_input', { field: 'userId' });
    if (verdict === 'not_same_hcp') throw new DomainError('not_same_hcp');
    const appointment = await this.#db.$transaction(async (tx) => {
      const existing = await tx.assistantAppointment.count({ where: { principalId: actor.userId, assistantId: userId, revokedAt: null } });
      if (existing > 0) throw new DomainError('conflict');
      return tx.assistantAppointment.create({ data: { principalId: actor.userId, assistantId: userId, createdAt: this.#clock.now() }, select: { id: true } });
    });
    audit.about('assistantAppointment', appointment.id, { assistantId: userId });
    await this.#notifications.notify([userId], 'assistant_appointed', { principalId: actor.userId });
    return { appointmentId: appointment.id };
  }

  /** Ends an appointment at once: sessions acting for the clinician fall back to the assistant's own permissions. */
  async revoke(actor: Actor, appointmentId: string, audit: AuditScope): Promise<void> {
    const appointment = await this.#db.assistantAppointment.findUnique({ where: { id: appointmentId }, select: { principalId: true, assistantId: true, revokedAt: true } });
    if (!appointment || appointment.principalId !== actor.userId || appointment.revokedAt) throw new DomainError('not_found');
    await this.#db.$transaction(async (tx) => {
      await tx.assistantAppointment.update({ where: { id: appointmentId }, data: { revokedAt: this.#clock.now() } });
      await tx.session.updateMany({ where: { userId: appointment.assistantId, actingForId: actor.userId }, data: { actingForId: null } });
    });
    audit.about('assistantAppointment', appointmentId, { assistantId: appointment.assistantId });
    await this.#notifications.notify([appointment.assistantId], 'assistant_revoked', { principalId: actor.userId });
  }
}
