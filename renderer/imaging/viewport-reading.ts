// What a cornerstone viewport shows, read out: its image, window, zoom, pan, orientation and
// colours, for the plain viewer state and for the screen's overlays.
import type { StackViewport, VolumeViewport } from '@cornerstonejs/core';
import { rangeToVoi } from '../../app/imaging/presets.ts';
import type { Orientation, ViewportState } from '../../app/imaging/viewer-state.ts';
import type { ViewportView } from './useImagingStore.ts';

export type Viewport = StackViewport | VolumeViewport;

/**
 * The image a viewport shows. A stack viewport announces a new image (and renders it) before it
 * updates its current index, so the index comes from the image it holds.
 */
export function currentIndex(viewport: Viewport): number {
  const imageId = 'getCornerstoneImage' in viewport ? viewport.getCornerstoneImage()?.imageId : undefined;
  const at = imageId ? viewport.getImageIds().indexOf(imageId) : -1;
  return Math.max(0, at >= 0 ? at : viewport.getCurrentImageIdIndex());
}

/** A rotation as the nearest quarter turn, 0-270. */
export function normalRotation(degrees: number): 0 | 90 | 180 | 270 {
  return ((((Math.round(degrees / 90) * 90) % 360) + 360) % 360) as 0 | 90 | 180 | 270;
}

/** A viewport's part of the viewer state. */
export function readViewport(viewport: Viewport, seriesInstanceUid: string, orientation: Orientation): ViewportState {
  const presentation = viewport.getViewPresentation();
  const properties = viewport.getProperties();
  return {
    seriesInstanceUid,
    orientation,
    imageIndex: currentIndex(viewport),
    voi: properties?.voiRange ? rangeToVoi(properties.voiRange) : null,
    zoom: presentation.zoom ?? 1,
    pan: [presentation.pan?.[0] ?? 0, presentation.pan?.[1] ?? 0],
    rotation: normalRotation(presentation.rotation ?? 0),
    flipHorizontal: presentation.flipHorizontal ?? false,
    flipVertical: presentation.flipVertical ?? false,
    invert: properties?.invert ?? false,
  };
}

/** Brings a viewport's view on the screen up to date after a render (the render counter included). */
export function updateView(view: ViewportView, viewport: Viewport): void {
  const state = readViewport(viewport, view.seriesInstanceUid, view.orientation);
  // A reformatted plane has no one image size to show.
  const image = 'getCornerstoneImage' in viewport ? viewport.getCornerstoneImage() : undefined;
  view.imageIndex = state.imageIndex ?? 0;
  view.imageCount = viewport.getNumberOfSlices?.() || view.imageCount;
  view.rows = image?.rows;
  view.columns = image?.columns;
  view.voi = state.voi ?? undefined;
  view.zoom = state.zoom;
  view.rotation = state.rotation;
  view.flipHorizontal = state.flipHorizontal;
  view.flipVertical = state.flipVertical;
  view.invert = state.invert;
  // A render does not mean the image asked for arrived: a stack may still show the previous one.
  const wanted = 'getTargetImageIdIndex' in viewport ? viewport.getImageIds()[viewport.getTargetImageIdIndex()] : undefined;
  if (!wanted || image?.imageId === wanted) view.failed = false;
  view.renderCount++;
}

/** The view of a viewport that has not rendered yet. */
export function emptyView(seriesInstanceUid: string, orientation: Orientation, imageCount: number, renderCount = 0): ViewportView {
  return {
    seriesInstanceUid,
    orientation,
    imageIndex: 0,
    imageCount,
    rows: undefined,
    columns: undefined,
    voi: undefined,
    zoom: 1,
    rotation: 0,
    flipHorizontal: false,
    flipVertical: false,
    invert: false,
    renderCount,
    failed: false,
  };
}
