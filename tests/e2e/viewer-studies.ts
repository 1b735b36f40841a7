// The studies the viewer tests open, built from tests/fixtures/dicom/: the CT and MR series as
// published, and one "transfer syntax" study with every image fixture as its own series. The latter
// needs new UIDs (the lossless CT variants share one SOP Instance UID, one file has no study or
// series UID), written into copies of the files without touching anything else, pixel data included.
import { readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';

const fixtures = new URL('../fixtures/dicom/', import.meta.url);

/** The bytes of tests/fixtures/dicom/<path>. */
export function fixture(path: string): Buffer {
  return readFileSync(new URL(path, fixtures));
}

/** The .dcm files of a fixture folder, sorted by name. */
export function fixtureFolder(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, fixtures))
    .filter((name) => name.endsWith('.dcm'))
    .sort()
    .map((name) => `${folder}/${name}`);
}

const vrs: Readonly<Record<string, string>> = {
  '00020003': 'UI',
  '00080018': 'UI',
  '0008103E': 'LO',
  '00100010': 'PN',
  '00100020': 'LO',
  '00120062': 'CS',
  '0020000D': 'UI',
  '0020000E': 'UI',
  '00200011': 'IS',
};
const longHeaderVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const deflated = '1.2.840.10008.1.2.1.99';

function encode(tag: string, value: string, explicit: boolean, bigEndian: boolean): Buffer {
  const vr = vrs[tag];
  if (!vr) throw new Error(`viewer-studies: no VR known for ${tag}`);
  let text = Buffer.from(value, 'latin1');
  if (text.length % 2 === 1) text = Buffer.concat([text, Buffer.from(vr === 'UI' ? [0] : [0x20])]);
  const header = Buffer.alloc(8);
  const u16 = (v: number, at: number) => (bigEndian ? header.writeUInt16BE(v, at) : header.writeUInt16LE(v, at));
  u16(Number.parseInt(tag.slice(0, 4), 16), 0);
  u16(Number.parseInt(tag.slice(4), 16), 2);
  if (explicit) {
    header.write(vr, 4, 'latin1');
    u16(text.length, 6);
  } else if (bigEndian) header.writeUInt32BE(text.length, 4);
  else header.writeUInt32LE(text.length, 4);
  return Buffer.concat([header, text]);
}

interface Span {
  tag: string;
  start: number;
  end: number;
}

/**
 * Top-level elements between `from` and `to`, each up to where the next one starts (an undefined
 * length sequence's delimiter is not in the parser's element length).
 */
function spans(dataSet: dicomParser.DataSet, from: number, to: number, explicit: boolean, meta: boolean): Span[] {
  const starts = Object.values(dataSet.elements)
    // A deflated file is parsed again from byte 0 once inflated: its preamble yields junk "elements".
    .filter((e) => e.dataOffset > from && e.dataOffset <= to && e.tag.startsWith('x0002') === meta)
    .map((e) => ({ tag: e.tag.slice(1).toUpperCase(), start: e.dataOffset - (!explicit ? 8 : longHeaderVrs.has(e.vr ?? '') ? 12 : 8) }))
    .sort((a, b) => a.start - b.start);
  return starts.map((e, i) => ({ ...e, end: starts[i + 1]?.start ?? to }));
}

function splice(bytes: Buffer, parts: Span[], values: Readonly<Record<string, string>>, encodeOne: (tag: string, value: string) => Buffer): Buffer {
  const out: Buffer[] = [];
  const pending = Object.keys(values).sort();
  for (const part of parts) {
    while (pending.length > 0 && pending[0]! < part.tag) out.push(encodeOne(pending[0]!, values[pending.shift()!]!));
    if (pending[0] === part.tag) {
      out.push(encodeOne(part.tag, values[pending.shift()!]!));
      continue;
    }
    out.push(bytes.subarray(part.start, part.end));
  }
  for (const tag of pending) out.push(encodeOne(tag, values[tag]!));
  return Buffer.concat(out);
}

/**
 * A copy of a Part 10 file with top-level attributes set (tags of `vrs` above), in the file's own
 * transfer syntax (deflated data sets are inflated, changed and deflated again). The file meta
 * follows a changed SOP Instance UID. Every other byte is copied as it was.
 */
