// Builds every service from the database and configuration: the one place where ports are wired.
import type { BlobStore } from './blobs/store.ts';
import type { Clock } from './clock.ts';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { argon2Hasher, type PasswordHasher } from './identity/passwords.ts';
import { IdentityRepo } from './identity/repo.ts';
import { IdentityService } from './identity/service.ts';
import { FailureThrottle } from './identity/throttle.ts';
import { AccessTokens } from './identity/tokens.ts';
import { ImagingRepo, ImagingService, uploaderOnlyAccess } from './imaging/index.ts';
import { SystemService } from './system/service.ts';
import { TrainingService } from './training/service.ts';

export interface Services {
  readonly identity: IdentityService;
  readonly training: TrainingService;
  readonly system: SystemService;
  readonly imaging: ImagingService;
}

export interface ServicePorts {
  readonly clock: Clock;
  readonly hasher?: PasswordHasher;
  /** Signs access tokens; the same key must be used across restarts for sessions to survive. */
  readonly tokenKey: Uint8Array;
  /** Files and DICOM instances. */
  readonly blobs: BlobStore;
}

export function createServices(db: Database, config: ServerConfig, ports: ServicePorts): Services {
  const { clock } = ports;
  const imagingRepo = new ImagingRepo(db.prisma);
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
    imaging: new ImagingService({
      repo: imagingRepo,
      blobs: ports.blobs,
      // INTERIM access rule (uploader only) until the patients feature's need-to-know policy replaces it.
      access: uploaderOnlyAccess(imagingRepo),
      clock,
      limits: config.dicom,
    }),
  };
}
