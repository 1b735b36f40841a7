// The app's one connection to the server, rebuilt when the signed-in user changes.
import { type ApiClient, connect, type Connection, type SessionHooks } from './client.ts';

let serverUrl = '';
let hooks: SessionHooks | undefined;
let connection: Connection | undefined;

export function configureApi(url: string, sessionHooks: SessionHooks): void {
  serverUrl = url;
  hooks = sessionHooks;
  reconnect();
}

/** The server's base URL, e.g. for its DICOMweb endpoints under `/dicom-web`. */
export function apiServerUrl(): string {
  return serverUrl;
}

/** The typed tRPC client, e.g. `api().identity.me.query()`. */
export function api(): ApiClient {
  if (!connection) throw new Error('configureApi() must run before the API is used');
  return connection.client;
}

/** The server's address and the session, for the few HTTP routes outside tRPC (files' bytes). */
export function httpSession(): { serverUrl: string; hooks: SessionHooks } {
  if (!hooks) throw new Error('configureApi() must run before the API is used');
  return { serverUrl, hooks };
}

/** Starts a new connection, so the WebSocket authenticates as the current user. */
export function reconnect(): void {
  if (!hooks) return;
  connection?.close();
  connection = connect(serverUrl, hooks);
}
