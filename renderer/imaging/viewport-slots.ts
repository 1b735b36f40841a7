// The viewports of the grid as cornerstone sees them: each pane's element enabled as a stack or an
// orthographic (MPR) viewport, joined to the tool group, with its event listeners; and undone again.
import { Enums, type RenderingEngine } from '@cornerstonejs/core';
import { type Types as ToolTypes, utilities as toolUtilities } from '@cornerstonejs/tools';
import type { Orientation } from '../../app/imaging/viewer-state.ts';

/** One enabled viewport. */
export interface Slot {
  readonly viewportId: string;
  readonly element: HTMLDivElement;
  readonly orientation: Orientation;
  readonly seriesInstanceUid: string;
  /** The image it showed when last seen, for synchronised scrolling's step. */
  lastIndex: number;
  readonly release: () => void;
}

/** What a viewport reports: each render (IMAGE_RENDERED) and each new image (stack or volume). */
export interface SlotEvents {
  readonly rendered: () => void;
  readonly newImage: () => void;
}

let serial = 0;

/** Enables `element` as a viewport of `engine` showing `orientation` (stack when "acquisition"). */
export function enableSlot(
  engine: RenderingEngine,
  group: ToolTypes.IToolGroup | undefined,
  element: HTMLDivElement,
  orientation: Orientation,
  seriesInstanceUid: string,
  events: SlotEvents,
): Slot {
  // A fresh id each time: cornerstone keeps per-id state (tool annotations' render caches) for a while.
  const viewportId = `viewport-${++serial}`;
  const stack = orientation === 'acquisition';
  engine.enableElement({
    viewportId,
    element,
    type: stack ? Enums.ViewportType.STACK : Enums.ViewportType.ORTHOGRAPHIC,
    defaultOptions: { background: [0, 0, 0], ...(stack ? {} : { orientation: orientation as Enums.OrientationAxis }) },
  });
  group?.addViewport(viewportId, engine.id);
  element.addEventListener(Enums.Events.IMAGE_RENDERED, events.rendered);
  element.addEventListener(Enums.Events.STACK_NEW_IMAGE, events.newImage);
  element.addEventListener(Enums.Events.VOLUME_NEW_IMAGE, events.newImage);
  return {
    viewportId,
    element,
    orientation,
    seriesInstanceUid,
    lastIndex: 0,
    release: () => {
      element.removeEventListener(Enums.Events.IMAGE_RENDERED, events.rendered);
      element.removeEventListener(Enums.Events.STACK_NEW_IMAGE, events.newImage);
      element.removeEventListener(Enums.Events.VOLUME_NEW_IMAGE, events.newImage);
    },
  };
}

/** Stops what runs on a viewport (cine, prefetching), takes it out of the tool group and disables it. */
export function releaseSlot(engine: RenderingEngine | undefined, group: ToolTypes.IToolGroup | undefined, slot: Slot): void {
  toolUtilities.cine.stopClip(slot.element);
  if (slot.orientation === 'acquisition') toolUtilities.stackPrefetch.disable(slot.element);
  slot.release();
  if (engine) group?.removeViewports(engine.id, slot.viewportId);
  if (engine?.getViewport(slot.viewportId)) engine.disableElement(slot.viewportId);
}
