// The image viewer, by the labels users see; viewports by test id (a canvas has no better name).
// Waits on the viewer's own signals: the "Image n of N" status and the render counter that
// cornerstone's IMAGE_RENDERED event drives.
import { expect, type Locator, type Page } from '@playwright/test';
import { demoPassword } from '../../../server/demo/accounts.ts';
import type { SignInPage } from './sign-in-page.ts';

/** What the pixels of a viewport's canvas show. */
export interface CanvasStats {
  width: number;
  height: number;
  /** Share of pixels brighter than near-black. */
  litFraction: number;
  /** Number of distinct grey levels (of the red channel) on a sampling grid. */
  levels: number;
  /** Mean brightness (0-255) of all pixels. */
  mean: number;
  /** The box around the lit pixels, in CSS pixels from the canvas' top left corner. */
  litBox: { left: number; top: number; right: number; bottom: number };
}

export class ViewerPage {
  readonly toolbar: Locator;
  readonly seriesBrowser: Locator;
  readonly measurements: Locator;
  readonly tagDialog: Locator;

  constructor(
    readonly page: Page,
    private readonly signInPage: SignInPage,
    private readonly codeFor: (username: string) => Promise<string>,
  ) {
    this.toolbar = page.getByRole('toolbar', { name: 'Image tools' });
    this.seriesBrowser = page.getByRole('navigation', { name: 'Series' });
    this.measurements = page.getByRole('complementary', { name: 'Measurements' });
    this.tagDialog = page.getByRole('dialog', { name: /^DICOM tags/ });
  }

  /** Opens a study by its link, signing in on the way (as a clinician following a link would). */
  async open(studyUid: string, username = 'claire.martin'): Promise<void> {
    await this.page.goto(`/imaging/studies/${studyUid}`);
    await this.signInAs(username);
  }

  /** Signs in on the sign-in page the viewer's link led to, and waits for the first image. */
  async signInAs(username: string): Promise<void> {
    await this.signInPage.heading.waitFor();
    await this.signInPage.signIn(username, demoPassword, await this.codeFor(username));
    await expect(this.viewport(0)).toBeVisible({ timeout: 30_000 });
    await this.waitForRender(0);
  }

  button(name: string | RegExp): Locator {
    return this.toolbar.getByRole('button', { name, exact: typeof name === 'string' });
  }

  /** The pane of viewport `index` (0-based), named "Viewport n". */
  pane(index: number): Locator {
    return this.page.getByRole('group', { name: `Viewport ${index + 1}`, exact: true });
  }

  /** The element cornerstone renders into. */
  viewport(index: number): Locator {
    return this.page.getByTestId(`viewport-${index}`);
  }

  status(index: number): Locator {
    return this.pane(index).getByRole('status');
  }

  slider(index: number): Locator {
    return this.pane(index).getByRole('slider');
  }

  seriesButton(name: string | RegExp): Locator {
    return this.seriesBrowser.getByRole('button', { name });
  }

  /** Resolves once viewport `index` has rendered at least `count` times (default: once). */
  async waitForRender(index: number, count = 1): Promise<void> {
    await expect
      .poll(async () => Number(await this.viewport(index).getAttribute('data-render-count')), { timeout: 30_000, message: `viewport ${index} renders` })
      .toBeGreaterThanOrEqual(count);
  }

  async renderCount(index: number): Promise<number> {
    return Number(await this.viewport(index).getAttribute('data-render-count'));
  }

  /** Runs `action`, then waits until viewport `index` has rendered again. */
  async afterRender(index: number, action: () => Promise<unknown>): Promise<void> {
    const before = await this.renderCount(index);
    await action();
    await this.waitForRender(index, before + 1);
  }

  /** The decoded image's size, as cornerstone reports it (data attributes of the viewport). */
  async imageSize(index: number): Promise<{ rows: number; columns: number }> {
    const element = this.viewport(index);
    return { rows: Number(await element.getAttribute('data-rows')), columns: Number(await element.getAttribute('data-columns')) };
  }

  /** Reads the rendered pixels of viewport `index`'s canvas. */
  async canvasStats(index: number): Promise<CanvasStats> {
    return this.viewport(index).evaluate((element) => {
      const canvas = element.querySelector('canvas');
      if (!canvas) throw new Error('no canvas in the viewport');
      const copy = document.createElement('canvas');
      copy.width = canvas.width;
      copy.height = canvas.height;
      const context = copy.getContext('2d', { willReadFrequently: true })!;
      context.drawImage(canvas, 0, 0);
      const { data } = context.getImageData(0, 0, copy.width, copy.height);
      let lit = 0;
      let sum = 0;
      const levels = new Set<number>();
      const pixels = data.length / 4;
      const step = Math.max(1, Math.floor(pixels / 20_000));
      const box = { left: copy.width, top: copy.height, right: -1, bottom: -1 };
      for (let i = 0; i < pixels; i++) {
        const value = Math.max(data[i * 4]!, data[i * 4 + 1]!, data[i * 4 + 2]!);
        sum += value;
        if (value > 8) {
          lit++;
          const x = i % copy.width;
          const y = Math.floor(i / copy.width);
          box.left = Math.min(box.left, x);
          box.right = Math.max(box.right, x + 1);
          box.top = Math.min(box.top, y);
          box.bottom = Math.max(box.bottom, y + 1);
        }
        if (i % step === 0) levels.add(data[i * 4]!);
      }
      const scale = canvas.clientWidth / canvas.width;
      const litBox = { left: box.left * scale, top: box.top * scale, right: box.right * scale, bottom: box.bottom * scale };
      return { width: copy.width, height: copy.height, litFraction: lit / pixels, levels: levels.size, mean: sum / pixels, litBox };
    });
  }

  /** Drags with the left button across viewport `index`, in 0..1 coordinates of its box. */
  async drag(index: number, from: [number, number], to: [number, number], steps = 10): Promise<void> {
    const box = (await this.viewport(index).boundingBox())!;
    const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
    await this.page.mouse.move(...at(from));
    await this.page.mouse.down();
    await this.page.mouse.move(...at(to), { steps });
    await this.page.mouse.up();
  }

  /**
   * Scrolls the mouse wheel over viewport `index` (StackScrollTool needs real wheel events), one
   * notch at a time: each waits for the image to change, as Chromium merges wheel events that
   * arrive while the page is busy into one, which scrolls by one image.
   */
  async wheel(index: number, notches: number): Promise<void> {
    const box = (await this.viewport(index).boundingBox())!;
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < Math.abs(notches); i++) {
      const before = await this.status(index).textContent();
      await this.page.mouse.wheel(0, Math.sign(notches) * 100);
      await expect(this.status(index)).not.toHaveText(before ?? '');
    }
  }

  /** Chooses a window preset from the toolbar's menu. */
  async choosePreset(name: RegExp): Promise<void> {
    await this.button('Window presets').click();
    await this.page.getByRole('menuitem', { name }).click();
  }

  /** The text of viewport `index`'s window/level overlay, e.g. "W 400 L 40". */
  windowText(index: number): Locator {
    return this.pane(index).getByText(/^W -?\d+ L -?\d+$/);
  }

  /** Reads the viewer state through the page's test hook. */
  async readState(): Promise<unknown> {
    return this.page.evaluate(() => (window as unknown as { consiliumViewer?: { read(): unknown } }).consiliumViewer?.read());
  }
}
