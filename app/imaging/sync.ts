/**
 * Synchronised scrolling between viewports: series that share a frame of reference and a slice
 * direction follow by position in the patient (same anatomy); any others follow by the same step.
 */
import { type DicomJsonDataset, numbersOf, stringOf, tags } from './dicom-json.ts';
import type { DisplaySeries } from './series.ts';

type Vec3 = readonly [number, number, number];

/** Where each image of a stack lies in the patient, as far as its metadata says. */
export interface StackGeometry {
  readonly frameOfReferenceUid: string | undefined;
  /** The slice normal, if all images share one orientation. */
  readonly normal: Vec3 | undefined;
  /** ImagePositionPatient of each image (undefined for frames of a multi-frame instance). */
  readonly positions: readonly (Vec3 | undefined)[];
}

function vec3(values: number[]): Vec3 | undefined {
  return values.length === 3 ? [values[0]!, values[1]!, values[2]!] : undefined;
}

/** The geometry of a display series, image by image. */
export function stackGeometry(series: DisplaySeries): StackGeometry {
  const byUid = new Map<string, DicomJsonDataset>();
  for (const instance of series.instances) byUid.set(stringOf(instance, tags.SOPInstanceUID) ?? '', instance);
  const first = series.instances[0];
  const iop = first ? numbersOf(first, tags.ImageOrientationPatient) : [];
  const sameIop = series.instances.every((i) => numbersOf(i, tags.ImageOrientationPatient).join() === iop.join());
  const normal =
    iop.length === 6 && sameIop
      ? ([iop[1]! * iop[5]! - iop[2]! * iop[4]!, iop[2]! * iop[3]! - iop[0]! * iop[5]!, iop[0]! * iop[4]! - iop[1]! * iop[3]!] as const)
      : undefined;
  const frames = new Map<string, number>();
  for (const image of series.images) frames.set(image.sopInstanceUid, (frames.get(image.sopInstanceUid) ?? 0) + 1);
  // Frames of one multi-frame instance have no position of their own in the top-level metadata.
  const positions = series.images.map((image) => {
    const instance = byUid.get(image.sopInstanceUid);
    return instance && frames.get(image.sopInstanceUid) === 1 ? vec3(numbersOf(instance, tags.ImagePositionPatient)) : undefined;
  });
  return { frameOfReferenceUid: first ? stringOf(first, tags.FrameOfReferenceUID) : undefined, normal, positions };
}

const dot = (a: Vec3, b: Vec3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function parallel(a: Vec3, b: Vec3): boolean {
  const lengths = Math.hypot(...a) * Math.hypot(...b);
  return lengths > 0 && Math.abs(dot(a, b)) / lengths > 0.99;
}

/**
 * The image a target viewport should show after the source moved from `previousIndex` to
 * `sourceIndex`: the nearest slice by position when both stacks are parallel slices in one frame
 * of reference, else the target's current image moved by the same number of steps (clamped).
 */
export function syncedIndex(
  source: StackGeometry,
  sourceIndex: number,
  previousIndex: number,
  target: StackGeometry,
  targetIndex: number,
): number {
  const last = target.positions.length - 1;
  const at = source.positions[sourceIndex];
  const spatial =
    at &&
    source.normal &&
    target.normal &&
    source.frameOfReferenceUid !== undefined &&
    source.frameOfReferenceUid === target.frameOfReferenceUid &&
    parallel(source.normal, target.normal) &&
    target.positions.every((p) => p !== undefined);
  if (spatial) {
    const wanted = dot(at, target.normal!);
    let best = targetIndex;
    let bestDistance = Number.POSITIVE_INFINITY;
    target.positions.forEach((position, index) => {
      const distance = Math.abs(dot(position!, target.normal!) - wanted);
      if (distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    });
    return best;
  }
  return Math.min(last, Math.max(0, targetIndex + sourceIndex - previousIndex));
}
