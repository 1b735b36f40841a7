// The request context: the services, and who is calling (their bearer token, their address).
import type { IncomingMessage } from 'node:http';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { Services } from './services.ts';

export interface Context {
  readonly services: Services;
  readonly accessToken: string | undefined;
  /** The client's address, for throttling sign-in failures. Never logged. */
  readonly clientAddress: string;
}

/** The context without HTTP, for tests that call procedures directly. */
export function createContextInner(services: Services, accessToken?: string, clientAddress = 'local'): Context {
  return { services, accessToken, clientAddress };
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function contextFactory(services: Services) {
  return ({ req, info }: CreateFastifyContextOptions): Context => {
    const fromParams = info.connectionParams?.token;
    const raw = req as unknown as IncomingMessage;
    const token = typeof fromParams === 'string' ? fromParams : bearer(raw.headers.authorization);
    return createContextInner(services, token, raw.socket.remoteAddress ?? 'unknown');
  };
}
