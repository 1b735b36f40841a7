// The Emscripten factories of the cornerstone codec packages (they ship no types); codecs.ts gives
// the modules their shape.
declare module '@cornerstonejs/codec-charls/decodewasmjs' {
  const factory: (module?: { locateFile?: (path: string, prefix: string) => string }) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs' {
  const factory: (module?: { locateFile?: (path: string, prefix: string) => string }) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs' {
  const factory: (module?: { locateFile?: (path: string, prefix: string) => string }) => Promise<unknown>;
  export default factory;
}
declare module '@cornerstonejs/codec-openjph/wasmjs' {
  const factory: (module?: { locateFile?: (path: string, prefix: string) => string }) => Promise<unknown>;
  export default factory;
}
