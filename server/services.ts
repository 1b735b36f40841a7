// Builds every service from the database and configuration: the one place where ports are wired.
import type { Clock } from './clock.ts';
import { sharedCodeCatalogue } from './codes/load.ts';
import { CodesService } from './codes/service.ts';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { argon2Hasher, type PasswordHasher } from './identity/passwords.ts';
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
  readonly codes: CodesService;
}

export interface ServicePorts {
  readonly clock: Clock;
  readonly hasher?: PasswordHasher;
  /** Signs access tokens; the same key must be used across restarts for sessions to survive. */
  readonly tokenKey: Uint8Array;
}

export function createServices(db: Database, config: ServerConfig, ports: ServicePorts): Services {
  const { clock } = ports;
  return {
    identity: new IdentityService({
      repo: new IdentityRepo(db.prisma),
      clock,
      hasher: ports.hasher ?? argon2Hasher,
      tokens: new AccessTokens(ports.tokenKey, config.accessTokenSeconds),
      throttle: new FailureThrottle(clock),
      sessions: { idleSeconds: config.sessionIdleSeconds, maxSeconds: config.sessionMaxSeconds },
    }),
    training: new TrainingService(db.prisma, clock, config.training),
    system: new SystemService(config, clock),
    codes: new CodesService(() => sharedCodeCatalogue()),
  };
}
