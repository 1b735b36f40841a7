// Whether an instance may carry identifying text in its pixels and must be held back until the user
// has masked it (PS3.15 E.3.1 Clean Pixel Data). The rule errs on the side of holding.
import type { DcmjsDict } from 'dcmjs';

/** Why an instance is held for redaction. */
export type RedactionReason = 'burned_in_annotation' | 'sop_class' | 'modality' | 'screen_capture';

/** SOP classes whose images are typically screens, photographs or ultrasound with text burned in. */
export const burnedInSopClasses: ReadonlySet<string> = new Set([
  '1.2.840.10008.5.1.4.1.1.7', // Secondary Capture
  '1.2.840.10008.5.1.4.1.1.7.1', // Multi-frame Single Bit Secondary Capture
  '1.2.840.10008.5.1.4.1.1.7.2', // Multi-frame Grayscale Byte Secondary Capture
  '1.2.840.10008.5.1.4.1.1.7.3', // Multi-frame Grayscale Word Secondary Capture
  '1.2.840.10008.5.1.4.1.1.7.4', // Multi-frame True Color Secondary Capture
  '1.2.840.10008.5.1.4.1.1.6', // Ultrasound Image (retired)
  '1.2.840.10008.5.1.4.1.1.6.1', // Ultrasound Image
  '1.2.840.10008.5.1.4.1.1.6.2', // Enhanced US Volume
  '1.2.840.10008.5.1.4.1.1.3', // Ultrasound Multi-frame Image (retired)
  '1.2.840.10008.5.1.4.1.1.3.1', // Ultrasound Multi-frame Image
  '1.2.840.10008.5.1.4.1.1.77.1.1', // VL Endoscopic Image
  '1.2.840.10008.5.1.4.1.1.77.1.1.1', // Video Endoscopic Image
  '1.2.840.10008.5.1.4.1.1.77.1.2', // VL Microscopic Image
  '1.2.840.10008.5.1.4.1.1.77.1.2.1', // Video Microscopic Image
  '1.2.840.10008.5.1.4.1.1.77.1.3', // VL Slide-Coordinates Microscopic Image
  '1.2.840.10008.5.1.4.1.1.77.1.4', // VL Photographic Image
  '1.2.840.10008.5.1.4.1.1.77.1.4.1', // Video Photographic Image
  '1.2.840.10008.5.1.4.1.1.77.1.5.1', // Ophthalmic Photography 8 Bit Image
  '1.2.840.10008.5.1.4.1.1.77.1.5.2', // Ophthalmic Photography 16 Bit Image
]);

/** Modalities whose images often carry burned-in text: ultrasound, screens ("other"), cameras, endoscopy, microscopy, ophthalmic photos, scanned documents. */
export const burnedInModalities: ReadonlySet<string> = new Set(['US', 'IVUS', 'OT', 'XC', 'ES', 'GM', 'OP', 'DOC']);

function firstString(dict: DcmjsDict, tag: string): string | undefined {
  const value = dict[tag]?.Value?.[0];
  return typeof value === 'string' ? value.replace(/^[\s\0]+|[\s\0]+$/g, '').toUpperCase() : undefined;
}

/**
 * The reason to hold an instance, or undefined when it may go without review. Burned In Annotation
 * (0028,0301) decides when present (YES holds, NO releases); without it, the SOP class, the modality
 * or an Image Type naming a screen capture holds it.
 */
export function redactionReason(dict: DcmjsDict): RedactionReason | undefined {
  if (dict['7FE00010'] === undefined && dict['00280010'] === undefined) return undefined; // no image
  const burnedIn = firstString(dict, '00280301');
  if (burnedIn === 'YES') return 'burned_in_annotation';
  if (burnedIn === 'NO') return undefined;
  const sopClass = firstString(dict, '00080016');
  if (sopClass && burnedInSopClasses.has(sopClass)) return 'sop_class';
  const modality = firstString(dict, '00080060');
  if (modality && burnedInModalities.has(modality)) return 'modality';
  const imageType = (dict['00080008']?.Value ?? []).map((value) => String(value).trim().toUpperCase());
  if (imageType.some((value) => value.includes('SCREEN'))) return 'screen_capture';
  return undefined;
}
