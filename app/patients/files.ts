/**
 * A patient's "Files" (SPEC PT-7): which documents and images may be added, how an uploaded file's
 * name is made safe, how its content is checked against its name and declared type, and the inputs
 * and paths of the file routes. DICOM is not a file here: it goes through the imaging upload, which
 * de-identifies it first (IM-1).
 */
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';

/** "document": anything the treating team adds; "consent_form": the signed consent form (PT-2), which carries the name. */
export const filePurposes = ['document', 'consent_form'] as const;
export type FilePurpose = (typeof filePurposes)[number];

/**
 * What may be added: what the workstation can preview in the page without plugins (pdf.js for PDF,
 * the browser's own decoders for images). TIFF, HEIC, office documents and text files are refused:
 * print them to PDF, or save images as PNG or JPEG.
 */
export const allowedFileTypes = {
  'application/pdf': { label: 'PDF', extensions: ['pdf'] },
  'image/png': { label: 'PNG', extensions: ['png'] },
  'image/jpeg': { label: 'JPEG', extensions: ['jpg', 'jpeg', 'jpe', 'jfif'] },
  'image/webp': { label: 'WebP', extensions: ['webp'] },
  'image/gif': { label: 'GIF', extensions: ['gif'] },
} as const satisfies Record<string, { label: string; extensions: readonly string[] }>;
export type AllowedFileType = keyof typeof allowedFileTypes;

export function isAllowedFileType(type: string): type is AllowedFileType {
  return Object.hasOwn(allowedFileTypes, type);
}

/** For a file picker's `accept`: the allowed extensions and types. */
export const acceptedFiles = Object.entries(allowedFileTypes)
  .flatMap(([type, { extensions }]) => [...extensions.map((e) => `.${e}`), type])
  .join(',');

/** Other names the same content goes by (declared by browsers and operating systems, or found by sniffing). */
const typeAliases: Readonly<Record<string, AllowedFileType>> = {
  'application/x-pdf': 'application/pdf',
  'image/apng': 'image/png',
  'image/x-png': 'image/png',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
};

/** Declared types that say nothing about the content. */
const unspecificTypes = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

const dicomTypes = new Set(['application/dicom', 'application/dicom+json', 'application/dicom+xml']);
const dicomExtensions = new Set(['dcm', 'dicom', 'dic']);

/** The longest name kept, in characters (the extension is kept whole). */
export const maxFileNameLength = 200;

/**
 * A file name safe to store, show and send back in a header: the last path segment only, without
 * control, format (e.g. right-to-left override) or separator characters, without characters Windows
 * forbids in names, trimmed of dots and spaces at both ends, at most `maxFileNameLength` characters.
 * Empty when nothing usable is left.
 */
export function safeFileName(raw: string): string {
  const lastSegment = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(/[\t\n\v\f\r\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .replace(/^[\s.]+|[\s.]+$/gu, '');
  const characters = [...cleaned];
  if (characters.length <= maxFileNameLength) return cleaned;
  const extension = extensionOf(cleaned);
  const tail = extension ? `.${extension}` : '';
  return characters.slice(0, maxFileNameLength - tail.length).join('').trimEnd() + tail;
}

/** The extension of a name, lower case, if it looks like one ("Dr. Smith letter" has none). */
export function extensionOf(name: string): string | undefined {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return match && match.index > 0 ? match[1]!.toLowerCase() : undefined;
}

function canonicalType(type: string | undefined): string | undefined {
  if (type === undefined) return undefined;
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return typeAliases[bare] ?? bare;
}

function typeOfExtension(extension: string): AllowedFileType | undefined {
  return (Object.keys(allowedFileTypes) as AllowedFileType[]).find((type) => (allowedFileTypes[type].extensions as readonly string[]).includes(extension));
}

export type FileCheck =
  | { readonly ok: true; readonly contentType: AllowedFileType; readonly name: string }
  | { readonly ok: false; readonly code: 'file_is_dicom' | 'file_type_not_allowed' }
  | { readonly ok: false; readonly code: 'file_type_mismatch'; readonly claimed: string };

/**
 * Decides on a file from its (safe) name, the type its sender declared and the type its content was
 * found to be (by its first bytes; undefined when unrecognised). The content decides what it is;
 * a name or declared type that says otherwise is refused, since it lies to whoever opens it later.
 * A name without extension gets the content's.
 */
export function checkFile(input: { readonly name: string; readonly declaredType: string | undefined; readonly detectedType: string | undefined }): FileCheck {
  const extension = extensionOf(input.name);
  const declared = canonicalType(input.declaredType);
  const detected = canonicalType(input.detectedType);
  if ((detected && dicomTypes.has(detected)) || (declared && dicomTypes.has(declared)) || (extension && dicomExtensions.has(extension))) return { ok: false, code: 'file_is_dicom' };
  const claimedByName = extension ? typeOfExtension(extension) : undefined;
  const claimedByType = declared && !unspecificTypes.has(declared) ? declared : undefined;
  if (!detected || !isAllowedFileType(detected)) {
    const claimed = claimedByName ?? (claimedByType && isAllowedFileType(claimedByType) ? claimedByType : undefined);
    return claimed ? { ok: false, code: 'file_type_mismatch', claimed: allowedFileTypes[claimed].label } : { ok: false, code: 'file_type_not_allowed' };
  }
  if (extension && claimedByName !== detected) return { ok: false, code: 'file_type_mismatch', claimed: claimedByName ? allowedFileTypes[claimedByName].label : `.${extension}` };
  if (claimedByType && claimedByType !== detected) return { ok: false, code: 'file_type_mismatch', claimed: claimedByType };
  const name = extension ? input.name : `${input.name || 'file'}.${allowedFileTypes[detected].extensions[0]}`;
  return { ok: true, contentType: detected, name };
}

/** The HTTP routes that carry files' bytes (tRPC carries the rest): upload, and reading one file. */
export const filePaths = {
  files: (patientId: string) => `/api/patients/${encodeURIComponent(patientId)}/files`,
  file: (patientId: string, fileId: string) => `/api/patients/${encodeURIComponent(patientId)}/files/${encodeURIComponent(fileId)}`,
} as const;

/** The request header carrying the file's name (percent-encoded UTF-8): names may hold any character. */
export const fileNameHeader = 'x-consilium-file-name';

export const filePathParams = z.object({ patientId: idSchema });
export const fileContentParams = z.object({ patientId: idSchema, fileId: idSchema });
export const uploadQuery = z.object({ purpose: z.enum(filePurposes).default('document') });
export const fileListInput = z.object({ patientId: idSchema });
export const fileDeleteInput = z.object({ patientId: idSchema, fileId: idSchema });

/** A file as the list shows it. */
export interface PatientFileView {
  readonly id: string;
  readonly name: string;
  readonly contentType: AllowedFileType;
  readonly size: number;
  readonly purpose: FilePurpose;
  readonly uploadedBy: { readonly id: string; readonly name: string };
  readonly createdAt: string;
  /** Whether the reader may delete it (the uploader, or the lead); the server decides again. */
  readonly canDelete: boolean;
}

/** What an upload route answers when it refuses a file: a stable code (app/errors.ts), a sentence, facts for the message. */
export interface FileProblem {
  readonly error: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, string | number>>;
}
