// Measurements and annotations between cornerstone's annotation state and the viewer's plain state:
// read them out (handles in patient coordinates, the image they were drawn on), put them back, and
// read the values the tools computed (length, angle, region mean/SD in the modality's unit).
import { annotation } from '@cornerstonejs/tools';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import { type AnnotationState, type AnnotationTool, annotationTools } from '../../app/imaging/viewer-state.ts';

type Point3 = [number, number, number];

/** Where an image id comes from: its series, instance and frame. */
export type ImageSource = (imageId: string) => { seriesInstanceUid: string; sopInstanceUid: string; frame: number } | undefined;

const volumePrefix = 'cornerstoneStreamingImageVolume:';

function isOurTool(name: string | undefined): name is AnnotationTool {
  return (annotationTools as readonly string[]).includes(name ?? '');
}

const point = (p: ArrayLike<number>): Point3 => [Number(p[0]), Number(p[1]), Number(p[2])];

/** Every measurement and annotation drawn, as plain data. */
export function readAnnotations(sourceOf: ImageSource): AnnotationState[] {
  const result: AnnotationState[] = [];
  for (const item of annotation.state.getAllAnnotations()) {
    const metadata = item.metadata;
    if (!metadata || !isOurTool(metadata.toolName) || !item.annotationUID) continue;
    const source = metadata.referencedImageId ? sourceOf(metadata.referencedImageId) : undefined;
    const volumeSeries = metadata.volumeId?.startsWith(volumePrefix) ? metadata.volumeId.slice(volumePrefix.length) : undefined;
    const seriesInstanceUid = source?.seriesInstanceUid ?? volumeSeries;
    const points = item.data.handles?.points ?? [];
    if (!seriesInstanceUid || points.length === 0) continue;
    // The arrow's text is its label (cornerstone 5).
    const text = (item.data as { label?: unknown }).label;
    result.push({
      uid: item.annotationUID,
      tool: metadata.toolName,
      seriesInstanceUid,
      image: source ? { sopInstanceUid: source.sopInstanceUid, frame: source.frame } : null,
      frameOfReferenceUid: metadata.FrameOfReferenceUID ?? null,
      viewPlaneNormal: point(metadata.viewPlaneNormal ?? [0, 0, 1]),
      viewUp: metadata.viewUp ? point(metadata.viewUp) : null,
      points: points.map(point),
      text: metadata.toolName === 'ArrowAnnotate' && typeof text === 'string' ? text : null,
    });
  }
  return result;
}

/**
 * Replaces all annotations with `list`. Each one goes back on the image it was drawn on (found
 * through `imageIdOf`); the tools recompute their values when they next render.
 */
export function restoreAnnotations(
  list: readonly AnnotationState[],
  imageIdOf: (seriesInstanceUid: string, image: { sopInstanceUid: string; frame: number }) => string | undefined,
): void {
  annotation.state.removeAllAnnotations();
  for (const item of list) {
    const referencedImageId = item.image ? imageIdOf(item.seriesInstanceUid, item.image) : undefined;
    const restored = {
      annotationUID: item.uid,
      highlighted: false,
      invalidated: true,
      isLocked: false,
      isVisible: true,
      metadata: {
        toolName: item.tool,
        FrameOfReferenceUID: item.frameOfReferenceUid ?? undefined,
        viewPlaneNormal: item.viewPlaneNormal,
        viewUp: item.viewUp ?? undefined,
        ...(referencedImageId ? { referencedImageId } : { volumeId: `${volumePrefix}${item.seriesInstanceUid}` }),
      },
      data: {
        handles: { points: item.points.map((p) => [...p] as Point3), activeHandleIndex: null, textBox: { hasMoved: false } },
        ...(item.text !== null ? { label: item.text } : {}),
        cachedStats: {},
      },
    } as unknown as ToolTypes.Annotation;
    annotation.state.addAnnotation(restored, item.frameOfReferenceUid ?? undefined as unknown as string);
  }
}

/** A measured value and its unit, e.g. { key: 'length', value: 45.2, unit: 'mm' }. */
export interface MeasuredValue {
  key: 'length' | 'angle' | 'mean' | 'stdDev' | 'area' | 'text';
  value: number | string;
  unit: string;
}

/** The values cornerstone computed for one annotation (empty until it has rendered once). */
export function measurementValues(uid: string): MeasuredValue[] {
  const item = annotation.state.getAnnotation(uid);
  if (!item) return [];
  const text = (item.data as { label?: unknown }).label;
  if (item.metadata?.toolName === 'ArrowAnnotate') return typeof text === 'string' ? [{ key: 'text', value: text, unit: '' }] : [];
  const stats = Object.values((item.data.cachedStats ?? {}) as Record<string, Record<string, unknown>>)[0];
  if (!stats) return [];
  const values: MeasuredValue[] = [];
  const add = (key: MeasuredValue['key'], value: unknown, unit: unknown) => {
    if (typeof value === 'number' && Number.isFinite(value)) values.push({ key, value, unit: typeof unit === 'string' ? unit : '' });
  };
  add('length', stats.length, stats.unit);
  add('angle', stats.angle, '°');
  add('mean', stats.mean, stats.modalityUnit);
  add('stdDev', stats.stdDev, stats.modalityUnit);
  add('area', stats.area, stats.areaUnit);
  return values;
}
