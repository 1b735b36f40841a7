// Consistent UID replacement: the caller keeps one UidMap per import so that every reference to a
// study, series, instance or frame of reference gets the same new UID in every file.

/** Fills `count` cryptographically random bytes (crypto.getRandomValues in the browser, randomBytes in Node). */
export type RandomBytes = (count: number) => Uint8Array;

/** A new UID under the UUID-derived root: `2.25.` and the decimal value of 128 random bits (PS3.5 B.2). */
export function randomUid(randomBytes: RandomBytes): string {
  const bytes = randomBytes(16);
  if (bytes.length !== 16) throw new Error('randomBytes must return the number of bytes asked for');
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return `2.25.${value.toString(10)}`;
}

/** Original UID -> replacement, the same for every file de-identified with this map. */
export class UidMap {
  private readonly replacements = new Map<string, string>();

  constructor(private readonly randomBytes: RandomBytes) {}

  /** The replacement for `original`, made on first sight. */
  replace(original: string): string {
    const known = this.replacements.get(original);
    if (known !== undefined) return known;
    const fresh = randomUid(this.randomBytes);
    this.replacements.set(original, fresh);
    return fresh;
  }

  /** The replacement made earlier for `original`, if any. */
  lookup(original: string): string | undefined {
    return this.replacements.get(original);
  }

  /** How many UIDs have been replaced. */
  get size(): number {
    return this.replacements.size;
  }
}
