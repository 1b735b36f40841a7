// A study as the viewer holds it: its image series (QIDO-RS, then WADO-RS metadata per series), the
// cornerstone image id of every frame, and their metadata registered with cornerstone's loader.
// `forgetStudies` drops every registration again.
import { wadors } from '@cornerstonejs/dicom-image-loader';
import { utilities as metadataUtilities } from '@cornerstonejs/metadata';
import { type DicomJsonDataset, numberOf, stringOf, tags } from '../../app/imaging/dicom-json.ts';
import { buildDisplaySeries, type DisplaySeries, type ImageRef } from '../../app/imaging/series.ts';
import { type StackGeometry, stackGeometry } from '../../app/imaging/sync.ts';
import type { DicomWebClient } from './dicomweb.ts';
import { clearFrameFixes, fixBinaryFrame, fixYbr422Frame } from './frame-fixes.ts';

/** A series with the image ids of its frames, in viewing order. */
export interface LoadedSeries {
  readonly display: DisplaySeries;
  readonly imageIds: string[];
  readonly geometry: StackGeometry;
}

/** Where an image id comes from. */
export interface ImageSourceRef extends ImageRef {
  readonly seriesInstanceUid: string;
}

export interface Study {
  /** Image series in display order (series number, then description). */
  readonly series: readonly DisplaySeries[];
  get(seriesInstanceUid: string): LoadedSeries | undefined;
  /** The series, instance and frame of an image id. */
  sourceOf(imageId: string): ImageSourceRef | undefined;
  /** The image id of a frame. */
  imageIdOf(seriesInstanceUid: string, image: ImageRef): string | undefined;
  /** The metadata of the instance an image id belongs to. */
  instanceOf(imageId: string): DicomJsonDataset | undefined;
}

/** Loads a study's series and their metadata, and registers it with the image loader. */
export async function loadStudy(client: DicomWebClient, studyInstanceUid: string): Promise<Study> {
  const listing = await client.listSeries(studyInstanceUid);
  const uids = listing.map((s) => stringOf(s, tags.SeriesInstanceUID)).filter((uid): uid is string => uid !== undefined);
  const all = await Promise.all(uids.map(async (uid) => buildDisplaySeries(uid, await client.seriesMetadata(studyInstanceUid, uid))));
  const series = all.filter((s) => s.images.length > 0);
  series.sort((a, b) => (a.seriesNumber ?? Number.MAX_SAFE_INTEGER) - (b.seriesNumber ?? Number.MAX_SAFE_INTEGER) || a.description.localeCompare(b.description));

  const loaded = new Map<string, LoadedSeries>();
  const sources = new Map<string, { source: ImageSourceRef; instance: DicomJsonDataset }>();
  for (const display of series) {
    const byUid = new Map(display.instances.map((instance) => [stringOf(instance, tags.SOPInstanceUID), instance]));
    const imageIds = display.images.map((image) => client.imageId(studyInstanceUid, display.seriesInstanceUid, image));
    display.images.forEach((image, i) => {
      const instance = byUid.get(image.sopInstanceUid)!;
      const imageId = imageIds[i]!;
      // The loader finds a multi-frame instance's metadata under its first frame.
      if (image.frame === 1) wadors.metaDataManager.add(imageId, forCornerstone(instance) as never);
      registerFrameFix(imageId.slice('wadors:'.length), instance);
      sources.set(imageId, { source: { seriesInstanceUid: display.seriesInstanceUid, ...image }, instance });
    });
    loaded.set(display.seriesInstanceUid, { display, imageIds, geometry: stackGeometry(display) });
  }
  return {
    series,
    get: (uid) => loaded.get(uid),
    sourceOf: (imageId) => sources.get(imageId)?.source,
    instanceOf: (imageId) => sources.get(imageId)?.instance,
    imageIdOf: (uid, image) => {
      const entry = loaded.get(uid);
      const at = entry?.display.images.findIndex((i) => i.sopInstanceUid === image.sopInstanceUid && i.frame === image.frame) ?? -1;
      return at >= 0 ? entry!.imageIds[at] : undefined;
    },
  };
}

/** Drops everything `loadStudy` registered: metadata of the loader and of cornerstone, frame fixes. */
export function forgetStudies(): void {
  wadors.metaDataManager.purge();
  metadataUtilities.clearCacheData();
  clearFrameFixes();
}

/**
 * The metadata as cornerstone gets it, with two gaps filled (the tag browser keeps showing the
 * instance as it is): a missing Modality (some secondary capture files lack it) becomes "OT"
 * (other), as cornerstone's metadata provider fails without one; a 1-bit image (e.g. a binary
 * segmentation) without a window gets the one that shows 0 as black and 1 as white.
 */
function forCornerstone(instance: DicomJsonDataset): DicomJsonDataset {
  let result = instance;
  if (!stringOf(instance, tags.Modality)) result = { ...result, [tags.Modality]: { vr: 'CS', Value: ['OT'] } };
  if (numberOf(instance, tags.BitsAllocated) === 1 && numberOf(instance, tags.WindowCenter) === undefined) {
    result = { ...result, [tags.WindowCenter]: { vr: 'DS', Value: [1] }, [tags.WindowWidth]: { vr: 'DS', Value: [2] } };
  }
  return result;
}

/** Tells the loader's response hook about frames it must fix (see frame-fixes.ts). */
function registerFrameFix(url: string, instance: DicomJsonDataset): void {
  const rows = numberOf(instance, tags.Rows) ?? 0;
  const columns = numberOf(instance, tags.Columns) ?? 0;
  if (numberOf(instance, tags.BitsAllocated) === 1) fixBinaryFrame(url, rows * columns);
  else if (stringOf(instance, tags.PhotometricInterpretation) === 'YBR_FULL_422') fixYbr422Frame(url, rows, columns);
}
