// Short-lived, single-use values kept in memory (pending sign-ins, sign-in tickets), bounded in
// number so that a flood of started sign-ins cannot exhaust the server's memory.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes in base64url (43 characters). */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 in base64url: how tickets and browser bindings are stored, and a verifier's challenge. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

interface Entry<V> {
  readonly value: V;
  readonly expiresAt: number;
}

/**
 * A map whose entries expire and are taken out when read. At most `capacity` entries are kept;
 * when full, expired ones are dropped first, then nothing more is added until some expire.
 */
export class OneTimeStore<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #capacity: number;
  readonly #lifetimeMs: number;

  constructor(options: { capacity: number; lifetimeSeconds: number }) {
    this.#capacity = options.capacity;
    this.#lifetimeMs = options.lifetimeSeconds * 1000;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Adds an entry valid until `lifetimeSeconds` after `now`; returns false, adding nothing, when full. */
  add(key: string, value: V, now: Date): boolean {
    if (this.#entries.size >= this.#capacity) this.#dropExpired(now);
    if (this.#entries.size >= this.#capacity) return false;
    this.#entries.set(key, { value, expiresAt: now.getTime() + this.#lifetimeMs });
    return true;
  }

  /** Removes the entry and returns its value if it has not expired; undefined otherwise. */
  take(key: string, now: Date): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    return entry.expiresAt > now.getTime() ? entry.value : undefined;
  }

  /** Seconds until the oldest entry expires and frees a place (at least 1). */
  secondsUntilRoom(now: Date): number {
    let soonest = Infinity;
    for (const entry of this.#entries.values()) soonest = Math.min(soonest, entry.expiresAt);
    return Math.max(1, Math.ceil((soonest - now.getTime()) / 1000));
  }

  #dropExpired(now: Date): void {
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now.getTime()) this.#entries.delete(key);
    }
  }
}
