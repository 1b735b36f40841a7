/**
 * Sign-in through an OpenID Connect provider: the one-time values that travel between the server,
 * the browser and the desktop client, validated wherever they arrive.
 */
import { z } from 'zod';

/** 32 random bytes in base64url: sign-in tickets, desktop verifiers and their challenges. */
const random256 = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A one-time sign-in ticket, redeemed once for a session within a minute of the provider's answer. */
export const signInTicketSchema = random256.describe('sign-in ticket');

/** The desktop client's secret for one sign-in; only its SHA-256 (the challenge) leaves the client. */
export const desktopVerifierSchema = random256.describe('desktop verifier');
export const desktopChallengeSchema = random256.describe('desktop challenge');

/** Where the desktop client waits for the browser's answer: a port of its own on 127.0.0.1. */
export const loopbackPortSchema = z.coerce.number().int().min(1024).max(65535);

/** The server's routes of a provider sign-in, which browsers navigate (they are not API calls). */
export const oidcPaths = {
  /** Sends the browser to the provider; a desktop client adds its challenge and loopback port. */
  start: '/auth/oidc/start',
  /** Where the provider sends the browser back (the redirect URI registered at the provider). */
  callback: '/auth/oidc/callback',
  /** The page that ends a desktop sign-in in the browser. */
  done: '/auth/oidc/done',
} as const;

/** The path on the desktop client's loopback port that the server sends the browser back to. */
export const desktopLoopbackPath = '/consilium/oidc';

export const redeemTicketInput = z.object({
  ticket: signInTicketSchema,
  /** Required for a ticket of a desktop sign-in: the verifier whose challenge started it. */
  verifier: desktopVerifierSchema.optional(),
});
export type RedeemTicketInput = z.infer<typeof redeemTicketInput>;

/** The server's start route takes these from a desktop client; a browser sends none. */
export const oidcStartQuery = z.union([
  z.object({ desktop_challenge: desktopChallengeSchema, desktop_port: loopbackPortSchema }).strict(),
  z.object({}).strict(),
]);
export type OidcStartQuery = z.infer<typeof oidcStartQuery>;

/** In the URL fragment of the page a browser sign-in returns to: the ticket, or why it failed. */
export const oidcTicketFragment = 'oidc_ticket';
export const oidcErrorFragment = 'oidc_error';
