// The central server: tRPC over HTTP (batched) and WebSocket on one port, and the renderer for
// browsers. `startServer` is used by the command line, the launcher and the tests alike.
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import ws from '@fastify/websocket';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { contentSecurityPolicy } from '../app/security/csp.ts';
import { type BlobStore, memoryBlobStore, openDiskBlobStore } from './blobs/store.ts';
import { type Clock, systemClock } from './clock.ts';
import { ConfigError, type ServerConfig } from './config.ts';
import { contextFactory } from './context.ts';
import { type Database, openDatabase } from './db/database.ts';
import { deriveKeys } from './db/durable/keys.ts';
import type { SnapshotInfo } from './db/durable/snapshots.ts';
import type { DurableStore } from './db/durable/store.ts';
import { defaultOidcLimits, discoverProvider, ProviderDiscoveryError, registerOidcRoutes } from './identity/oidc/index.ts';
import { newTokenKey } from './identity/tokens.ts';
import { seedDemoAccounts } from './demo/accounts.ts';
import { seedDemoPatients } from './demo/patients.ts';
import { identityKeyOf } from './patients/identity-key.ts';
import { argon2Hasher, type PasswordHasher } from './identity/passwords.ts';
import { dicomWebRoutes } from './imaging/index.ts';
import { type LogStream, loggerOptions, stackFrames } from './log.ts';
import { registerCors, webSocketOriginAllowed } from './origins.ts';
import { registerPatientExportRoute } from './patients/export-route.ts';
import { seedReferenceData } from './reference/seed.ts';
import { type AppRouter, appRouter } from './router.ts';
import { jobsOf, type Scheduler, startScheduler } from './jobs/scheduler.ts';
import { fileRoutes } from './patients/files/index.ts';
import { createServices, type Services } from './services.ts';

export interface StartOptions {
  readonly clock?: Clock;
  readonly hasher?: PasswordHasher;
  readonly logStream?: LogStream;
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  readonly db: Database;
  /** Files and DICOM instances: encrypted on disk when durable, in memory when ephemeral. */
  readonly blobs: BlobStore;
  readonly log: FastifyInstance['log'];
  /** The scheduled jobs (guest expiry, inactivity review); tests run them at will. */
  readonly jobs: Scheduler;
  /** Takes a snapshot now (durable servers only). */
  snapshot(): Promise<SnapshotInfo>;
  close(): Promise<void>;
}

/** Snapshots every `seconds` when something was written since the last one. */
function scheduleSnapshots(store: DurableStore, seconds: number, log: FastifyInstance['log']): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (store.recordsSinceSnapshot === 0) return;
    store.snapshot().then(
      (info) => log.info({ snapshot: info.name }, 'snapshot written'),
      (error: unknown) => log.error({ stack: stackFrames(error) }, 'snapshot failed'),
    );
  }, seconds * 1000);
  timer.unref();
  return timer;
}

/** JSON bodies larger than this are refused before parsing (files travel by their own routes, with their own limit). */
const bodyLimitBytes = 1024 * 1024;
/**
 * A batched call names all its procedures in one path parameter ("identity.me,system.info,...");
 * Fastify's default limit of 100 characters would refuse batches of more than a few calls.
 */
const maxBatchPathLength = 8 * 1024;

