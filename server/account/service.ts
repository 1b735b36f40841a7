// "My Account" (SPEC ID-2, ID-8, ID-9): the user's own data, the consent to the privacy statement,
// withdrawing it, deactivating and deleting the account. What deletion keeps follows the privacy
// statement: the records a user made stay, shown as from a deleted user; their personal data go.
import type { Actor } from '../../app/access/actor.ts';
import type { ProfileData } from '../../app/account/schemas.ts';
import { DomainError } from '../../app/errors.ts';
import { privacyStatement } from '../../app/identity/privacy-statement.ts';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { AuditScope } from '../trpc.ts';

export interface AccountDeps {
  readonly db: PrismaClient;
  readonly clock: Clock;
  /** Ends every session of the user and tells their connected clients. */
  readonly endSessions: (userId: string) => Promise<void>;
}

export class AccountService {
  readonly #d: AccountDeps;

  constructor(deps: AccountDeps) {
    this.#d = deps;
  }

  statement() {
    return privacyStatement;
  }

  async acceptConsent(userId: string, version: string, audit: AuditScope): Promise<void> {
    // Accepting a statement the user did not see (it changed meanwhile) is not accepting this one.
    if (version !== privacyStatement.version) throw new DomainError('conflict');
    await this.#d.db.user.update({ where: { id: userId }, data: { consentVersion: version, consentAcceptedAt: this.#d.clock.now() }, select: { id: true } });
    audit.about('user', userId, { consentVersion: version });
  }

  /** Withdrawing consent ends access at once: the account is deactivated and every session ends. */
  async withdrawConsent(userId: string, audit: AuditScope): Promise<void> {
    await this.#d.db.user.update({
      where: { id: userId },
      data: { consentVersion: null, consentAcceptedAt: null, status: 'deactivated', deactivatedReason: 'consent_withdrawn', deactivatedAt: this.#d.clock.now() },
      select: { id: true },
    });
    audit.about('user', userId);
    await this.#d.endSessions(userId);
  }

  /** Updates the user's own data; thematic areas only in ERNs the user belongs to. */
  async update(actor: Actor, data: ProfileData, audit: AuditScope): Promise<void> {
    const ownErns = new Set(actor.memberships.map((m) => m.ernId));
    const foreign = data.thematicAreas.find((area) => !ownErns.has(area.ernId));
    if (foreign) throw new DomainError('invalid_input', { field: 'thematicAreas', ernId: foreign.ernId });
    const areas = [...new Map(data.thematicAreas.map((a) => [`${a.ernId}\u0000${a.name.toLowerCase()}`, a])).values()];
    await this.#d.db.$transaction(async (tx) => {
      await tx.user.update({
        where: { id: actor.userId },
        data: {
          firstName: data.firstName,
          lastName: data.lastName,
          email: data.email,
          phone: data.phone,
          countryCode: data.countryCode,
          profession: data.profession,
          expertise: data.expertise || null,
        },
        select: { id: true },
      });
      await tx.thematicArea.deleteMany({ where: { userId: actor.userId } });
      if (areas.length > 0) await tx.thematicArea.createMany({ data: areas.map((a) => ({ userId: actor.userId, ernId: a.ernId, name: a.name })) });
    });
    audit.about('user', actor.userId, { thematicAreas: areas.length });
  }

  async #confirm(userId: string, confirm: string): Promise<void> {
    const user = await this.#d.db.user.findUniqueOrThrow({ where: { id: userId }, select: { username: true } });
    if (confirm !== user.username) throw new DomainError('confirmation_mismatch');
  }

  /** Deactivates the account: no more access; name and specialty stay visible beside what the user contributed. */
  async deactivate(userId: string, confirm: string, audit: AuditScope): Promise<void> {
    await this.#confirm(userId, confirm);
    await this.#d.db.user.update({ where: { id: userId }, data: { status: 'deactivated', deactivatedReason: 'user', deactivatedAt: this.#d.clock.now() }, select: { id: true } });
    audit.about('user', userId);
    await this.#d.endSessions(userId);
  }

  /**
   * Deletes the account: every personal datum of the user is erased for good; the row keeps only
   * its id, so that records the user made (and the audit log) still point somewhere ("Deleted user").
   */
  async delete(userId: string, confirm: string, audit: AuditScope): Promise<void> {
    await this.#confirm(userId, confirm);
    const now = this.#d.clock.now();
    await this.#d.db.$transaction(async (tx) => {
      await tx.membership.deleteMany({ where: { userId } });
      await tx.thematicArea.deleteMany({ where: { userId } });
      await tx.globalRoleGrant.deleteMany({ where: { userId } });
      await tx.accessRequest.deleteMany({ where: { userId } });
      await tx.assistantAppointment.deleteMany({ where: { OR: [{ principalId: userId }, { assistantId: userId }] } });
      await tx.notification.deleteMany({ where: { userId } });
      // The link to the person at the identity provider is personal data too.
      await tx.externalIdentity.deleteMany({ where: { userId } });
      await tx.user.update({
        where: { id: userId },
        data: {
          username: `deleted-${userId}`,
          firstName: '',
          lastName: '',
          email: '',
          phone: null,
          profession: '',
          expertise: null,
          hcpId: null,
          passwordHash: '',
          totpSecret: '',
          consentVersion: null,
          consentAcceptedAt: null,
          guestUntil: null,
          status: 'deleted',
          deactivatedReason: 'user',
          deactivatedAt: now,
        },
        select: { id: true },
      });
    });
    audit.about('user', userId);
    await this.#d.endSessions(userId);
  }
}
