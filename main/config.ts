// The desktop client's settings: which Consilium server it talks to, and its own version.
import { z } from 'zod';
import type { DesktopConfig } from '../app/desktop/bridge.ts';

/** Where the client looks for a server when CONSILIUM_SERVER_URL is not set: a local development server. */
export const defaultServerUrl = 'http://127.0.0.1:4500';

const serverUrlSchema = z.url({ protocol: /^https?$/ });

export class DesktopConfigError extends Error {
  override readonly name = 'DesktopConfigError';
}

/**
 * Reads the server URL from CONSILIUM_SERVER_URL (an http or https URL, default
 * {@link defaultServerUrl}) and returns it, without trailing slashes, with the app version.
 * Throws DesktopConfigError naming the variable and the expected form.
 */
export function loadDesktopConfig(env: NodeJS.ProcessEnv, appVersion: string): DesktopConfig {
  const raw = env['CONSILIUM_SERVER_URL'] ?? defaultServerUrl;
  const parsed = serverUrlSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DesktopConfigError(
      `CONSILIUM_SERVER_URL must be an http:// or https:// URL such as ${defaultServerUrl}, got ${JSON.stringify(raw)}`,
    );
  }
  // Endpoints are built as `${serverUrl}/trpc/...`, so a trailing slash would double up.
  return { serverUrl: parsed.data.replace(/\/+$/, ''), appVersion };
}
