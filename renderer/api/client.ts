// The typed tRPC client: queries and mutations over batched HTTP, subscriptions over WebSocket.
// An expired access token is refreshed once and the call retried; an ended session is reported.
import { createTRPCClient, createWSClient, httpBatchLink, splitLink, type TRPCLink, wsLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import { observable, type Unsubscribable } from '@trpc/server/observable';
import type { AppRouter } from '../../server/router.ts';
import { appCodeOf, sessionEndingCodes } from './errors.ts';

export interface SessionHooks {
  /** The current access token, if signed in. */
  accessToken(): string | undefined;
  /** Gets a new access token; resolves false when the session cannot be renewed. */
  refresh(): Promise<boolean>;
  /** Called when the server says the session is over (expired, revoked). */
  sessionEnded(code: string): void;
}

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;

/** What each procedure returns, e.g. `ApiOutputs['system']['info']`: derived, never restated. */
export type ApiOutputs = inferRouterOutputs<AppRouter>;

function sessionLink(hooks: SessionHooks): TRPCLink<AppRouter> {
  return () =>
    ({ op, next }) =>
      observable((observer) => {
        let subscription: Unsubscribable | undefined;
        let retried = false;
        const attempt = () => {
          subscription = next(op).subscribe({
            next: (value) => observer.next(value),
            complete: () => observer.complete(),
            error: (error) => {
              const code = appCodeOf(error);
              if (code === 'token_expired' && !retried && op.type !== 'subscription') {
                retried = true;
                hooks.refresh().then(
                  (renewed) => (renewed ? attempt() : observer.error(error)),
                  () => observer.error(error),
                );
                return;
              }
              if (code && sessionEndingCodes.has(code) && op.path !== 'identity.refresh') hooks.sessionEnded(code);
              observer.error(error);
            },
          });
        };
        attempt();
        return () => subscription?.unsubscribe();
      });
}

export interface Connection {
  readonly client: ApiClient;
  /** Closes the WebSocket; subscriptions end. */
  close(): void;
}

/**
 * Connects to the server. The WebSocket authenticates once, when it opens, so a new connection is
 * made whenever the signed-in user changes.
 */
export function connect(serverUrl: string, hooks: SessionHooks): Connection {
  const httpUrl = new URL('/trpc', serverUrl).toString();
  const wsUrl = httpUrl.replace(/^http/, 'ws');
  const wsClient = createWSClient({
    url: wsUrl,
    lazy: { enabled: true, closeMs: 10_000 },
    connectionParams: () => {
      const token = hooks.accessToken();
      return token ? { token } : {};
    },
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      sessionLink(hooks),
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient }),
        false: httpBatchLink({
          url: httpUrl,
          headers: () => {
            const token = hooks.accessToken();
            return token ? { authorization: `Bearer ${token}` } : {};
          },
        }),
      }),
    ],
  });
  return { client, close: () => void wsClient.close() };
}
