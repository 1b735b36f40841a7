// The viewer's lifecycle and actions around cornerstone3d: mount loads the study and creates the
// rendering engine and tool group; unmount destroys viewports, tool group, engine, annotations and
// every cached image, volume and metadata entry (OHIF's onModeExit). Between the two, the screen's
// whole state is one ViewerState that `read()` returns and `apply()` reproduces.
import {
  cache,
  Enums,
  eventTarget,
  getRenderingEngine,
  RenderingEngine,
  setVolumesForViewports,
  type StackViewport,
  type Types,
  utilities as csUtilities,
  volumeLoader,
} from '@cornerstonejs/core';
import { annotation, Enums as ToolEnums, ToolGroupManager, type Types as ToolTypes, utilities as toolUtilities } from '@cornerstonejs/tools';
import { nextTick } from 'vue';
import type { DicomJsonDataset } from '../../app/imaging/dicom-json.ts';
import { voiToRange } from '../../app/imaging/presets.ts';
import { syncedIndex } from '../../app/imaging/sync.ts';
import { initialViewerState, type Layout, type Orientation, parseViewerState, type ViewerState, type Voi, withLayout } from '../../app/imaging/viewer-state.ts';
import { measurementValues, readAnnotations, restoreAnnotations } from './annotations.ts';
import { renderingOnGpu } from './cornerstone.ts';
import { DicomWebError, type DicomWebClient } from './dicomweb.ts';
import { forgetStudies, type LoadedSeries, loadStudy, type Study } from './study.ts';
import { enableSlot, releaseSlot, type Slot } from './viewport-slots.ts';
import { createToolGroup, type PrimaryTool, setPrimaryTool, type TextPrompt } from './tools.ts';
import type { useImagingStore, ViewportView } from './useImagingStore.ts';
import { currentIndex, emptyView, normalRotation, readViewport, updateView, type Viewport } from './viewport-reading.ts';

const engineId = 'consilium-viewer';
const toolGroupId = 'consilium-viewer-tools';
const thumbnailEngineId = '_thumbnails';

export interface ViewerServiceOptions {
  readonly studyInstanceUid: string;
  readonly client: DicomWebClient;
  readonly store: ReturnType<typeof useImagingStore>;
  /** The grid's viewport elements, in order, once the layout is rendered. */
  readonly elements: () => HTMLDivElement[];
  /** Asks the user for an arrow annotation's text. */
  readonly prompt: TextPrompt;
}

export class ViewerService {
  readonly #options: ViewerServiceOptions;
  readonly #store: ReturnType<typeof useImagingStore>;
  #engine: RenderingEngine | undefined;
  #group: ToolTypes.IToolGroup | undefined;
  #slots: Slot[] = [];
  #study: Study | undefined;
  readonly #volumes = new Set<string>();
  #syncing = false;
  #unmounted = false;
  #applying: Promise<void> = Promise.resolve();
  readonly #globalListeners: (() => void)[] = [];

  constructor(options: ViewerServiceOptions) {
    this.#options = options;
    this.#store = options.store;
  }

