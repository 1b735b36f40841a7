/**
 * Turns a series' WADO-RS metadata into what the viewer shows: the images in viewing order (frames
 * of multi-frame instances expanded), whether the series can be reformatted (MPR), and its cine rate.
 */
import { type DicomJsonDataset, numberOf, numbersOf, stringOf, tags } from './dicom-json.ts';

/** One displayable image: a frame (1-based) of an instance. */
export interface ImageRef {
  readonly sopInstanceUid: string;
  readonly frame: number;
}

/** A series as the viewer uses it. */
export interface DisplaySeries {
  readonly seriesInstanceUid: string;
  readonly seriesNumber: number | undefined;
  readonly modality: string;
  readonly description: string;
  /** Image instances, in viewing order. */
  readonly instances: readonly DicomJsonDataset[];
  /** Every frame of every instance, in viewing order. */
  readonly images: readonly ImageRef[];
  /** Whether the images form a regular volume that MPR can reformat. */
  readonly reconstructable: boolean;
  /** Frames per second the acquisition suggests for cine, if it says. */
  readonly frameRate: number | undefined;
}

type Vec3 = readonly [number, number, number];

const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
const dot = (a: Vec3, b: Vec3): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function orientationOf(instance: DicomJsonDataset): { row: Vec3; column: Vec3; normal: Vec3 } | undefined {
  const iop = numbersOf(instance, tags.ImageOrientationPatient);
  if (iop.length !== 6) return undefined;
  const row: Vec3 = [iop[0]!, iop[1]!, iop[2]!];
  const column: Vec3 = [iop[3]!, iop[4]!, iop[5]!];
  return { row, column, normal: cross(row, column) };
}

function positionOf(instance: DicomJsonDataset): Vec3 | undefined {
  const ipp = numbersOf(instance, tags.ImagePositionPatient);
  return ipp.length === 3 ? [ipp[0]!, ipp[1]!, ipp[2]!] : undefined;
}

/**
 * Whether an instance is an image. Not by its pixel data attribute: servers may leave that out of
 * the metadata (Orthanc does for compressed instances); images always have Rows and Columns.
 */
const isImage = (instance: DicomJsonDataset): boolean => (numberOf(instance, tags.Rows) ?? 0) > 0 && (numberOf(instance, tags.Columns) ?? 0) > 0;

const instanceNumber = (instance: DicomJsonDataset): number => numberOf(instance, tags.InstanceNumber) ?? Number.MAX_SAFE_INTEGER;

/**
 * Orders instances in space when they all share one orientation and have positions (along the
 * slice normal, so slices are contiguous whatever the file order), else by InstanceNumber. The
 * spatial order is turned around if needed so that it starts at the lower InstanceNumber end.
 */
export function sortInstances(instances: readonly DicomJsonDataset[]): DicomJsonDataset[] {
  const byNumber = [...instances].sort((a, b) => instanceNumber(a) - instanceNumber(b));
  const orientation = byNumber[0] ? orientationOf(byNumber[0]) : undefined;
  if (!orientation || !byNumber.every((i) => sameOrientation(orientationOf(i), orientation) && positionOf(i))) return byNumber;
  const distance = (i: DicomJsonDataset) => dot(positionOf(i)!, orientation.normal);
  const spatial = byNumber.map((instance, order) => ({ instance, order, at: distance(instance) })).sort((a, b) => a.at - b.at || a.order - b.order);
  const first = spatial[0]!;
  const last = spatial[spatial.length - 1]!;
  if (instanceNumber(last.instance) < instanceNumber(first.instance)) spatial.reverse();
  return spatial.map((entry) => entry.instance);
}

function sameOrientation(a: { row: Vec3; column: Vec3 } | undefined, b: { row: Vec3; column: Vec3 }): boolean {
  if (!a) return false;
  const tolerance = 1e-3;
  return a.row.every((v, i) => Math.abs(v - b.row[i]!) < tolerance) && a.column.every((v, i) => Math.abs(v - b.column[i]!) < tolerance);
}

/**
 * Whether sorted single-frame instances form a regular volume: at least 3 slices of one size and
 * orientation, each displaced along the normal only, evenly spaced (within 10 %, or 0.1 mm).
 */
export function isReconstructable(sorted: readonly DicomJsonDataset[]): boolean {
  if (sorted.length < 3) return false;
  const first = sorted[0]!;
  const orientation = orientationOf(first);
  const rows = numberOf(first, tags.Rows);
  const columns = numberOf(first, tags.Columns);
  if (!orientation || rows === undefined || columns === undefined) return false;
  const positions: Vec3[] = [];
  for (const instance of sorted) {
    const position = positionOf(instance);
    if ((numberOf(instance, tags.NumberOfFrames) ?? 1) > 1) return false;
    if (!position || numberOf(instance, tags.Rows) !== rows || numberOf(instance, tags.Columns) !== columns) return false;
    if (!sameOrientation(orientationOf(instance), orientation)) return false;
    positions.push(position);
  }
  const steps: number[] = [];
  for (let i = 1; i < positions.length; i++) {
    const delta: Vec3 = [positions[i]![0] - positions[i - 1]![0], positions[i]![1] - positions[i - 1]![1], positions[i]![2] - positions[i - 1]![2]];
    const along = dot(delta, orientation.normal);
    const length = Math.hypot(...delta);
    // In-plane shifts (gantry tilt, mixed stacks) would shear the volume.
    if (length - Math.abs(along) > 0.01 * Math.max(1, length)) return false;
    steps.push(Math.abs(along));
  }
  const mean = steps.reduce((a, b) => a + b, 0) / steps.length;
  if (mean < 1e-3) return false;
  return steps.every((step) => Math.abs(step - mean) <= Math.max(0.1, 0.1 * mean));
}

/** Cine rate from RecommendedDisplayFrameRate, CineRate or FrameTime, in that order. */
export function frameRateOf(instance: DicomJsonDataset): number | undefined {
  const recommended = numberOf(instance, tags.RecommendedDisplayFrameRate) ?? numberOf(instance, tags.CineRate);
  if (recommended !== undefined && recommended > 0) return recommended;
  const frameTime = numberOf(instance, tags.FrameTime);
  return frameTime !== undefined && frameTime > 0 ? Math.round((1000 / frameTime) * 100) / 100 : undefined;
}

/** Builds the viewer's series from its instances' metadata (any order); non-image instances are left out. */
export function buildDisplaySeries(seriesInstanceUid: string, metadata: readonly DicomJsonDataset[]): DisplaySeries {
  const instances = sortInstances(metadata.filter(isImage));
  const images: ImageRef[] = [];
  for (const instance of instances) {
    const sopInstanceUid = stringOf(instance, tags.SOPInstanceUID);
    if (!sopInstanceUid) continue;
    const frames = Math.max(1, Math.floor(numberOf(instance, tags.NumberOfFrames) ?? 1));
    for (let frame = 1; frame <= frames; frame++) images.push({ sopInstanceUid, frame });
  }
  const first = instances[0] ?? metadata[0] ?? {};
  return {
    seriesInstanceUid,
    seriesNumber: numberOf(first, tags.SeriesNumber),
    modality: stringOf(first, tags.Modality) ?? '',
    description: stringOf(first, tags.SeriesDescription) ?? '',
    instances,
    images,
    reconstructable: isReconstructable(instances),
    frameRate: instances.map(frameRateOf).find((rate) => rate !== undefined),
  };
}
