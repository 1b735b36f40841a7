// Prisma access for external sign-in: links between provider identities and users, and accounts
// provisioned at a first sign-in.
import type { Prisma, PrismaClient } from '../../db/generated/client.ts';

const linkedUserSelect = {
  user: { select: { id: true, status: true } },
} satisfies Prisma.ExternalIdentitySelect;

export interface NewExternalUser {
  readonly issuer: string;
  readonly subject: string;
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
  readonly email: string;
  readonly passwordHash: string;
  readonly totpSecret: string;
  readonly now: Date;
}

/** Whether a Prisma error is a unique constraint violation (another row already has the value). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export class OidcRepo {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  /** The user linked to a provider identity, recording this sign-in on the link. */
  async signInLinkedUser(issuer: string, subject: string, now: Date) {
    const link = await this.#db.externalIdentity.findUnique({ where: { issuer_subject: { issuer, subject } }, select: { id: true, ...linkedUserSelect } });
    if (!link) return undefined;
    await this.#db.externalIdentity.update({ where: { id: link.id }, data: { lastSignInAt: now }, select: { id: true } });
    return link.user;
  }

  /** Whether any user has this email (as written, or in lower case). */
  async emailInUse(email: string): Promise<boolean> {
    const found = await this.#db.user.findFirst({ where: { email: { in: [...new Set([email, email.toLowerCase()])] } }, select: { id: true } });
    return found !== null;
  }

  /** The usernames among `candidates` that are taken. */
  async takenUsernames(candidates: readonly string[]): Promise<Set<string>> {
    const rows = await this.#db.user.findMany({ where: { username: { in: [...candidates] } }, select: { username: true } });
    return new Set(rows.map((row) => row.username));
  }

  /**
   * Creates a user with no memberships and their link to the provider identity, in one transaction.
   * Throws a unique violation (see {@link isUniqueViolation}) when the username or the link exists.
   */
  async provision(input: NewExternalUser) {
    return this.#db.user.create({
      data: {
        username: input.username,
        firstName: input.firstName,
        lastName: input.lastName,
        email: input.email,
        // Not known from the provider; the user completes them in their account.
        countryCode: '',
        profession: '',
        passwordHash: input.passwordHash,
        totpSecret: input.totpSecret,
        createdAt: input.now,
        externalIdentities: { create: { issuer: input.issuer, subject: input.subject, createdAt: input.now, lastSignInAt: input.now } },
      },
      select: { id: true, status: true },
    });
  }
}
