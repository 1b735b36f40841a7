/** Limits of the workstation's image viewer (SPEC IM-4: images are held in memory only). */

/**
 * Bytes of decoded images the viewer keeps in memory (cornerstone's cache). The least recently used
 * images are dropped beyond it; 1 GiB holds about 2,000 CT slices of 512 x 512 x 16 bits.
 */
export const imageCacheBytes = 1024 * 1024 * 1024;
