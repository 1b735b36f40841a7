/**
 * Pixel conversions the viewer does itself where cornerstone's WADO-RS path falls short: 1-bit
 * pixels (binary segmentations) and uncompressed YBR_FULL_422 colour frames.
 */

/**
 * One byte (0 or 1) per pixel from packed bits, first pixel in the lowest bit of the first byte
 * (PS3.5 8.1.1). Pixels past the data are 0.
 */
export function unpackBits(packed: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) out[i] = ((packed[i >> 3] ?? 0) >> (i & 7)) & 1;
  return out;
}

const clamp = (value: number) => (value < 0 ? 0 : value > 255 ? 255 : Math.round(value));

/**
 * RGB (3 bytes per pixel, interleaved) from YBR_FULL_422 samples: Y1 Y2 Cb Cr for each pair of
 * pixels of a row (PS3.3 C.7.6.3.1.2), by the YBR_FULL equations of PS3.3 C.7.6.3.1.2.
 */
export function ybrFull422ToRgb(samples: Uint8Array, rows: number, columns: number): Uint8Array {
  const pixels = rows * columns;
  const out = new Uint8Array(pixels * 3);
  for (let pair = 0; pair < pixels / 2; pair++) {
    const cb = (samples[pair * 4 + 2] ?? 128) - 128;
    const cr = (samples[pair * 4 + 3] ?? 128) - 128;
    for (let k = 0; k < 2; k++) {
      const y = samples[pair * 4 + k] ?? 0;
      const at = (pair * 2 + k) * 3;
      out[at] = clamp(y + 1.402 * cr);
      out[at + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr);
      out[at + 2] = clamp(y + 1.772 * cb);
    }
  }
  return out;
}
