/**
 * The contract between the Electron main process and the renderer: what the preload script exposes
 * as `window.consilium`, and the IPC channels behind it, each with the schema main validates.
 */
import { z } from 'zod';
import { errorCodes } from '../errors.ts';
import { refreshTokenSchema } from '../identity/schemas.ts';

/** The desktop client serves its pages from this privileged scheme and host (never from the network). */
export const desktopAppScheme = 'app';
export const desktopAppHost = 'consilium';
/** The origin of the desktop client's pages, which the server admits for cross-origin calls. */
export const desktopAppOrigin = `${desktopAppScheme}://${desktopAppHost}`;

export const desktopConfig = z.object({
  serverUrl: z.url(),
  appVersion: z.string(),
});
export type DesktopConfig = z.infer<typeof desktopConfig>;

/** An access token handed to the renderer; the refresh token never leaves the main process. */
export const accessGrant = z.object({ accessToken: z.string(), accessTokenExpiresAt: z.string() });
export type AccessGrant = z.infer<typeof accessGrant>;

export const refreshOutcome = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), grant: accessGrant }),
  z.object({ ok: z.literal(false), code: z.enum(errorCodes) }),
]);
export type RefreshOutcome = z.infer<typeof refreshOutcome>;

/** Why a desktop sign-in through the provider ended without a session, beyond the server's codes. */
export const providerSignInEndings = ['cancelled', 'timed_out', 'browser_unavailable'] as const;

export const providerSignInOutcome = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), grant: accessGrant }),
  z.object({ ok: z.literal(false), code: z.enum([...errorCodes, ...providerSignInEndings]) }),
]);
export type ProviderSignInOutcome = z.infer<typeof providerSignInOutcome>;

/** The largest answer the main process fetches from a PACS for the renderer (one DICOM instance or search). */
export const pacsFetchMaxBytes = 2047 * 1024 * 1024;

/** A GET to a hospital PACS (DICOMweb) that the main process makes for the renderer: http(s) only, no credentials in the URL. */
export const pacsFetchRequest = z.object({
  url: z.url({ protocol: /^https?$/ }).max(8192).refine((url) => !/^[a-z]+:\/*[^/?#]*@/i.test(url), 'no credentials in the URL'),
  accept: z.string().max(200).regex(/^[\x20-\x7e]*$/),
});
export type PacsFetchRequest = z.infer<typeof pacsFetchRequest>;

export type PacsFetchOutcome =
  | { readonly ok: true; readonly status: number; readonly contentType: string; readonly body: Uint8Array }
  | { readonly ok: false; readonly code: 'network' | 'too_large' };

/** Every IPC channel, with the schema of its single argument. */
export const ipcChannels = {
  'consilium:config': z.undefined(),
  'consilium:session.keep': z.object({ refreshToken: refreshTokenSchema }),
  'consilium:session.refresh': z.undefined(),
  'consilium:session.forget': z.undefined(),
  'consilium:oidc.signIn': z.undefined(),
  'consilium:oidc.cancel': z.undefined(),
  'consilium:pacs.fetch': pacsFetchRequest,
} as const;
export type IpcChannel = keyof typeof ipcChannels;

export interface DesktopBridge {
  config(): Promise<DesktopConfig>;
  session: {
    /** Hands the refresh token of a new sign-in to the main process, which keeps it from now on. */
    keep(refreshToken: string): Promise<void>;
    /** Rotates the kept refresh token with the server and returns a fresh access token. */
    refresh(): Promise<RefreshOutcome>;
    /** Drops the refresh token (sign-out, lock, exit). */
    forget(): Promise<void>;
  };
  oidc: {
    /**
     * Signs in through the OpenID Connect provider in the system browser; main keeps the new
     * session's refresh token and returns its access token. A sign-in in progress is replaced.
     */
    signIn(): Promise<ProviderSignInOutcome>;
    /** Stops waiting for the browser; the pending signIn() ends as 'cancelled'. */
    cancel(): Promise<void>;
  };
  pacs: {
    /**
     * A GET to the hospital's PACS made by the main process (no CORS needed; the answer comes back
     * whole). Searches and images go from the workstation to the PACS only.
     */
    fetch(request: PacsFetchRequest): Promise<PacsFetchOutcome>;
  };
}
