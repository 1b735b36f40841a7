// Builds every service from the database and configuration: the one place where ports are wired.
import { randomBytes } from 'node:crypto';
import { AccessRepo } from './access/repo.ts';
import { AccessService } from './access/service.ts';
import { AccountService } from './account/service.ts';
import { AdminService } from './admin/service.ts';
import { AssistantsService } from './assistants/service.ts';
import { AuditLog } from './audit/log.ts';
import type { BlobStore } from './blobs/store.ts';
import type { Clock } from './clock.ts';
import { sharedCodeCatalogue } from './codes/load.ts';
import { CodesService } from './codes/service.ts';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { changeCounter } from './db/read-cache.ts';
import { DirectoryService } from './directory/service.ts';
import { ActorLoader } from './identity/actors.ts';
import { argon2Hasher, type PasswordHasher } from './identity/passwords.ts';
import { oidcPaths } from '../app/identity/oidc.ts';
import { OidcRepo, OidcService } from './identity/oidc/index.ts';
import type { IdentityProvider } from './identity/oidc/provider.ts';
import { IdentityRepo } from './identity/repo.ts';
import { IdentityService } from './identity/service.ts';
import { FailureThrottle } from './identity/throttle.ts';
import { AccessTokens } from './identity/tokens.ts';
import { NotificationService } from './notifications/service.ts';
import { SharedBlobs } from './blobs/shared.ts';
import { blobReferenced, FilesRepo, FilesService } from './patients/files/index.ts';
import { PatientExportService } from './patients/export.ts';
import { IdentitySeal } from './patients/identity-seal.ts';
import { PatientsRepo } from './patients/repo.ts';
import { PatientReviewService } from './patients/review.ts';
import { PatientsService } from './patients/service.ts';
import { ImagingRepo, ImagingService } from './imaging/index.ts';
import { patientImagingAccess } from './imaging/patient-access.ts';
import { serverVersion, SystemService } from './system/service.ts';
import { TrainingService } from './training/service.ts';

/** Where services report what operators need to know; never personal data. */
export interface ServiceLog {
  error(fields: Record<string, unknown>, message: string): void;
}

export interface Services {
  readonly identity: IdentityService;
  readonly actors: ActorLoader;
  readonly audit: AuditLog;
  readonly access: AccessService;
  readonly account: AccountService;
  readonly assistants: AssistantsService;
  readonly directory: DirectoryService;
  readonly notifications: NotificationService;
  readonly admin: AdminService;
  readonly training: TrainingService;
  readonly system: SystemService;
  readonly log: ServiceLog;
  readonly codes: CodesService;
  readonly patients: PatientsService;
  /** A patient's "Files": documents and images, their bytes in the blob store. */
  readonly files: FilesService;
  /** The portability export (FHIR bundle plus files). */
  readonly patientExport: PatientExportService;
  /** The 15-year retention review of patient records. */
  readonly patientReview: PatientReviewService;
  /** Sign-in through an OpenID Connect provider; undefined when none is configured. */
  readonly oidc: OidcService | undefined;
  readonly imaging: ImagingService;
}

export interface ServicePorts {
  readonly clock: Clock;
  readonly hasher?: PasswordHasher;
  /** Signs access tokens; the same key must be used across restarts for sessions to survive. */
  readonly tokenKey: Uint8Array;
  /** Keys the audit chain; the same key must be used across restarts to verify older records. */
  readonly auditKey?: Buffer;
  readonly log: ServiceLog;
  /** Seals patients' identifying data (32 bytes; random per start when absent: ephemeral servers). */
  readonly identityKey?: Buffer;
  /** Files and DICOM instances. */
  readonly blobs: BlobStore;
  /** The OpenID Connect provider, discovered at start, when one is configured. */
  readonly oidcProvider?: IdentityProvider;
  /** Where browsers reach the server (for the provider's redirect back to it). */
  readonly publicUrl?: () => string;
}

export function createServices(db: Database, config: ServerConfig, ports: ServicePorts): Services {
  const { clock, oidcProvider, publicUrl } = ports;
  const prisma = db.prisma;
  const reads = changeCounter(() => db.sqlite);
  const hasher = ports.hasher ?? argon2Hasher;
  const audit = new AuditLog(prisma, ports.auditKey ?? randomBytes(32), clock);
  const identity = new IdentityService({
    repo: new IdentityRepo(prisma, reads),
    clock,
    hasher,
    tokens: new AccessTokens(ports.tokenKey, config.accessTokenSeconds),
    throttle: new FailureThrottle(clock),
    sessions: { idleSeconds: config.sessionIdleSeconds, maxSeconds: config.sessionMaxSeconds },
    audit: (entry) => audit.append(entry),
  });
  const endSessions = (userId: string) => identity.revokeAllSessions(userId);
  const notifications = new NotificationService(prisma, clock);
  const actors = new ActorLoader(prisma, reads);
  const patientsRepo = new PatientsRepo(prisma);
  // Every table holding blob ids (files, DICOM instances) decides whether a blob is still referred to (equal bytes share one).
  const fileBlobs = new SharedBlobs(ports.blobs, blobReferenced(prisma));
  const seal = new IdentitySeal(ports.identityKey ?? randomBytes(32));
  const store = db.store;
  const codes = new CodesService(() => sharedCodeCatalogue());
  const imaging = new ImagingService({ repo: new ImagingRepo(prisma, reads), blobs: fileBlobs, access: patientImagingAccess(prisma, actors, reads), clock, limits: config.dicom });
  return {
    identity,
    actors,
    audit,
    access: new AccessService({ repo: new AccessRepo(prisma), clock, notifications, endSessions }),
    account: new AccountService({ db: prisma, clock, endSessions }),
    assistants: new AssistantsService(prisma, clock, notifications),
    directory: new DirectoryService(prisma),
    notifications,
    admin: new AdminService(prisma, clock),
    training: new TrainingService(prisma, clock, config.training),
    system: new SystemService(config, clock),
    log: ports.log,
    codes,
    imaging,
    patients: new PatientsService({
      repo: patientsRepo,
      codes,
      clock,
      seal,
      blobs: fileBlobs,
      images: imaging,
      // After an erasure, a snapshot lets the journal files that still hold the identity go.
      ...(store ? { snapshot: async () => void (await store.snapshot()) } : {}),
      log: ports.log,
    }),
    files: new FilesService({ repo: new FilesRepo(prisma), patients: patientsRepo, blobs: fileBlobs, clock, maxBytes: config.maxFileBytes }),
    patientExport: new PatientExportService({ repo: patientsRepo, clock, seal, blobs: () => ports.blobs, version: serverVersion }),
    patientReview: new PatientReviewService({ repo: patientsRepo, clock, notifications }),
    oidc: oidcProvider && publicUrl
      ? new OidcService({ provider: oidcProvider, repo: new OidcRepo(prisma), identity, hasher, clock, redirectUri: () => `${publicUrl()}${oidcPaths.callback}` })
      : undefined,
  };
}