export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const clock = options.clock ?? systemClock;
  const hasher = options.hasher ?? argon2Hasher;
  const keys = config.storage ? deriveKeys(config.storage.dataKey) : undefined;
  const db = await openDatabase(config.storage && keys ? { dir: config.storage.dir, keys, now: () => clock.now() } : undefined);
  const app = Fastify({
    logger: loggerOptions(config, options.logStream),
    bodyLimit: bodyLimitBytes,
    forceCloseConnections: true,
    routerOptions: { maxParamLength: maxBatchPathLength },
  });
  try {
    await seedReferenceData(db.prisma);
    if (config.demo) await seedDemoAccounts(db.prisma, hasher, clock);
    // Known before listening when configured, else once the port is (the provider's redirect needs it).
    let publicUrl = config.publicUrl;
    const oidcProvider = config.oidc ? await discoverProvider(config.oidc).catch(explainDiscoveryFailure) : undefined;
    const blobs = config.storage && keys ? await openDiskBlobStore(join(config.storage.dir, 'blobs'), keys.blobs) : memoryBlobStore();
    const services = createServices(db, config, {
      clock,
      hasher,
      tokenKey: config.tokenKey ?? keys?.token ?? newTokenKey(),
      ...(keys ? { auditKey: keys.audit } : {}),
      ...(config.identityKey ? { identityKey: config.identityKey } : config.storage && keys ? { identityKey: await identityKeyOf(config.storage.dir, keys.identityWrap) } : {}),
      blobs,
      log: { error: (fields, message) => app.log.error(fields, message) },
      ...(oidcProvider ? { oidcProvider, publicUrl: () => publicUrl ?? '' } : {}),
    });

    registerCors(app);
    await app.register(ws, {
      options: {
        maxPayload: bodyLimitBytes,
        verifyClient: ({ req }: { req: IncomingMessage }) => webSocketOriginAllowed(req.headers.origin, req.headers.host),
      },
    });
    await app.register(fastifyTRPCPlugin, {
      prefix: '/trpc',
      useWSS: true,
      trpcOptions: {
        router: appRouter,
        createContext: contextFactory(services),
        keepAlive: { enabled: true, pingMs: 30_000, pongWaitMs: 5_000 },
        onError({ path, error }) {
          if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ path, code: error.code, stack: stackFrames(error.cause ?? error) }, 'procedure failed');
        },
      } satisfies FastifyTRPCPluginOptions<AppRouter>['trpcOptions'],
    });
    app.addHook('onSend', async (_request, reply) => {
      reply.header('X-Content-Type-Options', 'nosniff');
      reply.header('Referrer-Policy', 'no-referrer');
      reply.header('Cache-Control', 'no-store');
    });
    registerPatientExportRoute(app, services);
    registerOidcRoutes(app, { service: services.oidc, publicUrl: () => publicUrl ?? '', flowSeconds: defaultOidcLimits.flowSeconds });
    // After the onSend hook: a plugin's routes get the hooks registered before it.
    await app.register(dicomWebRoutes(services.imaging, services), { prefix: '/dicom-web' });
    await app.register(fileRoutes(services));
    await serveRenderer(app, config.rendererDir, config.pacsUrls);

    if (db.store) {
      const { recovery } = db.store;
      app.log.info({ snapshot: recovery.snapshot, replayed: recovery.replayedRecords, lastSeq: Number(recovery.lastSeq), damagedSnapshots: recovery.damagedSnapshots }, 'database recovered');
      if (recovery.tornTail) app.log.warn({ tornTail: recovery.tornTail }, 'a torn record at the end of the journal was set aside (it was never acknowledged)');
    }
    const snapshots = db.store ? scheduleSnapshots(db.store, config.snapshotSeconds, app.log) : undefined;
    if (!(await services.patients.identityKeyFits())) {
      throw new ConfigError('The identity key does not open the patients’ identifying data: start with the CONSILIUM_IDENTITY_KEY (or data directory) in use when they were enrolled.');
    }
    if (config.demo) await seedDemoPatients(db.prisma, services);
    const jobs = startScheduler(jobsOf(services), config.jobsSeconds, services.audit, services.log);

    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    publicUrl ??= `http://${host}:${port}`;
    return {
      url: `http://${host}:${port}`,
      port,
      services,
      db,
      blobs,
      log: app.log,
      jobs,
      snapshot: async () => {
        if (!db.store) throw new Error('An ephemeral server keeps no snapshots');
        return db.store.snapshot();
      },
      close: async () => {
        clearInterval(snapshots);
        jobs.stop();
        await app.close();
        // A snapshot at shutdown makes the next start quick: nothing to replay.
        if (db.store && db.store.recordsSinceSnapshot > 0) await db.store.snapshot().catch((error: unknown) => app.log.error({ stack: stackFrames(error) }, 'snapshot at shutdown failed'));
        await db.close();
      },
    };
  } catch (error) {
    await app.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
}

/** A provider that cannot be discovered stops the start, naming the setting to check. */
function explainDiscoveryFailure(error: unknown): never {
  throw error instanceof ProviderDiscoveryError ? new ConfigError(error.message) : error;
}

/**
 * Serves the built renderer (if any), with its CSP, and index.html for the app's own routes.
 * Unknown paths get a plain 404 from our handler: Fastify's default one logs the URL, query included.
 */
async function serveRenderer(app: FastifyInstance, rendererDir: string | undefined, pacsUrls: readonly string[]): Promise<void> {
  // The workstation imports from the configured PACS directly (the search never passes through here).
  const csp = contentSecurityPolicy([...new Set(pacsUrls.map((url) => new URL(url).origin))]);
  if (rendererDir) {
    await app.register(fastifyStatic, {
      root: rendererDir,
      index: 'index.html',
      setHeaders: (reply) => reply.header('Content-Security-Policy', csp),
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const wantsPage = request.method === 'GET' && !request.url.startsWith('/trpc') && (request.headers.accept ?? '').includes('text/html');
    if (!rendererDir || !wantsPage) return reply.code(404).send({ error: 'not_found' });
    return reply.header('Content-Security-Policy', csp).sendFile('index.html');
  });
}
