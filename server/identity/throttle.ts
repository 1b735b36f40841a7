// Slows down repeated sign-in failures per key (a username, a client address): after a few free
// tries each further attempt must wait twice as long as the one before, up to five minutes.
import type { Clock } from '../clock.ts';

const windowMs = 15 * 60_000;
const freeFailures = 3;
const maxWaitMs = 5 * 60_000;

interface Failures {
  count: number;
  last: number;
}

export class FailureThrottle {
  readonly #clock: Clock;
  readonly #failures = new Map<string, Failures>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Seconds to wait before `key` may try again; 0 when it may try now. */
  retryAfterSeconds(key: string): number {
    const entry = this.#current(key);
    if (!entry || entry.count < freeFailures) return 0;
    const wait = Math.min(1000 * 2 ** (entry.count - freeFailures), maxWaitMs);
    const remaining = entry.last + wait - this.#clock.now().getTime();
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  fail(key: string): void {
    const now = this.#clock.now().getTime();
    const entry = this.#current(key);
    this.#failures.set(key, { count: (entry?.count ?? 0) + 1, last: now });
    if (this.#failures.size > 100_000) this.#prune(now);
  }

  clear(key: string): void {
    this.#failures.delete(key);
  }

  #current(key: string): Failures | undefined {
    const entry = this.#failures.get(key);
    if (entry && this.#clock.now().getTime() - entry.last > windowMs) {
      this.#failures.delete(key);
      return undefined;
    }
    return entry;
  }

  #prune(now: number): void {
    for (const [key, entry] of this.#failures) if (now - entry.last > windowMs) this.#failures.delete(key);
  }
}
