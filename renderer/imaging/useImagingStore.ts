// What the viewer's screen shows, reactively: the study's series, layout, active viewport and tool,
// each viewport's position and display settings, measurements and cine. The viewer service writes
// it from cornerstone's events; components read it and call the service to act.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { DisplaySeries } from '../../app/imaging/series.ts';
import type { Layout, Orientation, Voi } from '../../app/imaging/viewer-state.ts';
import type { MeasuredValue } from './annotations.ts';
import type { PrimaryTool } from './tools.ts';

/** One viewport as the user sees it. */
export interface ViewportView {
  seriesInstanceUid: string;
  orientation: Orientation;
  /** 0-based. */
  imageIndex: number;
  imageCount: number;
  /** Size of the displayed image in pixels (from the decoded cornerstone image). */
  rows: number | undefined;
  columns: number | undefined;
  voi: Voi | undefined;
  zoom: number;
  rotation: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  invert: boolean;
  /** Incremented on every render (cornerstone IMAGE_RENDERED): the signal tests wait on. */
  renderCount: number;
  /** The current image could not be loaded or decoded. */
  failed: boolean;
}

/** A measurement or annotation, with its value as text (e.g. "45.2 mm"). */
export interface MeasurementView {
  uid: string;
  tool: string;
  seriesInstanceUid: string | undefined;
  values: MeasuredValue[];
}

export type LoadPhase = 'idle' | 'loading' | 'ready' | 'failed';

export const useImagingStore = defineStore('imaging', () => {
  const studyInstanceUid = ref<string>();
  const phase = ref<LoadPhase>('idle');
  /** Why the study could not be shown (an `imaging.errors` key). */
  const failure = ref<string>();
  const series = shallowRef<DisplaySeries[]>([]);
  const layout = ref<Layout>('1x1');
  const activeViewport = ref(0);
  const syncScroll = ref(false);
  const tool = ref<PrimaryTool>('WindowLevel');
  const viewports = ref<ViewportView[]>([]);
  const measurements = ref<MeasurementView[]>([]);
  const cine = ref<{ playing: boolean; framesPerSecond: number }>({ playing: false, framesPerSecond: 24 });
  const gpu = ref<boolean>();
  /** Whether the view asked for at opening (a view link) was shown; undefined when none was asked for. */
  const viewRestored = ref<boolean>();

  const active = computed(() => viewports.value[activeViewport.value]);
  const activeSeries = computed(() => series.value.find((s) => s.seriesInstanceUid === active.value?.seriesInstanceUid));

  function reset(): void {
    studyInstanceUid.value = undefined;
    phase.value = 'idle';
    failure.value = undefined;
    series.value = [];
    layout.value = '1x1';
    activeViewport.value = 0;
    syncScroll.value = false;
    tool.value = 'WindowLevel';
    viewports.value = [];
    measurements.value = [];
    cine.value = { playing: false, framesPerSecond: 24 };
    viewRestored.value = undefined;
  }

  return { studyInstanceUid, phase, failure, series, layout, activeViewport, syncScroll, tool, viewports, measurements, cine, gpu, viewRestored, active, activeSeries, reset };
});
