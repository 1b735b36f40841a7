// Training mode only: the demo accounts with their current one-time codes, for the sign-in page.
import { DomainError } from '../../app/errors.ts';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import { demoAccounts, demoPassword } from '../demo/accounts.ts';
import { totpCode, totpPeriodSeconds } from '../identity/totp.ts';

export interface DemoAccountView {
  username: string;
  displayName: string;
  roles: string;
  code: string;
}

export interface DemoCodes {
  password: string;
  accounts: DemoAccountView[];
  /** When these codes stop being current (ISO time). */
  validUntil: string;
}

export class TrainingService {
  readonly #db: PrismaClient;
  readonly #clock: Clock;
  readonly #training: boolean;

  constructor(db: PrismaClient, clock: Clock, training: boolean) {
    this.#db = db;
    this.#clock = clock;
    this.#training = training;
  }

  /** Milliseconds until `codes` stop being current, by the clock that made them. */
  msUntilStale(codes: DemoCodes): number {
    return new Date(codes.validUntil).getTime() - this.#clock.now().getTime();
  }

  async demoCodes(): Promise<DemoCodes> {
    if (!this.#training) throw new DomainError('training_only');
    const now = this.#clock.now();
    const users = await this.#db.user.findMany({
      where: { username: { in: demoAccounts.map((a) => a.username) } },
      select: {
        username: true,
        firstName: true,
        lastName: true,
        totpSecret: true,
        guestUntil: true,
        consentVersion: true,
        memberships: { select: { ernId: true, role: true } },
        globalRoles: { select: { role: true } },
      },
      orderBy: { username: 'asc' },
    });
    const periodMs = totpPeriodSeconds * 1000;
    return {
      password: demoPassword,
      accounts: users.map((user) => ({
        username: user.username,
        displayName: `${user.firstName} ${user.lastName}`,
        roles: describeRoles(user),
        code: totpCode(user.totpSecret, now),
      })),
      validUntil: new Date(Math.floor(now.getTime() / periodMs + 1) * periodMs).toISOString(),
    };
  }
}

function describeRoles(user: { memberships: Array<{ ernId: string; role: string }>; globalRoles: Array<{ role: string }>; guestUntil: Date | null; consentVersion: string | null }): string {
  const roles = [...user.globalRoles.map((g) => globalRoleLabels[g.role] ?? g.role), ...user.memberships.map((m) => `${m.role} · ${m.ernId}`)];
  if (user.guestUntil) roles.push('guest');
  if (roles.length === 0) roles.push('no access yet');
  if (!user.consentVersion) roles.push('first sign-in');
  return roles.join(', ');
}

const globalRoleLabels: Record<string, string> = { ECAdmin: 'EC administrator', Support: 'Support', GDPROfficer: 'GDPR officer' };
