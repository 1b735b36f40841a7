// Builds every service from the database and configuration: the one place where ports are wired.
import type { Clock } from './clock.ts';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { argon2Hasher, type PasswordHasher } from './identity/passwords.ts';
import { oidcPaths } from '../app/identity/oidc.ts';
import { OidcRepo, OidcService } from './identity/oidc/index.ts';
import type { IdentityProvider } from './identity/oidc/provider.ts';
import { IdentityRepo } from './identity/repo.ts';
import { IdentityService } from './identity/service.ts';
import { FailureThrottle } from './identity/throttle.ts';
import { AccessTokens } from './identity/tokens.ts';
import { SystemService } from './system/service.ts';
import { TrainingService } from './training/service.ts';

export interface Services {
  readonly identity: IdentityService;
  readonly training: TrainingService;
  readonly system: SystemService;
  /** Sign-in through an OpenID Connect provider; undefined when none is configured. */
  readonly oidc: OidcService | undefined;
}

export interface ServicePorts {
  readonly clock: Clock;
  readonly hasher?: PasswordHasher;
  /** Signs access tokens; the same key must be used across restarts for sessions to survive. */
  readonly tokenKey: Uint8Array;
  /** The OpenID Connect provider, discovered at start, when one is configured. */
  readonly oidcProvider?: IdentityProvider;
  /** Where browsers reach the server (for the provider's redirect back to it). */
  readonly publicUrl?: () => string;
}

export function createServices(db: Database, config: ServerConfig, ports: ServicePorts): Services {
  const { clock, oidcProvider, publicUrl } = ports;
  const hasher = ports.hasher ?? argon2Hasher;
  const identity = new IdentityService({
    repo: new IdentityRepo(db.prisma),
    clock,
    hasher,
    tokens: new AccessTokens(ports.tokenKey, config.accessTokenSeconds),
    throttle: new FailureThrottle(clock),
    sessions: { idleSeconds: config.sessionIdleSeconds, maxSeconds: config.sessionMaxSeconds },
  });
  return {
    identity,
    training: new TrainingService(db.prisma, clock, config.training),
    system: new SystemService(config, clock),
    oidc: oidcProvider && publicUrl
      ? new OidcService({ provider: oidcProvider, repo: new OidcRepo(db.prisma), identity, hasher, clock, redirectUri: () => `${publicUrl()}${oidcPaths.callback}` })
      : undefined,
  };
}