  /**
   * Loads the study's series and shows `initial()` (e.g. a state from a view link), or the first
   * series when there is none or it cannot be shown (`store.viewRestored` says which). Failures to
   * load the study end up in `store.failure`.
   */
  async mount(initial?: () => unknown): Promise<void> {
    const store = this.#store;
    store.reset();
    store.studyInstanceUid = this.#options.studyInstanceUid;
    store.phase = 'loading';
    store.gpu = renderingOnGpu();
    try {
      const study = await loadStudy(this.#options.client, this.#options.studyInstanceUid);
      if (this.#unmounted) return;
      this.#study = study;
      const series = study.series;
      if (series.length === 0) throw new DicomWebError('not_found');
      this.#engine = new RenderingEngine(engineId);
      this.#group = createToolGroup(toolGroupId, this.#options.prompt, () => this.#refreshMeasurements());
      this.#listen(eventTarget, ToolEnums.Events.ANNOTATION_COMPLETED, () => this.#refreshMeasurements());
      this.#listen(eventTarget, ToolEnums.Events.ANNOTATION_MODIFIED, () => this.#refreshMeasurements());
      this.#listen(eventTarget, ToolEnums.Events.ANNOTATION_REMOVED, () => this.#refreshMeasurements());
      this.#listen(eventTarget, Enums.Events.IMAGE_LOAD_FAILED, (event) => this.#markFailed(event));
      this.#listen(eventTarget, Enums.Events.IMAGE_LOAD_ERROR, (event) => this.#markFailed(event));
      // cornerstone's loader rejects with the failed request where nothing waits for it (prefetching,
      // loads overtaken by scrolling); the failure is shown through the events above.
      this.#listen(window, 'unhandledrejection', (event) => {
        if ((event as PromiseRejectionEvent).reason instanceof XMLHttpRequest) event.preventDefault();
      });
      store.series = [...series];
      store.phase = 'ready';
      if (initial) {
        try {
          await this.apply(initial());
          store.viewRestored = true;
          return;
        } catch {
          store.viewRestored = false;
        }
      }
      await this.apply(initialViewerState(this.#options.studyInstanceUid, series[0]!.seriesInstanceUid));
    } catch (error) {
      if (this.#unmounted) return;
      store.phase = 'failed';
      store.failure = error instanceof DicomWebError ? error.failure : 'display';
      if (!(error instanceof DicomWebError)) console.error('viewer: could not show the study', error);
    }
  }

  /** Destroys everything cornerstone holds for this study: nothing stays in memory after leaving. */
  unmount(): void {
    this.#unmounted = true;
    for (const slot of this.#slots) this.#releaseSlot(slot);
    this.#slots = [];
    for (const release of this.#globalListeners.splice(0)) release();
    ToolGroupManager.destroyToolGroup(toolGroupId);
    this.#engine?.destroy();
    this.#engine = undefined;
    getRenderingEngine(thumbnailEngineId)?.destroy();
    annotation.state.removeAllAnnotations();
    for (const volumeId of this.#volumes) cache.removeVolumeLoadObject(volumeId);
    this.#volumes.clear();
    cache.purgeCache();
    forgetStudies();
    this.#study = undefined;
    this.#store.reset();
  }

  // ---- actions from the toolbar, series browser and keyboard ----

  selectViewport(index: number): void {
    if (index >= 0 && index < this.#slots.length) this.#store.activeViewport = index;
  }

  /** Shows a series in the active viewport (leaving MPR if it was on). */
  async showSeries(seriesInstanceUid: string): Promise<void> {
    const state = this.read();
    const base = state.layout === 'mpr' ? withLayout(state, '1x1', this.#seriesOrder()) : state;
    const viewports = base.viewports.map((v, i) =>
      i === base.activeViewport ? { ...v, seriesInstanceUid, imageIndex: 0, voi: null, zoom: 1, pan: [0, 0] as [number, number], rotation: 0 as const, flipHorizontal: false, flipVertical: false, invert: false } : v,
    );
    await this.apply({ ...base, viewports });
  }

  async setLayout(layout: Layout): Promise<void> {
    await this.apply(withLayout(this.read(), layout, this.#seriesOrder()));
  }

  setTool(tool: PrimaryTool): void {
    if (!this.#group) return;
    setPrimaryTool(this.#group, tool);
    this.#store.tool = tool;
  }

  setVoi(voi: Voi, index = this.#store.activeViewport): void {
    const viewport = this.#viewport(index);
    if (!viewport) return;
    viewport.setProperties({ voiRange: voiToRange(voi) });
    viewport.render();
  }

  rotate(degrees: 90 | -90): void {
    const viewport = this.#viewport(this.#store.activeViewport);
    if (!viewport) return;
    viewport.setViewPresentation({ rotation: normalRotation(viewport.getRotation() + degrees) });
    viewport.render();
  }

  flip(direction: 'horizontal' | 'vertical'): void {
    const viewport = this.#viewport(this.#store.activeViewport);
    if (!viewport) return;
    const { flipHorizontal = false, flipVertical = false } = viewport.getViewPresentation();
    viewport.setViewPresentation(direction === 'horizontal' ? { flipHorizontal: !flipHorizontal } : { flipVertical: !flipVertical });
    viewport.render();
  }

  toggleInvert(): void {
    const viewport = this.#viewport(this.#store.activeViewport);
    if (!viewport) return;
    viewport.setProperties({ invert: !viewport.getProperties()?.invert });
    viewport.render();
  }

  /** Back to the image's own window, zoom, orientation and colours. */
  resetView(): void {
    const viewport = this.#viewport(this.#store.activeViewport);
    if (!viewport) return;
    viewport.resetProperties();
    viewport.setViewPresentation({ rotation: 0, flipHorizontal: false, flipVertical: false });
    viewport.resetCamera();
    viewport.render();
  }

  scrollBy(delta: number, index = this.#store.activeViewport): void {
    const viewport = this.#viewport(index);
    if (viewport) csUtilities.scroll(viewport as unknown as Parameters<typeof csUtilities.scroll>[0], { delta, debounceLoading: false });
  }

  async scrollTo(imageIndex: number, index = this.#store.activeViewport): Promise<void> {
    const slot = this.#slots[index];
    if (slot) await csUtilities.jumpToSlice(slot.element, { imageIndex });
  }

  setSyncScroll(on: boolean): void {
    this.#store.syncScroll = on && this.#store.layout !== 'mpr';
  }

  playCine(framesPerSecond: number): void {
    const slot = this.#slots[this.#store.activeViewport];
    if (!slot) return;
    toolUtilities.cine.stopClip(slot.element);
    toolUtilities.cine.playClip(slot.element, { framesPerSecond, loop: true });
    this.#store.cine = { playing: true, framesPerSecond };
  }

  stopCine(): void {
    for (const slot of this.#slots) toolUtilities.cine.stopClip(slot.element);
    this.#store.cine = { ...this.#store.cine, playing: false };
  }

  removeMeasurement(uid: string): void {
    annotation.state.removeAnnotation(uid);
    this.#engine?.render();
    this.#refreshMeasurements();
  }

  /** The metadata of the instance shown in a viewport (for the tag browser). */
  currentInstance(index = this.#store.activeViewport): DicomJsonDataset | undefined {
    const viewport = this.#viewport(index);
    const imageId = viewport && 'getCornerstoneImage' in viewport ? viewport.getCornerstoneImage()?.imageId : viewport?.getCurrentImageId();
    const shown = imageId ? this.#study?.instanceOf(imageId) : undefined;
    // A reformatted plane cuts across images: the series' first instance stands for it.
    const series = this.#slots[index] && this.#study?.get(this.#slots[index].seriesInstanceUid);
    return shown ?? series?.display.instances[0];
  }

  /** Draws a series' middle image into a thumbnail canvas. */
  async renderThumbnail(seriesInstanceUid: string, canvas: HTMLCanvasElement): Promise<void> {
    const loaded = this.#study?.get(seriesInstanceUid);
    const imageId = loaded?.imageIds[Math.floor(loaded.imageIds.length / 2)];
    if (!imageId || this.#unmounted) return;
    await csUtilities.loadImageToCanvas({ canvas, imageId });
  }

  // ---- state ----

  /** The whole view as a plain object (see app/imaging/viewer-state.ts). */
  read(): ViewerState {
    const store = this.#store;
    return {
      version: 1,
      studyInstanceUid: this.#options.studyInstanceUid,
      layout: store.layout,
      activeViewport: store.activeViewport,
      syncScroll: store.syncScroll,
      viewports: this.#slots.map((slot, index) => readViewport(this.#viewport(index)!, slot.seriesInstanceUid, slot.orientation)),
      annotations: readAnnotations((imageId) => this.#study?.sourceOf(imageId)),
    };
  }

  /** Reproduces a state (e.g. read from another viewer). Invalid input throws and changes nothing. */
  apply(input: unknown): Promise<void> {
    const state = parseViewerState(input);
    if (state.studyInstanceUid !== this.#options.studyInstanceUid) throw new Error('The state belongs to another study.');
    for (const viewport of state.viewports) {
      const series = this.#study?.get(viewport.seriesInstanceUid);
      if (!series) throw new Error('The state names a series this study does not have.');
      if (viewport.orientation !== 'acquisition' && !series.display.reconstructable) throw new Error('This series cannot be reformatted.');
    }
    // One change at a time: a second apply waits for the first to finish.
    const run = this.#applying.then(() => this.#apply(state));
    this.#applying = run.catch(() => undefined);
    return run;
  }

  async #apply(state: ViewerState): Promise<void> {
    const engine = this.#engine;
    if (!engine || this.#unmounted) return;
    const store = this.#store;
    this.stopCine();
    store.layout = state.layout;
    await nextTick();
    const elements = this.#options.elements();
    if (elements.length !== state.viewports.length) throw new Error('The viewport grid did not render the layout.');

    // Keep viewports that already show the right thing in the right place; rebuild the others.
    const keep = state.viewports.map((wanted, i) => {
      const slot = this.#slots[i];
      return slot && slot.element === elements[i] && slot.orientation === wanted.orientation && slot.seriesInstanceUid === wanted.seriesInstanceUid;
    });
    this.#slots.forEach((slot, i) => {
      if (!keep[i]) this.#releaseSlot(slot);
    });
    const slots: Slot[] = [];
    const views: ViewportView[] = [];
    for (const [i, wanted] of state.viewports.entries()) {
      const old = this.#slots[i];
      slots.push(keep[i] && old ? old : this.#enable(i, elements[i]!, wanted.orientation, wanted.seriesInstanceUid));
      const previous = store.viewports[i];
      // The render counter keeps counting when a pane shows something else: tests wait on it.
      const count = this.#study!.get(wanted.seriesInstanceUid)!.imageIds.length;
      views.push(previous && keep[i] ? previous : emptyView(wanted.seriesInstanceUid, wanted.orientation, count, previous?.renderCount));
    }
    this.#slots = slots;
    store.viewports = views;
    engine.resize(true, false);

    // Data first (stacks and volumes), then position and presentation.
    const volumeViewports: string[] = [];
    let volumeId: string | undefined;
    await Promise.all(
      state.viewports.map(async (wanted, i) => {
        if (keep[i]) return;
        const slot = slots[i]!;
        const loaded = this.#study!.get(wanted.seriesInstanceUid)!;
        if (wanted.orientation === 'acquisition') {
          const last = loaded.imageIds.length - 1;
          const index = wanted.imageIndex === null ? Math.floor(last / 2) : Math.min(wanted.imageIndex, last);
          await (engine.getViewport(slot.viewportId) as StackViewport).setStack(loaded.imageIds, index);
          // The rest of the stack loads in the background, nearest images first, so scrolling and cine find them ready.
          toolUtilities.stackPrefetch.enable(slot.element);
        } else {
          volumeId = await this.#volume(loaded);
          volumeViewports.push(slot.viewportId);
        }
      }),
    );
    if (volumeId && volumeViewports.length > 0) await setVolumesForViewports(engine, [{ volumeId }], volumeViewports);

    for (const [i, wanted] of state.viewports.entries()) {
      const slot = slots[i]!;
      const viewport = engine.getViewport(slot.viewportId) as Viewport;
      if (wanted.voi) viewport.setProperties({ voiRange: voiToRange(wanted.voi) });
      viewport.setProperties({ invert: wanted.invert });
      viewport.setViewPresentation({
        zoom: wanted.zoom,
        pan: wanted.pan,
        rotation: wanted.rotation,
        flipHorizontal: wanted.flipHorizontal,
        flipVertical: wanted.flipVertical,
      });
      // null: where cornerstone puts a new volume's plane (its middle), or the stack's middle set above.
      if (wanted.imageIndex !== null && currentIndex(viewport) !== wanted.imageIndex) await csUtilities.jumpToSlice(slot.element, { imageIndex: wanted.imageIndex });
      slot.lastIndex = currentIndex(viewport);
    }

    store.activeViewport = state.activeViewport;
    store.syncScroll = state.syncScroll && state.layout !== 'mpr';
    restoreAnnotations(state.annotations, (seriesUid, image) => this.#study?.imageIdOf(seriesUid, image));
    engine.render();
    this.#refreshMeasurements();
  }

  // ---- internals ----

  #seriesOrder(): string[] {
    return this.#store.series.map((s) => s.seriesInstanceUid);
  }

  async #volume(loaded: LoadedSeries): Promise<string> {
    const volumeId = `cornerstoneStreamingImageVolume:${loaded.display.seriesInstanceUid}`;
    if (!cache.getVolume(volumeId)) {
      const volume = await volumeLoader.createAndCacheVolume(volumeId, { imageIds: loaded.imageIds });
      this.#volumes.add(volumeId);
      void (volume as Types.IStreamingImageVolume).load();
    }
    return volumeId;
  }

  #enable(index: number, element: HTMLDivElement, orientation: Orientation, seriesInstanceUid: string): Slot {
    return enableSlot(this.#engine!, this.#group, element, orientation, seriesInstanceUid, {
      rendered: () => this.#updateView(index),
      newImage: () => this.#onNewImage(index),
    });
  }

  #releaseSlot(slot: Slot): void {
    releaseSlot(this.#engine, this.#group, slot);
  }

  #viewport(index: number): Viewport | undefined {
    const slot = this.#slots[index];
    return slot ? (this.#engine?.getViewport(slot.viewportId) as Viewport | undefined) : undefined;
  }

  #updateView(index: number): void {
    const viewport = this.#viewport(index);
    const view = this.#store.viewports[index];
    if (viewport && view) updateView(view, viewport);
  }

  #onNewImage(index: number): void {
    const slot = this.#slots[index];
    const viewport = this.#viewport(index);
    if (!slot || !viewport) return;
    const now = currentIndex(viewport);
    const before = slot.lastIndex;
    slot.lastIndex = now;
    if (!this.#store.syncScroll || this.#syncing || now === before || slot.orientation !== 'acquisition') return;
    const source = this.#study?.get(slot.seriesInstanceUid);
    if (!source) return;
    this.#syncing = true;
    const jumps = this.#slots.map(async (other, i) => {
      const target = this.#study?.get(other.seriesInstanceUid);
      const targetViewport = this.#viewport(i);
      if (i === index || !target || !targetViewport || other.orientation !== 'acquisition') return;
      const current = currentIndex(targetViewport);
      const next = syncedIndex(source.geometry, now, before, target.geometry, current);
      if (next !== current) {
        other.lastIndex = next;
        await csUtilities.jumpToSlice(other.element, { imageIndex: next });
      }
    });
    void Promise.all(jumps).finally(() => (this.#syncing = false));
  }

  /** Marks the viewports whose image (the one shown, or the one asked for) could not be loaded. */
  #markFailed(event: Event): void {
    const detail = (event as CustomEvent<{ imageId?: string } | { imageId?: string }[]>).detail;
    const failed = new Set((Array.isArray(detail) ? detail : [detail]).map((d) => d?.imageId).filter((id): id is string => typeof id === 'string'));
    this.#slots.forEach((_slot, i) => {
      const viewport = this.#viewport(i);
      const view = this.#store.viewports[i];
      if (!view || !viewport) return;
      const wanted = 'getTargetImageIdIndex' in viewport ? viewport.getImageIds()[viewport.getTargetImageIdIndex()] : viewport.getCurrentImageId();
      if ((wanted && failed.has(wanted)) || failed.has(viewport.getCurrentImageId() ?? '')) view.failed = true;
    });
  }

  #refreshMeasurements(): void {
    this.#store.measurements = readAnnotations((imageId) => this.#study?.sourceOf(imageId)).map((a) => ({
      uid: a.uid,
      tool: a.tool,
      seriesInstanceUid: a.seriesInstanceUid,
      values: measurementValues(a.uid),
    }));
  }

  #listen(target: EventTarget, type: string, handler: (event: Event) => void): void {
    target.addEventListener(type, handler);
    this.#globalListeners.push(() => target.removeEventListener(type, handler));
  }
}
