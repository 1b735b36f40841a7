// Starts cornerstone3d once per page: core (GPU rendering), the DICOM image loader with its decoding
// workers and the user's bearer token on every request, the tools, the volume loader for MPR, and an
// in-memory image cache with a size limit (nothing is ever written to disk: SPEC IM-4).
import {
  cache,
  cornerstoneStreamingImageVolumeLoader,
  init as coreInit,
  getConfiguration,
  volumeLoader,
} from '@cornerstonejs/core';
import { init as dicomImageLoaderInit } from '@cornerstonejs/dicom-image-loader';
import { init as toolsInit } from '@cornerstonejs/tools';
import { imageCacheBytes } from '../../app/imaging/limits.ts';
import { beforeProcessing } from './frame-fixes.ts';

/** How the viewer gets a valid access token for its DICOMweb requests. */
export type TokenSource = () => Promise<string | undefined>;

let started: Promise<void> | undefined;
let tokenSource: TokenSource = async () => undefined;

/** The headers of an authenticated DICOMweb request. */
export async function authorization(): Promise<Record<string, string>> {
  const token = await tokenSource();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Initialises cornerstone on first use; later calls only swap the token source. */
export function startCornerstone(tokens: TokenSource): Promise<void> {
  tokenSource = tokens;
  started ??= (async () => {
    await coreInit();
    dicomImageLoaderInit({
      // Two cores are common on hospital workstations; decoding must not starve the UI thread.
      maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)),
      beforeSend: async () => authorization(),
      beforeProcessing,
    });
    await toolsInit();
    // The loader's declared options are narrower than the registry's signature; the call is the documented one.
    volumeLoader.registerVolumeLoader(
      'cornerstoneStreamingImageVolume',
      cornerstoneStreamingImageVolumeLoader as unknown as Parameters<typeof volumeLoader.registerVolumeLoader>[1],
    );
    cache.setMaxCacheSize(imageCacheBytes);
  })();
  return started;
}

/** Whether cornerstone renders with WebGL, for the page to show and tests to check (no silent CPU fallback). */
export function renderingOnGpu(): boolean {
  return getConfiguration().rendering?.useCPURendering === false;
}
