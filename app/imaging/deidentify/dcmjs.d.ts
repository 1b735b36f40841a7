// The part of dcmjs (no published types) that de-identification and its benchmark use.
declare module 'dcmjs' {
  /** One element of dcmjs' "denaturalized" dataset: VR and values, keyed by `GGGGEEEE` in the dict. */
  export interface DcmjsElement {
    vr: string;
    Value?: unknown[];
    _rawValue?: unknown;
  }
  export type DcmjsDict = Record<string, DcmjsElement>;

  export interface DicomDict {
    meta: DcmjsDict;
    dict: DcmjsDict;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }

  export interface ReadOptions {
    ignoreErrors?: boolean;
    untilTag?: string | null;
    includeUntilTagValue?: boolean;
    noCopy?: boolean;
    forceStoreRaw?: boolean;
  }

  export class WriteBufferStream {
    constructor(defaultSize?: number, littleEndian?: boolean);
    size: number;
    getBuffer(start?: number, end?: number): ArrayBuffer;
  }

  export interface DictionaryEntry {
    tag: string;
    vr: string;
    vm: string;
    name: string;
    version: string;
  }

  const dcmjs: {
    data: {
      DicomMessage: {
        readFile(buffer: ArrayBuffer, options?: ReadOptions): DicomDict;
        write(dict: DcmjsDict, stream: WriteBufferStream, syntax: string, options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): number;
      };
      WriteBufferStream: typeof WriteBufferStream;
      DicomMetaDictionary: {
        /** Keyed by `(GGGG,EEEE)`; repeating groups answer for any concrete group. */
        dictionary: Record<string, DictionaryEntry | undefined>;
      };
    };
    anonymizer: {
      cleanTags(dict: DcmjsDict, replacements?: Record<string, string>, tagNamesToEmpty?: string[]): void;
    };
    log: {
      setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void;
      getLogger(name: string): { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void };
    };
  };
  export default dcmjs;
}
