// Structured logs (pino, through Fastify) that never carry personal data: requests are logged by
// method, path without query and status; bodies, headers and error messages are never logged.
import type { FastifyServerOptions } from 'fastify';
import type { ServerConfig } from './config.ts';

export type LogStream = NonNullable<Extract<FastifyServerOptions['logger'], { stream?: unknown }>['stream']>;

export function loggerOptions(config: Pick<ServerConfig, 'logLevel'>, stream?: LogStream): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    ...(stream ? { stream } : {}),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?')[0] }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}

/** An error's stack frames without its message, which may quote data. */
export function stackFrames(error: unknown): string | undefined {
  if (!(error instanceof Error) || !error.stack) return undefined;
  return error.stack.split('\n').filter((line) => /^\s+at /.test(line)).join('\n');
}
