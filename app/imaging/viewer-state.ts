/**
 * The viewer's state as one plain, serialisable object (for shared viewing, SPEC IM-5): what each
 * viewport shows and how, the layout, and the annotations. `read()` in the renderer produces it,
 * `apply()` reproduces the view from it; this module validates it and makes the layout decisions.
 */
import { z } from 'zod';

/** Grid layouts the user picks; `mpr` is three reformatted views of one volume. */
export const layouts = ['1x1', '1x2', '2x2', 'mpr'] as const;
export type Layout = (typeof layouts)[number];

/** How many viewports each layout shows. */
export const viewportCount: Readonly<Record<Layout, number>> = { '1x1': 1, '1x2': 2, '2x2': 4, mpr: 3 };

/** A viewport shows a series as acquired (a stack), or a volume cut along one patient plane. */
export const orientations = ['acquisition', 'axial', 'sagittal', 'coronal'] as const;
export type Orientation = (typeof orientations)[number];

/** The orientations of the three MPR viewports, in order. */
export const mprOrientations = ['axial', 'sagittal', 'coronal'] as const satisfies readonly Orientation[];

/** Annotation and measurement tools whose results belong to the state. */
export const annotationTools = ['Length', 'Angle', 'EllipticalROI', 'RectangleROI', 'ArrowAnnotate'] as const;
export type AnnotationTool = (typeof annotationTools)[number];

const uid = z.string().regex(/^[0-9]+(\.[0-9]+)*$/).max(64);
const finite = z.number().finite();
const point3 = z.tuple([finite, finite, finite]);

export const voiSchema = z.object({ windowWidth: finite.positive(), windowCenter: finite });
export type Voi = z.infer<typeof voiSchema>;

export const viewportStateSchema = z.object({
  seriesInstanceUid: uid,
  orientation: z.enum(orientations),
  /** 0-based position in the stack (or slice in the volume's direction); null: the middle one. */
  imageIndex: z.number().int().min(0).nullable(),
  /** Window/level; null leaves the image's own default. */
  voi: voiSchema.nullable(),
  /** 1 fits the image to the viewport. */
  zoom: finite.positive(),
  /** Pan as cornerstone's view presentation gives it (normalised by zoom and aspect). */
  pan: z.tuple([finite, finite]),
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  flipHorizontal: z.boolean(),
  flipVertical: z.boolean(),
  invert: z.boolean(),
});
export type ViewportState = z.infer<typeof viewportStateSchema>;

export const annotationStateSchema = z.object({
  uid: z.string().min(1).max(64),
  tool: z.enum(annotationTools),
  seriesInstanceUid: uid,
  /** The image it was drawn on (stacks); null when drawn on a reformatted plane. */
  image: z.object({ sopInstanceUid: uid, frame: z.number().int().min(1) }).nullable(),
  frameOfReferenceUid: uid.nullable(),
  viewPlaneNormal: point3,
  viewUp: point3.nullable(),
  /** Handle positions in patient coordinates (mm). */
  points: z.array(point3).min(1).max(16),
  /** The arrow annotation's text. */
  text: z.string().max(500).nullable(),
});
export type AnnotationState = z.infer<typeof annotationStateSchema>;

export const viewerStateSchema = z
  .object({
    version: z.literal(1),
    studyInstanceUid: uid,
    layout: z.enum(layouts),
    activeViewport: z.number().int().min(0),
    syncScroll: z.boolean(),
    viewports: z.array(viewportStateSchema).min(1).max(4),
    annotations: z.array(annotationStateSchema).max(1000),
  })
  .superRefine((state, context) => {
    if (state.viewports.length !== viewportCount[state.layout]) {
      context.addIssue({ code: 'custom', path: ['viewports'], message: `layout ${state.layout} needs ${viewportCount[state.layout]} viewports` });
    }
    if (state.activeViewport >= state.viewports.length) {
      context.addIssue({ code: 'custom', path: ['activeViewport'], message: 'no such viewport' });
    }
    if (state.layout === 'mpr') {
      const series = new Set(state.viewports.map((v) => v.seriesInstanceUid));
      const planes = state.viewports.map((v) => v.orientation);
      if (series.size !== 1 || planes.join() !== mprOrientations.join()) {
        context.addIssue({ code: 'custom', path: ['viewports'], message: 'MPR shows one series as axial, sagittal and coronal' });
      }
    } else if (state.viewports.some((v) => v.orientation !== 'acquisition')) {
      context.addIssue({ code: 'custom', path: ['viewports'], message: 'grid layouts show stacks as acquired' });
    }
  });
export type ViewerState = z.infer<typeof viewerStateSchema>;

/** Parses untrusted input (e.g. from another participant); throws a ZodError naming the problem. */
export function parseViewerState(input: unknown): ViewerState {
  return viewerStateSchema.parse(input);
}

/** A viewport's state before the user changed anything. */
export function initialViewport(seriesInstanceUid: string, orientation: Orientation = 'acquisition'): ViewportState {
  return { seriesInstanceUid, orientation, imageIndex: 0, voi: null, zoom: 1, pan: [0, 0], rotation: 0, flipHorizontal: false, flipVertical: false, invert: false };
}

/** The state of a freshly opened study: its first series, alone. */
export function initialViewerState(studyInstanceUid: string, firstSeriesUid: string): ViewerState {
  return { version: 1, studyInstanceUid, layout: '1x1', activeViewport: 0, syncScroll: false, viewports: [initialViewport(firstSeriesUid)], annotations: [] };
}

/**
 * The state after switching to `layout`. Grid layouts keep the viewports they already had and fill
 * new ones with the series that follow the active one in `seriesOrder`; MPR reformats the active
 * viewport's series (leaving MPR returns to one viewport on that series, at its first image).
 */
export function withLayout(state: ViewerState, layout: Layout, seriesOrder: readonly string[]): ViewerState {
  if (layout === state.layout) return state;
  const active = state.viewports[state.activeViewport] ?? state.viewports[0]!;
  if (layout === 'mpr') {
    const voi = active.voi;
    return {
      ...state,
      layout,
      activeViewport: 0,
      // Planes open through the middle of the volume: its first slices along a plane other than the
      // acquired one only graze its edge.
      viewports: mprOrientations.map((orientation) => ({ ...initialViewport(active.seriesInstanceUid, orientation), imageIndex: null, voi, invert: active.invert })),
    };
  }
  if (state.layout === 'mpr') {
    const viewports = [{ ...initialViewport(active.seriesInstanceUid), voi: active.voi, invert: active.invert }];
    return withLayout({ ...state, layout: '1x1', activeViewport: 0, viewports }, layout, seriesOrder);
  }
  const count = viewportCount[layout];
  const viewports = state.viewports.slice(0, count);
  const start = Math.max(0, seriesOrder.indexOf(active.seriesInstanceUid));
  for (let i = viewports.length; i < count; i++) {
    const next = seriesOrder.length > 0 ? seriesOrder[(start + i) % seriesOrder.length]! : active.seriesInstanceUid;
    viewports.push(initialViewport(next));
  }
  return { ...state, layout, viewports, activeViewport: Math.min(state.activeViewport, count - 1) };
}
