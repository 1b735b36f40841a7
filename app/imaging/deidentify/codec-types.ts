// Shapes of the cornerstone WebAssembly decoders (CharLS, libjpeg-turbo, OpenJPEG, OpenJPH), which share one API.

export interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned?: boolean;
}

/** A decoder object of one of the codec modules. */
export interface WasmDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): FrameInfo;
  getDecodedBuffer(): Uint8Array;
  getInterleaveMode?(): number;
  delete?(): void;
}

export interface CodecModule {
  JpegLSDecoder?: new () => WasmDecoder;
  JPEGDecoder?: new () => WasmDecoder;
  J2KDecoder?: new () => WasmDecoder;
  HTJ2KDecoder?: new () => WasmDecoder;
}


