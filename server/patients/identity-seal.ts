// Patient identifying data at rest (SPEC GV-2): sealed with AES-256-GCM under the identity key, a
// key separate from the database's, with the patient's id bound in (a sealed value moved to another
// row does not open). Searching by real name uses a blind index: keyed hashes of name words and of
// their prefixes, so no name is ever stored in plaintext.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { type PatientIdentity, patientIdentity } from '../../app/patients/schemas.ts';
import { foldedWords } from '../../app/text/fold.ts';

/** Name searches match words from this many letters on. */
export const minSearchLength = 3;

const derive = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `consilium patient ${purpose} v1`, 32));

export class IdentitySeal {
  readonly #sealKey: Buffer;
  readonly #indexKey: Buffer;

  constructor(identityKey: Buffer) {
    if (identityKey.length !== 32) throw new Error('The identity key must be 32 bytes');
    this.#sealKey = derive(identityKey, 'identity seal');
    this.#indexKey = derive(identityKey, 'name index');
  }

  seal(patientId: string, identity: PatientIdentity): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#sealKey, iv);
    cipher.setAAD(Buffer.from(patientId));
    const body = Buffer.concat([cipher.update(JSON.stringify(identity), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  open(patientId: string, sealed: string): PatientIdentity {
    const bytes = Buffer.from(sealed, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.#sealKey, bytes.subarray(0, 12));
    decipher.setAAD(Buffer.from(patientId));
    decipher.setAuthTag(bytes.subarray(12, 28));
    const json = Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
    return patientIdentity.parse(JSON.parse(json));
  }

  /** The blind-index entries of a patient: every word of the names and each of its prefixes. */
  nameTokens(identity: Pick<PatientIdentity, 'firstName' | 'lastName'>): string[] {
    const tokens = new Set<string>();
    for (const word of foldedWords(`${identity.firstName} ${identity.lastName}`)) {
      for (let length = Math.min(minSearchLength, word.length); length <= word.length; length += 1) tokens.add(this.token(word.slice(0, length)));
    }
    return [...tokens];
  }

  /** The index entry a search word looks for (folded: case and accents do not count). */
  token(word: string): string {
    return createHmac('sha256', this.#indexKey).update(`name:${word}`).digest('hex').slice(0, 32);
  }
}
