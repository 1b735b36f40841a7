// The OpenID Connect provider as the sign-in service sees it, built on openid-client: discovery at
// start, the authorization URL (with PKCE), and the code exchange that validates the ID token.
import * as client from 'openid-client';
import { z } from 'zod';
import type { OidcConfig } from './config.ts';

/** Who the provider says signed in, from the validated ID token completed by the userinfo endpoint. */
export interface ProviderIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | undefined;
  readonly emailVerified: boolean;
  readonly givenName: string | undefined;
  readonly familyName: string | undefined;
}

export interface AuthorizationRequest {
  readonly redirectUri: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** The part of a provider the sign-in service uses. */
export interface IdentityProvider {
  readonly issuer: string;
  /** Where to send the browser to sign in, with state, nonce and the PKCE challenge (S256). */
  authorizationUrl(request: AuthorizationRequest): Promise<string>;
  /**
   * Checks the provider's answer at `callbackUrl` against the request it belongs to, exchanges the
   * code (with the PKCE verifier) and validates the ID token: issuer, audience, signature, nonce,
   * expiry. Throws {@link ProviderRefusal} when the provider answered with an error (e.g. the user
   * cancelled), and anything else when the answer or the exchange is not valid.
   */
  exchange(callbackUrl: URL, request: AuthorizationRequest): Promise<ProviderIdentity>;
}

/** The provider answered the authorization request with an error such as access_denied. */
export class ProviderRefusal extends Error {
  override readonly name = 'ProviderRefusal';
  /** The provider's error code (RFC 6749 section 4.1.2.1), safe to log. */
  readonly error: string;

  constructor(error: string) {
    super(`The provider refused: ${error}`);
    this.error = error;
  }
}

/** The provider could not be discovered at start: unreachable, or not an OpenID Connect issuer. */
export class ProviderDiscoveryError extends Error {
  override readonly name = 'ProviderDiscoveryError';
}

const identityClaims = z.object({
  sub: z.string().min(1).max(255),
  email: z.string().trim().min(3).max(254).optional().catch(undefined),
  email_verified: z.boolean().optional().catch(undefined),
  given_name: z.string().trim().max(100).optional().catch(undefined),
  family_name: z.string().trim().max(100).optional().catch(undefined),
});

/** Seconds the server waits for the provider on each request. */
const requestTimeoutSeconds = 10;

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let cause = error; cause instanceof Error && parts.length < 3; cause = cause.cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    parts.push(code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message);
  }
  return parts.join(': ') || String(error);
}

/**
 * Discovers the provider (its /.well-known/openid-configuration must name the configured issuer)
 * and returns it ready for sign-ins. Throws {@link ProviderDiscoveryError} saying what failed.
 */
export async function discoverProvider(config: OidcConfig): Promise<IdentityProvider> {
  const execute = config.allowInsecureHttp ? [client.allowInsecureRequests] : [];
  let metadata: client.ServerMetadata;
  try {
    const discovered = await client.discovery(new URL(config.issuer), config.clientId, undefined, client.None(), {
      execute,
      timeout: requestTimeoutSeconds,
    });
    metadata = discovered.serverMetadata();
  } catch (error) {
    throw new ProviderDiscoveryError(
      `The OpenID Connect provider ${config.issuer} (CONSILIUM_OIDC_ISSUER) cannot be used: ${describe(error)}. ` +
        'Check the issuer URL and that this server can reach it.',
      { cause: error },
    );
  }
  // A secret goes in the Authorization header where the provider accepts it (the default of most).
  const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
  const authentication = !config.clientSecret
    ? client.None()
    : methods.includes('client_secret_basic')
      ? client.ClientSecretBasic(config.clientSecret)
      : client.ClientSecretPost(config.clientSecret);
  const configuration = new client.Configuration(metadata, config.clientId, config.clientSecret, authentication);
  configuration.timeout = requestTimeoutSeconds;
  for (const apply of execute) apply(configuration);
  return new OpenIdProvider(configuration, config.scopes);
}

class OpenIdProvider implements IdentityProvider {
  readonly #configuration: client.Configuration;
  readonly #scopes: string;
  readonly issuer: string;

  constructor(configuration: client.Configuration, scopes: string) {
    this.#configuration = configuration;
    this.#scopes = scopes;
    this.issuer = configuration.serverMetadata().issuer;
  }

  async authorizationUrl(request: AuthorizationRequest): Promise<string> {
    const url = client.buildAuthorizationUrl(this.#configuration, {
      redirect_uri: request.redirectUri,
      scope: this.#scopes,
      state: request.state,
      nonce: request.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
    });
    return url.href;
  }

  async exchange(callbackUrl: URL, request: AuthorizationRequest): Promise<ProviderIdentity> {
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(this.#configuration, callbackUrl, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      if (error instanceof client.AuthorizationResponseError) throw new ProviderRefusal(error.error);
      throw error;
    }
    const idToken = tokens.claims();
    if (!idToken) throw new Error('The provider returned no ID token');
    // Profile claims often come only from the userinfo endpoint; the ID token's signed claims win.
    const userInfo = this.#configuration.serverMetadata().userinfo_endpoint
      ? await client.fetchUserInfo(this.#configuration, tokens.access_token, idToken.sub)
      : {};
    const claims = identityClaims.parse({ ...userInfo, ...idToken });
    return {
      issuer: this.issuer,
      subject: claims.sub,
      email: claims.email,
      emailVerified: claims.email_verified === true,
      givenName: claims.given_name,
      familyName: claims.family_name,
    };
  }
}
