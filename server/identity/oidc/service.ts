// Sign-in through an OpenID Connect provider, the decisions: start an authorization request, take
// the provider's answer, map the identity to a user (provisioning one at a first sign-in), and hand
// out a one-time ticket that the client redeems for the usual session. I/O comes in as ports.
import { DomainError, type ErrorCode } from '../../../app/errors.ts';
import type { OidcStartQuery, RedeemTicketInput } from '../../../app/identity/oidc.ts';
import type { TokenPair } from '../../../app/identity/schemas.ts';
import type { Clock } from '../../clock.ts';
import type { PasswordHasher } from '../passwords.ts';
import type { IdentityService } from '../service.ts';
import { newTotpSecret } from '../totp.ts';
import { OneTimeStore, randomToken, sha256 } from './one-time.ts';
import { type IdentityProvider, type ProviderIdentity, ProviderRefusal } from './provider.ts';
import { isUniqueViolation, type OidcRepo } from './repo.ts';
import { baseUsername, usernameCandidates } from './usernames.ts';

/** Where the answer goes: back to the web app in this browser, or to a desktop client on this machine. */
export type SignInTarget = { readonly kind: 'browser' } | { readonly kind: 'desktop'; readonly challenge: string; readonly port: number };

export type CallbackOutcome =
  | { readonly ok: true; readonly target: SignInTarget; readonly ticket: string }
  | {
      readonly ok: false;
      /** Undefined when the answer matches no pending sign-in (unknown, used or expired state). */
      readonly target: SignInTarget | undefined;
      readonly code: ErrorCode;
      /** Why, for the operator's log: never personal data, codes or tokens. */
      readonly reason: string;
    };

export interface OidcLimits {
  /** How long the user has at the provider before the sign-in must start again. */
  readonly flowSeconds: number;
  /** How long a ticket may wait to be redeemed. */
  readonly ticketSeconds: number;
  /** Sign-ins waiting at the provider, and tickets waiting, at most (each). */
  readonly maxPending: number;
}

export const defaultOidcLimits: OidcLimits = { flowSeconds: 600, ticketSeconds: 60, maxPending: 1000 };

export interface OidcDeps {
  readonly provider: IdentityProvider;
  readonly repo: OidcRepo;
  readonly identity: IdentityService;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  /** Where the provider sends the browser back: `<public URL>/auth/oidc/callback`. */
  readonly redirectUri: () => string;
  readonly limits?: OidcLimits;
}

interface PendingSignIn {
  readonly codeVerifier: string;
  readonly nonce: string;
  /** SHA-256 of the random value in the browser's cookie: the answer must come to the same browser. */
  readonly bindingHash: string;
  readonly target: SignInTarget;
}

interface IssuedTicket {
  readonly userId: string;
  /** For a desktop sign-in: redeemed only with the verifier of this challenge. */
  readonly desktopChallenge: string | undefined;
}

const bindingPattern = /^[A-Za-z0-9_-]{43}$/;

function failed(target: SignInTarget | undefined, code: ErrorCode, reason: string): CallbackOutcome {
  return { ok: false, target, code, reason };
}

export class OidcService {
  readonly #d: OidcDeps;
  /** Pending sign-ins by state. */
  readonly #pending: OneTimeStore<PendingSignIn>;
  /** Tickets by their SHA-256. */
  readonly #tickets: OneTimeStore<IssuedTicket>;

  constructor(deps: OidcDeps) {
    this.#d = deps;
    const limits = deps.limits ?? defaultOidcLimits;
    this.#pending = new OneTimeStore({ capacity: limits.maxPending, lifetimeSeconds: limits.flowSeconds });
    this.#tickets = new OneTimeStore({ capacity: limits.maxPending, lifetimeSeconds: limits.ticketSeconds });
  }

