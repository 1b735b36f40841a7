// The workstation's side of STOW-RS (PS3.18 10.5): the multipart/related body it sends and what the
// answer says about each instance, in the words of the import list.
import { stowFailureReasons } from '../stow.ts';

/** What became of one instance sent. */
export type StowResult =
  | { readonly status: 'stored' }
  | { readonly status: 'duplicate' }
  | { readonly status: 'refused'; readonly reason: StowRefusal };

/** Why the server did not store an instance, as the import list explains it (en.imaging.import.refusals). */
export type StowRefusal = 'not_authorized' | 'too_large' | 'does_not_match' | 'not_understood' | 'storage_failed' | 'no_answer';

const refusalOf = new Map<number, StowRefusal>([
  [stowFailureReasons.notAuthorized, 'not_authorized'],
  [stowFailureReasons.outOfResources, 'too_large'],
  [stowFailureReasons.doesNotMatch, 'does_not_match'],
  [stowFailureReasons.cannotUnderstand, 'not_understood'],
  [stowFailureReasons.processingFailure, 'storage_failed'],
]);

/** A fresh boundary: random, so that it cannot occur in the instances by chance. */
export function stowBoundary(randomBytes: (count: number) => Uint8Array): string {
  return `consilium-${[...randomBytes(16)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** The Content-Type of a STOW-RS request with this boundary. */
export function stowContentType(boundary: string): string {
  return `multipart/related; type="application/dicom"; boundary=${boundary}`;
}

/** The body's pieces, in order: each instance as an application/dicom part, then the closing delimiter. */
export function stowBody(instances: readonly Uint8Array[], boundary: string): Array<string | Uint8Array> {
  const pieces: Array<string | Uint8Array> = [];
  for (const bytes of instances) pieces.push(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, bytes, '\r\n');
  pieces.push(`--${boundary}--\r\n`);
  return pieces;
}

type JsonItem = Record<string, { Value?: unknown[] } | undefined>;

function sequence(body: unknown, tag: string): JsonItem[] {
  const value = (body as Record<string, { Value?: unknown[] } | undefined> | null)?.[tag]?.Value;
  return Array.isArray(value) ? (value.filter((item) => typeof item === 'object' && item !== null) as JsonItem[]) : [];
}

const first = (item: JsonItem, tag: string): unknown => item[tag]?.Value?.[0];

/**
 * The result of each instance sent, by SOP Instance UID, from the answer's Referenced SOP Sequence
 * (stored) and Failed SOP Sequence (refused; 0x0111 "duplicate": the UID is stored with other
 * content). Instances the answer does not mention were not stored (`no_answer`).
 */
export function readStowAnswer(body: unknown, sent: readonly string[]): Map<string, StowResult> {
  const results = new Map<string, StowResult>();
  for (const item of sequence(body, '00081199')) {
    const uid = first(item, '00081155');
    if (typeof uid === 'string') results.set(uid, { status: 'stored' });
  }
  for (const item of sequence(body, '00081198')) {
    const uid = first(item, '00081155');
    const reason = Number(first(item, '00081197'));
    if (typeof uid !== 'string') continue;
    results.set(uid, reason === stowFailureReasons.duplicate ? { status: 'duplicate' } : { status: 'refused', reason: refusalOf.get(reason) ?? 'storage_failed' });
  }
  for (const uid of sent) if (!results.has(uid)) results.set(uid, { status: 'refused', reason: 'no_answer' });
  return results;
}
