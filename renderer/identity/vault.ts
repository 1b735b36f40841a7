// Where the refresh token lives. In the desktop client the main process keeps it and the renderer
// never sees it again after sign-in; in a browser it stays in this page's memory only.
import type { DesktopBridge, RefreshOutcome } from '../../app/desktop/bridge.ts';
import type { TokenPair } from '../../app/identity/schemas.ts';
import { toUserFacingError } from '../api/errors.ts';

export interface SessionVault {
  keep(pair: TokenPair): Promise<void>;
  refresh(): Promise<RefreshOutcome>;
  forget(): Promise<void>;
}

export function bridgeVault(bridge: DesktopBridge): SessionVault {
  return {
    keep: (pair) => bridge.session.keep(pair.refreshToken),
    refresh: () => bridge.session.refresh(),
    forget: () => bridge.session.forget(),
  };
}

/** Keeps the refresh token in memory; concurrent refreshes share one call (a token works once). */
export function memoryVault(exchange: (refreshToken: string) => Promise<TokenPair>): SessionVault {
  let refreshToken: string | undefined;
  let pending: Promise<RefreshOutcome> | undefined;
  const rotate = async (): Promise<RefreshOutcome> => {
    if (!refreshToken) return { ok: false, code: 'not_signed_in' };
    try {
      const pair = await exchange(refreshToken);
      refreshToken = pair.refreshToken;
      return { ok: true, grant: { accessToken: pair.accessToken, accessTokenExpiresAt: pair.accessTokenExpiresAt } };
    } catch (error) {
      const { code } = toUserFacingError(error);
      if (code === 'network' || code === 'internal') return { ok: false, code: 'not_signed_in' };
      refreshToken = undefined;
      return { ok: false, code };
    }
  };
  return {
    keep: async (pair) => {
      refreshToken = pair.refreshToken;
    },
    refresh: () => {
      pending ??= rotate().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    forget: async () => {
      refreshToken = undefined;
    },
  };
}
