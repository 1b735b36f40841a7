// What the browser harness does with one file, in the page or in a Web Worker: de-identify it and
// report what a test needs to check (never the bytes themselves).
import { deidentify, DeidentifyError, findResidue, type Mask, UidMap } from '../../../app/imaging/deidentify/index.ts';

export interface RunRequest {
  readonly url: string;
  readonly masks?: Mask[];
  readonly identifying: string[];
}

export interface RunReport {
  readonly status: string;
  readonly reason?: string;
  readonly transferSyntax?: string;
  readonly redacted?: boolean;
  readonly residue?: number;
  readonly nicknameFound?: boolean;
}

export async function run(request: RunRequest): Promise<RunReport> {
  const bytes = new Uint8Array(await (await fetch(request.url)).arrayBuffer());
  const uidMap = new UidMap((count) => crypto.getRandomValues(new Uint8Array(count)));
  try {
    const result = await deidentify(bytes, { nickname: 'Blue Falcon 42', pseudonymousId: 'PSN-7F3K9', uidMap, masks: request.masks, locateCodec: (file) => `/wasm/${file}` });
    if (result.status === 'held') return { status: result.status, reason: result.reason };
    return {
      status: result.status,
      transferSyntax: result.transferSyntax,
      redacted: result.pixelsRedacted,
      residue: findResidue(result.bytes, request.identifying).length,
      nicknameFound: findResidue(result.bytes, ['Blue Falcon 42'], { minWordLength: 100 }).length > 0,
    };
  } catch (error) {
    return { status: error instanceof DeidentifyError ? error.code : `crash: ${String(error)}` };
  }
}
