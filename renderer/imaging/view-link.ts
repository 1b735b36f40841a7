// A link to an exact view of a study (series, image, window, zoom, orientation, layout, measurements):
// the viewer state, as base64url JSON in the `view` query parameter of the study's route.
import { parseViewerState, type ViewerState } from '../../app/imaging/viewer-state.ts';

/** The `view` parameter for a state. */
export function encodeView(state: ViewerState): string {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The state a `view` parameter holds; throws when it is damaged or not a valid state. */
export function decodeView(view: string): ViewerState {
  const binary = atob(view.replace(/-/g, '+').replace(/_/g, '/'));
  const json = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  return parseViewerState(JSON.parse(json));
}

/** The path of the study's route showing `state` (the router adds the origin or app:// base). */
export function viewPath(state: ViewerState): string {
  return `/imaging/studies/${encodeURIComponent(state.studyInstanceUid)}?view=${encodeView(state)}`;
}
