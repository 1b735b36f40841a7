// The part of pako (no bundled types) that reads and writes Deflated Explicit VR Little Endian.
declare module 'pako' {
  const pako: {
    inflateRaw(data: Uint8Array): Uint8Array;
    deflateRaw(data: Uint8Array, options?: { level?: number }): Uint8Array;
  };
  export default pako;
}