export function withAttributes(bytes: Buffer, values: Readonly<Record<string, string>>): Buffer {
  const dataSet = dicomParser.parseDicom(bytes, {
    inflater: (array: Uint8Array, position: number) => Buffer.concat([Buffer.from(array.subarray(0, position)), inflateRawSync(array.subarray(position))]),
  } as dicomParser.ParseDicomOptions);
  const full = Buffer.from(dataSet.byteArray);
  const syntax = dataSet.string('x00020010') ?? '';
  const metaEnd = 132 + 12 + (dataSet.uint32('x00020000') ?? 0);
  const explicit = syntax !== '1.2.840.10008.1.2';
  const bigEndian = syntax === '1.2.840.10008.1.2.2';

  const metaValues: Record<string, string> = values['00080018'] ? { '00020003': values['00080018'] } : {};
  const metaParts = spans(dataSet, 132, metaEnd, true, true).filter((p) => p.tag !== '00020000');
  const metaBody = splice(full, metaParts, metaValues, (tag, value) => encode(tag, value, true, false));
  const groupLength = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 0x04, 0x00, 0, 0, 0, 0]);
  groupLength.writeUInt32LE(metaBody.length, 8);

  const body = splice(full, spans(dataSet, metaEnd, full.length, explicit, false), values, (tag, value) => encode(tag, value, explicit, bigEndian));
  return Buffer.concat([full.subarray(0, 132), groupLength, metaBody, syntax === deflated ? deflateRawSync(body) : body]);
}

/** The Study Instance UID of a Part 10 file. */
export function studyUidOf(bytes: Buffer): string {
  const uid = dicomParser.parseDicom(bytes).string('x0020000d');
  if (!uid) throw new Error('fixture without a Study Instance UID');
  return uid;
}

/** The SOP Instance UID of a Part 10 file. */
export function sopInstanceUidOf(bytes: Buffer): string {
  const uid = dicomParser.parseDicom(bytes).string('x00080018');
  if (!uid) throw new Error('fixture without a SOP Instance UID');
  return uid;
}

/** A UID in the 2.25 arc, unique enough for a test run. */
export function newUid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `2.25.${BigInt(`0x${Buffer.from(bytes).toString('hex')}`).toString()}`;
}

/** One series of the transfer-syntax study: a fixture file and what the viewer should show. */
export interface SyntaxSeries {
  readonly file: string;
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number;
  /** The fixture's name without folder and extension, shown as the series description. */
  readonly description: string;
}

/** Every image fixture of `folders` (not the ones without pixels, such as SR) as its own series of one new study, numbered from 1. */
export function transferSyntaxStudy(folders: readonly string[]): { studyInstanceUid: string; series: SyntaxSeries[]; files: Buffer[] } {
  const studyInstanceUid = newUid();
  const series: SyntaxSeries[] = [];
  const files: Buffer[] = [];
  for (const file of folders.flatMap(fixtureFolder).filter((name) => manifestRow(name)['rows x cols x frames'] !== '-')) {
    const entry = { file, seriesInstanceUid: newUid(), seriesNumber: series.length + 1, description: file.replace(/^.*\//, '').replace(/\.dcm$/, '') };
    series.push(entry);
    files.push(
      withAttributes(fixture(file), {
        '0020000D': studyInstanceUid,
        '0020000E': entry.seriesInstanceUid,
        '00080018': newUid(),
        '0008103E': entry.description,
        '00200011': String(entry.seriesNumber),
      }),
    );
  }
  return { studyInstanceUid, series, files };
}

/** A fixture's row of tests/fixtures/dicom/MANIFEST.tsv, by column name. */
export function manifestRow(file: string): Readonly<Record<string, string>> {
  const [header, ...rows] = readFileSync(new URL('MANIFEST.tsv', fixtures), 'utf8').trimEnd().split('\n');
  const columns = header!.split('\t');
  const row = rows.map((line) => line.split('\t')).find((cells) => cells[0] === file);
  if (!row) throw new Error(`${file} is not in tests/fixtures/dicom/MANIFEST.tsv`);
  return Object.fromEntries(columns.map((name, i) => [name, row[i] ?? '']));
}

/** Rows, columns and frames as the manifest gives them ("512x512x1"). */
export function manifestSize(file: string): { rows: number; columns: number; frames: number } {
  const [rows, columns, frames] = (manifestRow(file)['rows x cols x frames'] ?? '').split('x').map(Number);
  if (!rows || !columns || !frames) throw new Error(`${file}: no image size in the manifest`);
  return { rows, columns, frames };
}
