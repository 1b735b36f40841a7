// The app's one connection to the server, rebuilt when the signed-in user changes.
import { type ApiClient, connect, type Connection, type SessionHooks } from './client.ts';

let baseUrl = '';
let hooks: SessionHooks | undefined;
let connection: Connection | undefined;

export function configureApi(url: string, sessionHooks: SessionHooks): void {
  baseUrl = url;
  hooks = sessionHooks;
  reconnect();
}

/** The typed tRPC client, e.g. `api().identity.me.query()`. */
export function api(): ApiClient {
  if (!connection) throw new Error('configureApi() must run before the API is used');
  return connection.client;
}

/** The server's base URL (http://host:port), for the few routes outside tRPC (downloads, uploads). */
export function serverUrl(): string {
  return baseUrl;
}

/** Starts a new connection, so the WebSocket authenticates as the current user. */
export function reconnect(): void {
  if (!hooks) return;
  connection?.close();
  connection = connect(baseUrl, hooks);
}