  /**
   * Starts a sign-in: keeps state, nonce and PKCE verifier for the answer, and returns the provider's
   * URL to send the browser to, with the browser binding to set as a cookie (the one the browser
   * already has, if any, so that sign-ins started in two tabs both work).
   */
  async start(query: OidcStartQuery, binding: string | undefined): Promise<{ location: string; binding: string }> {
    const { provider, clock } = this.#d;
    const now = clock.now();
    const browserBinding = binding && bindingPattern.test(binding) ? binding : randomToken();
    const target: SignInTarget = 'desktop_challenge' in query
      ? { kind: 'desktop', challenge: query.desktop_challenge, port: query.desktop_port }
      : { kind: 'browser' };
    const state = randomToken();
    const pending: PendingSignIn = { codeVerifier: randomToken(), nonce: randomToken(), bindingHash: sha256(browserBinding), target };
    if (!this.#pending.add(state, pending, now)) {
      throw new DomainError('too_many_attempts', { retryAfterSeconds: this.#pending.secondsUntilRoom(now) });
    }
    const location = await provider.authorizationUrl({ redirectUri: this.#d.redirectUri(), state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
    return { location, binding: browserBinding };
  }

  /**
   * Takes the provider's answer (the callback's query string) in the browser that carries `binding`.
   * The pending sign-in is used up whatever happens, so an answer works once. On success the user
   * has a ticket; no session exists until it is redeemed.
   */
  async callback(search: string, binding: string | undefined): Promise<CallbackOutcome> {
    const { provider, clock } = this.#d;
    const params = new URLSearchParams(search);
    const state = params.get('state');
    if (!state) return failed(undefined, 'sign_in_expired', 'no state');
    const pending = this.#pending.take(state, clock.now());
    if (!pending) return failed(undefined, 'sign_in_expired', 'unknown, used or expired state');
    const { target } = pending;
    if (!binding || sha256(binding) !== pending.bindingHash) return failed(target, 'sign_in_expired', 'answer reached another browser than the one that started');

    const callbackUrl = new URL(this.#d.redirectUri());
    callbackUrl.search = params.toString();
    let identity: ProviderIdentity;
    try {
      identity = await provider.exchange(callbackUrl, { redirectUri: this.#d.redirectUri(), state, nonce: pending.nonce, codeVerifier: pending.codeVerifier });
    } catch (error) {
      if (error instanceof ProviderRefusal) return failed(target, 'provider_failed', `provider answered ${error.error}`);
      const code = (error as { code?: unknown }).code;
      return failed(target, 'provider_failed', `exchange failed: ${typeof code === 'string' ? code : (error as Error).name}`);
    }

    let userId: string;
    try {
      userId = await this.#userFor(identity);
    } catch (error) {
      if (error instanceof DomainError) return failed(target, error.code, error.code);
      throw error;
    }
    const ticket = randomToken();
    const issued: IssuedTicket = { userId, desktopChallenge: target.kind === 'desktop' ? target.challenge : undefined };
    if (!this.#tickets.add(sha256(ticket), issued, clock.now())) return failed(target, 'too_many_attempts', 'ticket store full');
    return { ok: true, target, ticket };
  }

  /** Exchanges a ticket, once and within its minute, for the same token pair a password sign-in gives. */
  async redeemTicket(input: RedeemTicketInput): Promise<TokenPair> {
    const issued = this.#tickets.take(sha256(input.ticket), this.#d.clock.now());
    if (!issued) throw new DomainError('sign_in_expired');
    if (issued.desktopChallenge !== undefined && (!input.verifier || sha256(input.verifier) !== issued.desktopChallenge)) {
      throw new DomainError('sign_in_expired');
    }
    return this.#d.identity.openVerifiedSession(issued.userId);
  }

  /** The linked user, or a new one provisioned from the claims (verified email required). */
  async #userFor(identity: ProviderIdentity): Promise<string> {
    const { repo, clock, hasher } = this.#d;
    const linked = await repo.signInLinkedUser(identity.issuer, identity.subject, clock.now());
    if (linked) {
      if (linked.status !== 'active') throw new DomainError('account_deactivated');
      return linked.id;
    }
    if (!identity.email || !identity.emailVerified) throw new DomainError('email_not_verified');
    // Linking an existing account by email would let whoever controls that address at the provider
    // take it over; an administrator links accounts instead.
    if (await repo.emailInUse(identity.email)) throw new DomainError('email_in_use');

    // A hash of a secret nobody keeps: the account has no usable password, and a password sign-in
    // attempt costs the same as for any other account.
    const passwordHash = await hasher.hash(randomToken());
    const candidates = usernameCandidates(baseUsername(identity.email, identity.givenName, identity.familyName));
    const taken = await repo.takenUsernames(candidates);
    for (const username of candidates.filter((candidate) => !taken.has(candidate))) {
      try {
        const user = await repo.provision({
          issuer: identity.issuer,
          subject: identity.subject,
          username,
          firstName: identity.givenName ?? '',
          lastName: identity.familyName ?? '',
          email: identity.email,
          passwordHash,
          totpSecret: newTotpSecret(),
          now: clock.now(),
        });
        return user.id;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // A concurrent first sign-in of the same person won, or someone took this username.
        const raced = await repo.signInLinkedUser(identity.issuer, identity.subject, clock.now());
        if (raced) return raced.id;
      }
    }
    throw new Error('No free username for a new account');
  }
}
