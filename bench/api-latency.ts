// What the API path costs: the signed-in user's profile (`identity.me`, one authenticated read with
// session check) called in-process on the service (baseline) and through tRPC over HTTP and WebSocket.
import { createTRPCClient, createWSClient, httpBatchLink, wsLink } from '@trpc/client';
import { WebSocket as NodeWebSocket } from 'ws';
import { createCallerFactory } from '../server/trpc.ts';
import { loadConfig } from '../server/config.ts';
import { createContextInner } from '../server/context.ts';
import { demoPassword } from '../server/demo/accounts.ts';
import { totpCode } from '../server/identity/totp.ts';
import { type AppRouter, appRouter } from '../server/router.ts';
import { startServer } from '../server/server.ts';
import { measure, printSideBySide } from './stats.ts';

export async function benchApiLatency(runs: number): Promise<void> {
  const server = await startServer(loadConfig({ CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'silent' }, ['--demo']));
  try {
    const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' } });
    const tokens = await server.services.identity.signIn(
      { username: 'claire.martin', password: demoPassword, code: totpCode(user.totpSecret, new Date()) },
      'bench',
    );
    const caller = await server.services.identity.authenticate(tokens.accessToken);
    const actor = await server.services.actors.load(caller);
    const inProcess = createCallerFactory(appRouter)(createContextInner(server.services, tokens.accessToken));
    const http = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, headers: { authorization: `Bearer ${tokens.accessToken}` } })],
    });
    const wsClient = createWSClient({ url: `${server.url.replace('http', 'ws')}/trpc`, WebSocket: NodeWebSocket as unknown as typeof globalThis.WebSocket, connectionParams: { token: tokens.accessToken } });
    const ws = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });

    printSideBySide(`identity.me, ${runs} sequential calls`, [
      await measure('service call (baseline)', runs, () => server.services.identity.me(caller, actor)),
      await measure('tRPC caller, in-process (+auth, actor, policy)', runs, () => inProcess.identity.me()),
      await measure('tRPC over HTTP (batched link)', runs, () => http.identity.me.query()),
      await measure('tRPC over WebSocket', runs, () => ws.identity.me.query()),
    ]);
    await wsClient.close();
  } finally {
    await server.close();
  }
}
