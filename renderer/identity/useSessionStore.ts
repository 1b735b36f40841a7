// The signed-in session: access token in memory, the user's profile, sign-in and sign-out, and
// the end of a session (expired, revoked) that sends the user back to the sign-in page.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { AccessGrant } from '../../app/desktop/bridge.ts';
import type { MeView, SignInInput, TokenPair } from '../../app/identity/schemas.ts';
import { api, reconnect } from '../api/index.ts';
import type { SessionVault } from './vault.ts';

/** Why the user is on the sign-in page, shown there as a message. */
export const signInReasons = ['signed_out', 'session_expired', 'session_revoked', 'account_deactivated'] as const;
export type SignInReason = (typeof signInReasons)[number];

export function isSignInReason(value: unknown): value is SignInReason {
  return (signInReasons as readonly unknown[]).includes(value);
}

export const useSessionStore = defineStore('session', () => {
  const accessToken = ref<string>();
  const me = ref<MeView>();
  const vault = shallowRef<SessionVault>();
  /** Set when a session ends; the router guard sends the user to sign-in with it. */
  const endedReason = ref<SignInReason>();
  let watchingEnd: { unsubscribe(): void } | undefined;

  const signedIn = computed(() => accessToken.value !== undefined);
  /** The workstation is locked after inactivity: nothing but the lock screen until unlocked. */
  const locked = ref(false);
  /** Where the user was when the workstation locked, to return there. */
  const lockedAt = ref<string>();

  function lock(path: string): void {
    if (!accessToken.value || locked.value) return;
    locked.value = true;
    lockedAt.value = path;
  }

  /** Unlocks with the password (the server counts wrong ones towards the account lock). */
  async function unlock(password: string): Promise<string> {
    await api().identity.unlock.mutate({ password });
    locked.value = false;
    const back = lockedAt.value ?? '/';
    lockedAt.value = undefined;
    return back;
  }

  /** Whether the server said the user may do this (to show or hide actions; the server decides again). */
  const can = (permission: string): boolean => me.value?.abilities.includes(permission) ?? false;

  function useVault(value: SessionVault): void {
    vault.value = value;
  }

  let meLoadedAt = 0;

  /**
   * Reloads the user's profile and memberships, which may change while they work; a profile loaded
   * less than `maxAgeMs` ago (e.g. by sign-in, just before Home opens) is kept.
   */
  async function reloadMe(maxAgeMs = 0): Promise<void> {
    if (me.value && Date.now() - meLoadedAt < maxAgeMs) return;
    me.value = await api().identity.me.query();
    meLoadedAt = Date.now();
  }

  async function signIn(input: SignInInput): Promise<void> {
    await begin(await api().identity.signIn.mutate(input));
  }

  /** Signs in with the one-time ticket of a sign-in through the identity provider (in a browser). */
  async function redeemTicket(ticket: string): Promise<void> {
    await begin(await api().identity.oidc.redeemTicket.mutate({ ticket }));
  }

  /** A new session's token pair: the vault keeps the refresh token, the page the access token. */
  async function begin(pair: TokenPair): Promise<void> {
    await vault.value?.keep(pair);
    await adoptGrant(pair);
  }

  /**
   * Starts using a new session's access token: the profile is loaded and the end of the session
   * watched. Also for a desktop sign-in through the provider, whose refresh token main keeps.
   */
  async function adoptGrant(grant: AccessGrant): Promise<void> {
    accessToken.value = grant.accessToken;
    endedReason.value = undefined;
    reconnect();
    await reloadMe();
    watchSessionEnd();
  }

  /**
   * Renews the access token; ends the session when the server refuses. An unreachable server is
   * not the end of the session: the call fails and the user may try again.
   */
  async function refresh(): Promise<boolean> {
    if (!vault.value) return false;
    const outcome = await vault.value.refresh().catch(() => undefined);
    if (!outcome) return false;
    if (outcome.ok) {
      accessToken.value = outcome.grant.accessToken;
      return true;
    }
    await end(outcome.code === 'session_revoked' || outcome.code === 'account_deactivated' ? outcome.code : 'session_expired');
    return false;
  }

  async function signOut(): Promise<void> {
    try {
      await api().identity.signOut.mutate();
    } finally {
      await end('signed_out');
    }
  }

  /** Forgets everything about the session; the router then shows the sign-in page with `reason`. */
  async function end(reason: SignInReason | string): Promise<void> {
    if (!accessToken.value && endedReason.value) return;
    watchingEnd?.unsubscribe();
    watchingEnd = undefined;
    accessToken.value = undefined;
    me.value = undefined;
    locked.value = false;
    lockedAt.value = undefined;
    endedReason.value = isSignInReason(reason) ? reason : 'session_expired';
    await vault.value?.forget();
    reconnect();
  }

  function watchSessionEnd(): void {
    watchingEnd = api().identity.sessionEnded.subscribe(undefined, {
      onData: ({ reason }) => void end(reason === 'signed_out' ? 'signed_out' : 'session_revoked'),
    });
  }

  /** Acts for a clinician who appointed the user as assistant, or as oneself again. */
  async function actAs(principalId: string | null): Promise<void> {
    await api().assistants.actAs.mutate({ principalId });
    await reloadMe();
  }

  return { accessToken, me, signedIn, endedReason, locked, lockedAt, lock, unlock, can, useVault, reloadMe, signIn, redeemTicket, adoptGrant, refresh, signOut, end, actAs };
});
