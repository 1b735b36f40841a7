// The OpenID Connect settings, read from the environment with the server's other settings
// (server/config.ts): which provider, which client, what the sign-in button says.
import { z } from 'zod';

/** Hosts an issuer may be reached at over plain http (tests and local development only). */
const loopbackHosts: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

function parsed(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

// The refinements also run when the URL check failed (zod goes on to report every issue).
const issuerUrl = z
  .url({ protocol: /^https?$/, error: 'must be the provider\'s issuer URL, e.g. https://login.example.org' })
  .refine((value) => {
    const url = parsed(value);
    return !url || url.protocol === 'https:' || loopbackHosts.has(url.hostname);
  }, 'must use https:// (plain http:// only for an issuer on 127.0.0.1 or localhost)')
  .refine((value) => !parsed(value)?.search && !parsed(value)?.hash, 'must not have a query or fragment');

/** The variables, merged into the server's environment schema. */
export const oidcEnvironment = {
  /** The provider's issuer identifier; sign-in through it is enabled when set. */
  CONSILIUM_OIDC_ISSUER: issuerUrl.optional(),
  CONSILIUM_OIDC_CLIENT_ID: z.string().min(1).max(255).optional(),
  /** Absent: a public client, protected by PKCE alone. */
  CONSILIUM_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Shown on the button: "Sign in with <name>". */
  CONSILIUM_OIDC_NAME: z.string().trim().min(1).max(40).optional(),
  CONSILIUM_OIDC_SCOPES: z
    .string()
    .trim()
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'must be scopes separated by single spaces')
    .refine((value) => value.split(' ').includes('openid'), 'must include openid')
    .default('openid email profile'),
};

type OidcEnvironment = z.output<z.ZodObject<typeof oidcEnvironment>>;

export interface OidcConfig {
  /** The issuer identifier exactly as configured (discovery checks that the provider says the same). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  /** The provider's name for users, e.g. "EU Login". */
  readonly name: string;
  readonly scopes: string;
  /** Plain http is allowed, for an issuer on the loopback interface only. */
  readonly allowInsecureHttp: boolean;
}

/**
 * The OpenID Connect settings, undefined when no issuer is set. Returns the problems instead when
 * the settings are incomplete (a client id without issuer, or the reverse).
 */
export function readOidcConfig(e: OidcEnvironment): { config: OidcConfig | undefined; problems: string[] } {
  const issuer = e.CONSILIUM_OIDC_ISSUER;
  if (!issuer) {
    const stray = (['CONSILIUM_OIDC_CLIENT_ID', 'CONSILIUM_OIDC_CLIENT_SECRET', 'CONSILIUM_OIDC_NAME'] as const).filter((name) => e[name] !== undefined);
    return { config: undefined, problems: stray.map((name) => `${name}: is set, but CONSILIUM_OIDC_ISSUER is not (set both, or neither)`) };
  }
  if (!e.CONSILIUM_OIDC_CLIENT_ID) {
    return { config: undefined, problems: ['CONSILIUM_OIDC_CLIENT_ID: required when CONSILIUM_OIDC_ISSUER is set (the client id registered at the provider)'] };
  }
  const url = new URL(issuer);
  return {
    config: {
      issuer,
      clientId: e.CONSILIUM_OIDC_CLIENT_ID,
      clientSecret: e.CONSILIUM_OIDC_CLIENT_SECRET,
      name: e.CONSILIUM_OIDC_NAME ?? url.hostname,
      scopes: e.CONSILIUM_OIDC_SCOPES,
      allowInsecureHttp: url.protocol === 'http:',
    },
    problems: [],
  };
}
