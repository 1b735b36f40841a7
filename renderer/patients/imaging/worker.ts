// The import's Web Worker: de-identifies instances off the page's thread, one UidMap per import so
// UIDs stay consistent across a study, and searches each output for the original's identifying
// values before it may leave the workstation. Also decodes a held image for the masking tool.
import charlsWasm from '@cornerstonejs/codec-charls/decodewasm?url';
import libjpegWasm from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasm?url';
import openjpegWasm from '@cornerstonejs/codec-openjpeg/decodewasm?url';
import openjphWasm from '@cornerstonejs/codec-openjph/wasm?url';
import { deidentify, DeidentifyError, findResidue, UidMap } from '../../../app/imaging/deidentify/index.ts';
import { readOriginal } from '../../../app/imaging/import/originals.ts';
import { reviewImage } from '../../../app/imaging/import/review-image.ts';
import type { WorkerReply, WorkerRequest } from './worker-messages.ts';

const wasm: Record<string, string> = {
  'charlswasm_decode.wasm': charlsWasm,
  'libjpegturbowasm_decode.wasm': libjpegWasm,
  'openjpegwasm_decode.wasm': openjpegWasm,
  'openjphjs.wasm': openjphWasm,
};
const locateCodec = (file: string) => wasm[file];

const uidMaps = new Map<number, UidMap>();
function uidMapOf(importId: number): UidMap {
  let map = uidMaps.get(importId);
  if (!map) uidMaps.set(importId, (map = new UidMap((count) => crypto.getRandomValues(new Uint8Array(count)))));
  return map;
}

async function handle(request: WorkerRequest): Promise<{ reply: WorkerReply; transfer: Transferable[] }> {
  if (request.type === 'end') {
    uidMaps.delete(request.importId);
    return { reply: { id: request.id, type: 'ended' }, transfer: [] };
  }
  const bytes = new Uint8Array(request.bytes);
  try {
    if (request.type === 'review') {
      const image = await reviewImage(bytes, request.frame, locateCodec);
      return { reply: { id: request.id, type: 'review', image }, transfer: [image.rgba.buffer] };
    }
    const original = readOriginal(bytes);
    const result = await deidentify(bytes, {
      nickname: request.nickname,
      pseudonymousId: request.pseudonymousId,
      uidMap: uidMapOf(request.importId),
      dates: request.dates,
      maxBytes: request.maxBytes,
      locateCodec,
      ...(request.masks ? { masks: request.masks } : {}),
    });
    const uids = { studyUid: result.studyInstanceUid, sopUid: result.sopInstanceUid, ...(original.modality ? { modality: original.modality } : {}) };
    if (result.status === 'held') return { reply: { id: request.id, type: 'held', reason: result.reason, frames: result.frames, ...uids }, transfer: [] };
    // The last check before anything leaves: not one of the original's identifying values remains.
    if (findResidue(result.bytes, original.identifying).length > 0) return { reply: { id: request.id, type: 'failed', problem: { kind: 'residue' } }, transfer: [] };
    const out = result.bytes.buffer.byteLength === result.bytes.byteLength ? result.bytes : result.bytes.slice();
    return { reply: { id: request.id, type: 'deidentified', bytes: out.buffer as ArrayBuffer, ...uids }, transfer: [out.buffer as ArrayBuffer] };
  } catch (error) {
    if (error instanceof DeidentifyError) return { reply: { id: request.id, type: 'failed', problem: { kind: 'deidentify', code: error.code } }, transfer: [] };
    return { reply: { id: request.id, type: 'failed', problem: { kind: 'deidentify', code: 'malformed' } }, transfer: [] };
  }
}

self.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const { reply, transfer } = await handle(event.data);
  (self as unknown as Worker).postMessage(reply, transfer);
};
