// Every image fixture renders: each transfer syntax (uncompressed little/big endian, implicit and
// explicit, deflate, JPEG baseline/extended/lossless, JPEG-LS, JPEG 2000, HTJ2K, RLE), multi-frame
// US and XA, MONOCHROME1, palette colour and YBR. Each is a series of one study; the test opens
// each from the series browser and checks the decoded size and the pixels on the canvas.
import { expect, test } from './imaging-fixtures.ts';
import { manifestSize } from './viewer-studies.ts';

test('every transfer syntax and photometric interpretation renders a non-blank image of the right size', async ({ viewer, studies }) => {
  test.setTimeout(300_000);
  const { studyInstanceUid, series } = studies.syntaxes;
  await viewer.open(studyInstanceUid);
  for (const entry of series) {
    await test.step(entry.description, async () => {
      const size = manifestSize(entry.file);
      const before = await viewer.renderCount(0);
      await viewer.seriesButton(new RegExp(`^Series ${entry.seriesNumber}: ${entry.description} `)).click();
      await expect(viewer.pane(0).getByText(entry.description, { exact: true })).toBeVisible();
      await expect(viewer.status(0)).toHaveText(`Image 1 of ${size.frames}`);
      await viewer.waitForRender(0, before + 1);
      await expect.poll(() => viewer.imageSize(0), { message: `${entry.description}: decoded size` }).toEqual({ rows: size.rows, columns: size.columns });
      const pixels = await viewer.canvasStats(0);
      // Some pixels lit (a segmentation frame lights only a few dozen of its 128 x 128).
      expect(pixels.litFraction, `${entry.description}: share of lit pixels`).toBeGreaterThan(0);
      expect(pixels.levels, `${entry.description}: distinct grey levels`).toBeGreaterThan(1);
      await expect(viewer.pane(0).getByRole('alert')).toHaveCount(0);
    });
  }
});
