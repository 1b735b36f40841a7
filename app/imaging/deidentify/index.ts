// DICOM de-identification on the workstation (PS3.15 Annex E, Basic Application Level
// Confidentiality Profile): pure TypeScript, bytes in and bytes out, for the renderer (or a Web
// Worker) and for Node. README.md in this folder gives the rules it applies and why.
//
//   const uidMap = new UidMap((n) => crypto.getRandomValues(new Uint8Array(n)));   // one per import
//   const result = await deidentify(fileBytes, { nickname, pseudonymousId, uidMap });
//   if (result.status === 'held') { /* show the image, ask for masks, call again with { masks } */ }
//   else upload(result.bytes);
import { type RedactionReason, redactionReason } from './burned-in.ts';
import { parseHeader } from './deidentify.ts';
import { scanPart10 } from './scan.ts';

export { deidentify, type DeidentifiedInstance, type DeidentifyOptions, type DeidentifyResult, type HeldInstance, type Mask } from './deidentify.ts';
export { DeidentifyError, type DeidentifyErrorCode, deidentifyErrorCodes } from './errors.ts';
export { findResidue, type ResidueFinding, type ResidueOptions } from './residue.ts';
export { type RandomBytes, randomUid, UidMap } from './uids.ts';
export type { DatePolicy } from './dates.ts';
export type { CodecLocator } from './codecs.ts';
export { burnedInModalities, burnedInSopClasses, type RedactionReason } from './burned-in.ts';

/**
 * Why an instance must be reviewed for burned-in text before it may leave the workstation, or
 * undefined when it may go as it is (rule in burned-in.ts). Throws DeidentifyError for bad files.
 */
export function needsRedaction(file: Uint8Array | ArrayBuffer, maxBytes = 1024 ** 3): RedactionReason | undefined {
  const scanned = scanPart10(file instanceof Uint8Array ? file : new Uint8Array(file), maxBytes);
  if (!scanned.pixelData) return undefined;
  return redactionReason(parseHeader(scanned, (tag) => tag < '7FE00010' && parseInt(tag.slice(0, 4), 16) % 2 === 0));
}
