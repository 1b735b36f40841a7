// Decodes one compressed frame to native samples for redaction, with the cornerstone codecs
// (WebAssembly CharLS, libjpeg-turbo, OpenJPEG, OpenJPH; JavaScript JPEG lossless) and our RLE.
// Each codec is loaded on first use.
import type { CodecModule, WasmDecoder } from './codec-types.ts';
import { DeidentifyError } from './errors.ts';
import { decodeRle } from './rle.ts';
import { transferSyntaxes as ts } from './transfer-syntax.ts';

/**
 * Where a codec's WebAssembly file is served from, by file name (e.g. `charlswasm_decode.wasm`).
 * Needed in a browser bundle; in Node the codecs find their files themselves.
 */
export type CodecLocator = (wasmFile: string) => string | undefined;

/** What the image header says about a frame. */
export interface FrameLayout {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly photometric: string;
}

/** A decoded frame: samples interleaved by pixel, each `bytesPerSample` bytes little endian. */
export interface DecodedFrame {
  readonly bytes: Uint8Array;
  readonly bytesPerSample: 1 | 2;
  /** The photometric interpretation of the decoded samples (JPEG and JPEG 2000 colour decode to RGB). */
  readonly photometric: string;
}

type Kind = 'charls' | 'libjpeg' | 'openjpeg' | 'openjph';

const wasmFiles: Record<Kind, string> = {
  charls: 'charlswasm_decode.wasm',
  libjpeg: 'libjpegturbowasm_decode.wasm',
  openjpeg: 'openjpegwasm_decode.wasm',
  openjph: 'openjphjs.wasm',
};

async function factoryOf(kind: Kind): Promise<(module?: { locateFile?: (path: string, prefix: string) => string }) => Promise<unknown>> {
  switch (kind) {
    case 'charls': return (await import('@cornerstonejs/codec-charls/decodewasmjs')).default;
    case 'libjpeg': return (await import('@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs')).default;
    case 'openjpeg': return (await import('@cornerstonejs/codec-openjpeg/decodewasmjs')).default;
    case 'openjph': return (await import('@cornerstonejs/codec-openjph/wasmjs')).default;
  }
}

const modules = new Map<Kind, Promise<CodecModule>>();
function moduleOf(kind: Kind, locate: CodecLocator | undefined): Promise<CodecModule> {
  let module = modules.get(kind);
  if (!module) {
    module = factoryOf(kind).then((factory) =>
      factory(locate ? { locateFile: (path, prefix) => (path.endsWith('.wasm') ? (locate(wasmFiles[kind]) ?? prefix + path) : prefix + path) } : undefined),
    ) as Promise<CodecModule>;
    module.catch(() => modules.delete(kind));
    modules.set(kind, module);
  }
  return module;
}

function kindOf(transferSyntax: string): Kind | 'rle' | 'jpegLossless' | undefined {
  switch (transferSyntax) {
    case ts.jpegLsLossless: case ts.jpegLsNearLossless: return 'charls';
    case ts.jpegBaseline: case ts.jpegExtended: return 'libjpeg';
    case ts.jpeg2000Lossless: case ts.jpeg2000: return 'openjpeg';
    case ts.htj2kLossless: case ts.htj2kLosslessRpcl: case ts.htj2k: return 'openjph';
    case ts.rleLossless: return 'rle';
    case ts.jpegLossless: case ts.jpegLosslessSv1: return 'jpegLossless';
    default: return undefined;
  }
}

/** Whether frames of this transfer syntax can be decoded for redaction. */
export function canDecode(transferSyntax: string): boolean {
  return kindOf(transferSyntax) !== undefined;
}

/** Planar (R...G...B...) to interleaved (RGBRGB...) samples. */
export function interleave(planar: Uint8Array, components: number, bytesPerSample: number): Uint8Array {
  const pixels = planar.length / (components * bytesPerSample);
  const out = new Uint8Array(planar.length);
  for (let c = 0; c < components; c++) {
    for (let p = 0; p < pixels; p++) {
      for (let b = 0; b < bytesPerSample; b++) out[(p * components + c) * bytesPerSample + b] = planar[(c * pixels + p) * bytesPerSample + b]!;
    }
  }
  return out;
}

function decodedPhotometric(kind: Kind, layout: FrameLayout): string {
  if (layout.samplesPerPixel === 3 && kind !== 'charls' && layout.photometric.startsWith('YBR')) return 'RGB';
  return layout.photometric;
}

async function decodeWasm(kind: Kind, frame: Uint8Array, layout: FrameLayout, locate: CodecLocator | undefined): Promise<DecodedFrame> {
  const module = await moduleOf(kind, locate);
  const Decoder = module.JpegLSDecoder ?? module.JPEGDecoder ?? module.J2KDecoder ?? module.HTJ2KDecoder;
  if (!Decoder) throw new Error(`codec ${kind} has no decoder`);
  const decoder: WasmDecoder = new Decoder();
  try {
    decoder.getEncodedBuffer(frame.length).set(frame);
    decoder.decode();
    const info = decoder.getFrameInfo();
    if (info.width !== layout.columns || info.height !== layout.rows || info.componentCount !== layout.samplesPerPixel) {
      throw new DeidentifyError('malformed', 'the compressed image does not have the size its header states');
    }
    const bytesPerSample = info.bitsPerSample > 8 ? 2 : 1;
    let bytes: Uint8Array = decoder.getDecodedBuffer().slice();
    if (kind === 'charls' && info.componentCount > 1 && decoder.getInterleaveMode?.() === 0) bytes = interleave(bytes, info.componentCount, bytesPerSample);
    return { bytes, bytesPerSample, photometric: decodedPhotometric(kind, layout) };
  } finally {
    decoder.delete?.();
  }
}

async function decodeJpegLossless(frame: Uint8Array, layout: FrameLayout): Promise<DecodedFrame> {
  const { Decoder } = await import('@cornerstonejs/jpeg-lossless-decoder-js');
  const bytesPerSample = layout.bitsAllocated > 8 ? 2 : 1;
  const decoded = new Decoder().decode(frame.buffer as ArrayBuffer, frame.byteOffset, frame.length, bytesPerSample);
  const bytes = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength).slice();
  return { bytes, bytesPerSample, photometric: layout.photometric };
}

/** Decodes one frame of the given transfer syntax; a decoder failure is reported as a malformed file. */
export async function decodeFrame(transferSyntax: string, frame: Uint8Array, layout: FrameLayout, locate: CodecLocator | undefined): Promise<DecodedFrame> {
  const kind = kindOf(transferSyntax);
  if (kind === undefined) throw new DeidentifyError('unsupported_transfer_syntax', `images in transfer syntax ${transferSyntax} cannot be masked`);
  if (kind === 'libjpeg' && layout.bitsAllocated > 8) throw new DeidentifyError('unsupported_transfer_syntax', 'masking JPEG images of more than 8 bits is not supported');
  try {
    if (kind === 'rle') return decodeRle(frame, layout);
    if (kind === 'jpegLossless') return await decodeJpegLossless(frame, layout);
    return await decodeWasm(kind, frame, layout, locate);
  } catch (error) {
    if (error instanceof DeidentifyError) throw error;
    throw new DeidentifyError('malformed', 'the compressed image data cannot be decoded');
  }
}
