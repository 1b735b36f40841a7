// The diagnostic viewer in Chromium against the real server, studies served over DICOMweb: what a
// radiologist does with a study, checked on the screen (status texts, overlays, canvas pixels).
import { demoPassword } from '../../server/demo/accounts.ts';
import { axeViolations } from './axe.ts';
import { expect, test } from './imaging-fixtures.ts';
import { fixture, sopInstanceUidOf } from './viewer-studies.ts';

test.describe.configure({ timeout: 120_000 });

test('a clinician opens the CT study from a link, signs in on the way, and sees its first slice rendered on the GPU', async ({ page, viewer, studies }) => {
  await viewer.open(studies.ct);
  await expect(page.getByRole('region', { name: 'Image viewer' })).toHaveAttribute('data-gpu', 'true');
  await expect(viewer.status(0)).toHaveText('Image 1 of 12');
  expect(await viewer.imageSize(0)).toEqual({ rows: 512, columns: 512 });
  await expect(viewer.pane(0).getByText('512 × 512')).toBeVisible();
  await expect(viewer.seriesButton('Series 201: STD BRAIN 5MM (CT, 12 images)')).toHaveAttribute('aria-pressed', 'true');
  const pixels = await viewer.canvasStats(0);
  expect(pixels.litFraction).toBeGreaterThan(0.02);
  expect(pixels.levels).toBeGreaterThan(10);
});

test('sign-in and Home do not load the viewer: its code comes with the first study opened', async ({ page, signInPage, codeFor, studies, viewer }) => {
  const scripts: string[] = [];
  page.on('request', (request) => {
    if (request.resourceType() === 'script' || request.url().endsWith('.wasm')) scripts.push(new URL(request.url()).pathname);
  });
  await signInPage.open();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('heading', { name: 'Welcome, Claire Martin' })).toBeVisible();
  expect(scripts.filter((path) => /ViewerPage|decodeImageFrameWorker|\.wasm$/.test(path))).toEqual([]);

  // (A reload ends the in-memory session; another user signs in, as a code works only once.)
  await page.goto(`/imaging/studies/${studies.ct}`);
  await viewer.signInAs('jana.novak');
  expect(scripts.some((path) => path.includes('ViewerPage'))).toBe(true);
});

test('the stack scrolls with the mouse wheel, the keyboard and the slider', async ({ viewer, studies }) => {
  await viewer.open(studies.ct);
  const first = await viewer.canvasStats(0);

  await viewer.wheel(0, 4);
  await expect(viewer.status(0)).toHaveText('Image 5 of 12');
  await expect.poll(async () => (await viewer.canvasStats(0)).mean).not.toBeCloseTo(first.mean, 1);

  await viewer.viewport(0).focus();
  await viewer.page.keyboard.press('ArrowDown');
  await expect(viewer.status(0)).toHaveText('Image 6 of 12');
  await viewer.page.keyboard.press('ArrowUp');
  await viewer.page.keyboard.press('ArrowUp');
  await expect(viewer.status(0)).toHaveText('Image 4 of 12');
  await viewer.page.keyboard.press('PageDown');
  await expect(viewer.status(0)).toHaveText('Image 12 of 12');
  await viewer.page.keyboard.press('Home');
  await expect(viewer.status(0)).toHaveText('Image 1 of 12');

  await expect(viewer.slider(0)).toHaveAttribute('aria-valuetext', 'Image 1 of 12');
  await viewer.slider(0).focus();
  await viewer.page.keyboard.press('End');
  await expect(viewer.status(0)).toHaveText('Image 12 of 12');
  await expect(viewer.slider(0)).toHaveAttribute('aria-valuetext', 'Image 12 of 12');
});

test('window/level changes with a CT preset and by dragging', async ({ viewer, studies }) => {
  await viewer.open(studies.ct);
  await expect(viewer.windowText(0)).toHaveText('W 80 L 40'); // the series' own window
  const brain = await viewer.canvasStats(0);

  await viewer.afterRender(0, () => viewer.choosePreset(/^Bone \(W 2000, L 300\)$/));
  await expect(viewer.windowText(0)).toHaveText('W 2000 L 300');
  const bone = await viewer.canvasStats(0);
  expect(bone.levels).toBeGreaterThan(brain.levels); // a wide window shows more grey levels

  await expect(viewer.button('Window/level')).toHaveAttribute('aria-pressed', 'true');
  await viewer.afterRender(0, () => viewer.drag(0, [0.5, 0.5], [0.7, 0.3]));
  await expect(viewer.windowText(0)).not.toHaveText('W 2000 L 300');
});

test('measurements: a length in millimetres from the pixel spacing, regions with mean and SD in HU, an angle in degrees', async ({ viewer, studies }) => {
  await viewer.open(studies.ct);
  // Inverted, the image (0.451 mm pixels, 512 wide: 231 mm) shows as a light square on the black
  // viewport: its width on screen gives millimetres per screen pixel.
  await viewer.afterRender(0, () => viewer.button('Invert').click());
  const { litBox } = await viewer.canvasStats(0);
  const mmPerPixel = (512 * 0.451171875) / (litBox.right - litBox.left);
  const box = (await viewer.viewport(0).boundingBox())!;
  await viewer.button('Length').click();
  await expect(viewer.button('Length')).toHaveAttribute('aria-pressed', 'true');
  await viewer.drag(0, [0.3, 0.5], [0.7, 0.5]);
  const length = viewer.measurements.getByRole('listitem').filter({ hasText: 'Length 1' });
  const expected = 0.4 * box.width * mmPerPixel;
  // The value settles once the tool has computed it for the final handle position.
  await expect
    .poll(async () => Math.abs(Number(/Length ([\d,]+\.\d) mm/.exec((await length.textContent()) ?? '')?.[1]?.replace(',', '')) / expected - 1))
    .toBeLessThan(0.02);

  // Points on the image itself (its fractions), wherever the viewport's shape put it on the screen.
  const at = (x: number, y: number) => [box.x + litBox.left + x * (litBox.right - litBox.left), box.y + litBox.top + y * (litBox.bottom - litBox.top)] as const;
  const dragOnImage = async (from: [number, number], to: [number, number]) => {
    await viewer.page.mouse.move(...at(...from));
    await viewer.page.mouse.down();
    await viewer.page.mouse.move(...at(...to), { steps: 8 });
    await viewer.page.mouse.up();
  };
  const number = async (item: typeof length, pattern: RegExp) => Number(pattern.exec((await item.textContent()) ?? '')?.[1]?.replace(',', ''));

  // Air in the corner of the CT: stored values near 22, shown in HU through the modality LUT
  // (rescale intercept -1024): about -1003 HU with little noise.
  await viewer.button('Elliptical region').click();
  await dragOnImage([0.08, 0.08], [0.15, 0.15]);
  const ellipse = viewer.measurements.getByRole('listitem').filter({ hasText: 'Elliptical region 2' });
  await expect(ellipse).toContainText(/Mean -?[\d,]+\.\d HU, SD [\d,]+\.\d HU, Area [\d,]+\.\d mm²/);
  await expect.poll(() => number(ellipse, /Mean (-?[\d,]+\.\d) HU/)).toBeGreaterThan(-1012);
  expect(await number(ellipse, /Mean (-?[\d,]+\.\d) HU/)).toBeLessThan(-994);
  expect(await number(ellipse, /SD ([\d,]+\.\d) HU/)).toBeLessThan(5);

  await viewer.button('Rectangular region').click();
  await dragOnImage([0.85, 0.08], [0.92, 0.15]);
  const rectangle = viewer.measurements.getByRole('listitem').filter({ hasText: 'Rectangular region 3' });
  await expect(rectangle).toContainText(/Mean -?[\d,]+\.\d HU/);
  await expect.poll(() => number(rectangle, /Mean (-?[\d,]+\.\d) HU/)).toBeLessThan(-980);

  // A right angle, drawn by three clicks.
  await viewer.button('Angle').click();
  for (const [x, y] of [[0.3, 0.3], [0.5, 0.3], [0.5, 0.5]] as const) await viewer.page.mouse.click(...at(x, y));
  const angle = viewer.measurements.getByRole('listitem').filter({ hasText: 'Angle 4' });
  await expect.poll(() => number(angle, /Angle ([\d.]+)°/)).toBeCloseTo(90, 0);

  await ellipse.getByRole('button', { name: 'Delete Elliptical region 2' }).click();
  await expect(viewer.measurements.getByRole('listitem')).toHaveCount(3);
});

test('zoom, rotation, flips, invert and reset change what is shown', async ({ viewer, studies }) => {
  await viewer.open(studies.ct);
  const original = await viewer.canvasStats(0);

  await viewer.afterRender(0, () => viewer.button('Invert').click());
  await expect(viewer.button('Invert')).toHaveAttribute('aria-pressed', 'true');
  expect((await viewer.canvasStats(0)).mean).toBeGreaterThan(original.mean + 50);

  await viewer.button('Zoom').click();
  await viewer.afterRender(0, () => viewer.drag(0, [0.5, 0.5], [0.5, 0.2]));
  await expect(viewer.pane(0).getByText(/^Zoom (\d+\.\d+)×$/)).not.toHaveText('Zoom 1.00×');

  await viewer.button('Flip horizontally').click();
  await expect(viewer.button('Flip horizontally')).toHaveAttribute('aria-pressed', 'true');
  await viewer.button('Flip vertically').click();
  await expect(viewer.button('Flip vertically')).toHaveAttribute('aria-pressed', 'true');
  await viewer.afterRender(0, () => viewer.button('Rotate 90° right').click());
  // A one-shot action is a plain button, not a toggle.
  await expect(viewer.button('Rotate 90° right')).not.toHaveAttribute('aria-pressed');

  await viewer.afterRender(0, () => viewer.button('Reset view').click());
  await expect(viewer.button('Invert')).toHaveAttribute('aria-pressed', 'false');
  await expect(viewer.button('Flip horizontally')).toHaveAttribute('aria-pressed', 'false');
  await expect(viewer.pane(0).getByText('Zoom 1.00×')).toBeVisible();
  await expect.poll(async () => (await viewer.canvasStats(0)).mean).toBeCloseTo(original.mean, 0);
});

test('an arrow annotation keeps the text the user types', async ({ page, viewer, studies }) => {
  await viewer.open(studies.ct);
  await viewer.button('Arrow annotation').click();
  await viewer.drag(0, [0.4, 0.4], [0.55, 0.55]);
  const dialog = page.getByRole('dialog', { name: 'Annotation' });
  await dialog.getByRole('textbox', { name: 'Annotation text' }).fill('Calcification?');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(viewer.measurements.getByRole('listitem').filter({ hasText: 'Arrow annotation 1' })).toContainText('Calcification?');
  await expect(viewer.viewport(0).getByText('Calcification?')).toBeVisible();
});

test('cine plays a multi-frame run at the frame rate the user sets, and pauses', async ({ viewer, studies }) => {
  const xa = studies.syntaxes.series.find((s) => s.description.startsWith('xa_'))!;
  await viewer.open(studies.syntaxes.studyInstanceUid);
  await viewer.afterRender(0, () => viewer.seriesButton(new RegExp(`^Series ${xa.seriesNumber}: `)).click());
  await expect(viewer.status(0)).toHaveText('Image 1 of 96');

  await viewer.toolbar.getByRole('spinbutton', { name: 'Frame rate (frames per second)' }).fill('30');
  await viewer.button('Play cine').click();
  await expect(viewer.button('Pause cine')).toBeVisible();
  await expect(viewer.status(0)).not.toHaveText('Image 1 of 96');
  await expect.poll(async () => Number(/Image (\d+)/.exec((await viewer.status(0).textContent()) ?? '')?.[1])).toBeGreaterThan(10);

  await viewer.button('Pause cine').click();
  await expect(viewer.button('Play cine')).toBeVisible();
  // Paused, the image stays put between two renders the user causes (playing, it would have moved on).
  await viewer.afterRender(0, () => viewer.button('Invert').click());
  const stoppedAt = await viewer.status(0).textContent();
  await viewer.afterRender(0, () => viewer.button('Invert').click());
  await expect(viewer.status(0)).toHaveText(stoppedAt!);
});

test('side-by-side layouts, with scrolling synchronised when asked', async ({ viewer, studies }) => {
  await viewer.open(studies.ct);
  await viewer.button('Layout 1 by 2').click();
  await expect(viewer.button('Layout 1 by 2')).toHaveAttribute('aria-pressed', 'true');
  await viewer.waitForRender(1);
  await expect(viewer.status(1)).toHaveText('Image 1 of 12');

  await viewer.wheel(0, 3);
  await expect(viewer.status(0)).toHaveText('Image 4 of 12');
  await expect(viewer.status(1)).toHaveText('Image 1 of 12');

  await viewer.button('Synchronise scrolling').click();
  await expect(viewer.button('Synchronise scrolling')).toHaveAttribute('aria-pressed', 'true');
  await viewer.wheel(0, 2);
  await expect(viewer.status(0)).toHaveText('Image 6 of 12');
  await expect(viewer.status(1)).toHaveText('Image 6 of 12'); // same series, same position
  await viewer.wheel(1, -4);
  await expect(viewer.status(0)).toHaveText('Image 2 of 12');

  await viewer.button('Layout 2 by 2').click();
  for (const i of [0, 1, 2, 3]) await viewer.waitForRender(i);
  await viewer.button('Layout 1 by 1').click();
  await expect(viewer.pane(1)).toHaveCount(0);
  await expect(viewer.status(0)).toHaveText('Image 2 of 12');
});

test('MPR shows the volume as axial, sagittal and coronal planes', async ({ viewer, studies, volumeStudy }) => {
  test.setTimeout(180_000);
  void studies;
  await viewer.open(volumeStudy.studyInstanceUid);
  await expect(viewer.status(0)).toHaveText(`Image 1 of ${volumeStudy.slices}`);
  await viewer.button('MPR (axial, sagittal, coronal)').click();
  await expect(viewer.button('MPR (axial, sagittal, coronal)')).toHaveAttribute('aria-pressed', 'true');
  for (const [i, plane] of ['Axial', 'Sagittal', 'Coronal'].entries()) {
    await expect(viewer.pane(i).getByText(plane, { exact: true })).toBeVisible();
    await viewer.waitForRender(i);
    await expect.poll(async () => (await viewer.canvasStats(i)).litFraction, { timeout: 60_000, message: `${plane} plane shows the volume` }).toBeGreaterThan(0.02);
  }
  // Each plane opens through the middle of the volume and steps through its own slices.
  const [at, of] = (/^Image (\d+) of (\d+)$/.exec((await viewer.status(1).textContent()) ?? '') ?? []).slice(1).map(Number);
  expect(Math.abs(at! - of! / 2)).toBeLessThan(2);
  await viewer.viewport(1).focus();
  await viewer.page.keyboard.press('PageDown');
  await expect(viewer.status(1)).toHaveText(`Image ${at! + 10} of ${of}`);

  await viewer.button('MPR (axial, sagittal, coronal)').click();
  await expect(viewer.pane(1)).toHaveCount(0);
  await expect(viewer.status(0)).toHaveText(`Image 1 of ${volumeStudy.slices}`);
});

test('the tag browser lists every attribute of the image, nested sequences included, and searches them', async ({ viewer, studies }) => {
  await viewer.open(studies.ct);
  await viewer.wheel(0, 2);
  await expect(viewer.status(0)).toHaveText('Image 3 of 12');
  await viewer.button('DICOM tags').click();
  await expect(viewer.tagDialog).toHaveAccessibleName('DICOM tags — Image 3 of 12');
  const table = viewer.tagDialog.getByRole('table', { name: 'DICOM attributes' });
  await expect(table.getByRole('row', { name: /\(0010,0010\) Patient's Name PN HEAD/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /\(0020,0013\) Instance Number IS 3/ })).toBeVisible();

  const search = viewer.tagDialog.getByRole('searchbox', { name: 'Search tags' });
  await search.fill('PatientName');
  await expect(table.getByRole('row')).toHaveCount(2); // header + the match

  // Nested: each Referenced SOP Instance UID shows under its sequence and item.
  await search.fill('Referenced SOP Instance UID');
  await expect(table.getByRole('row', { name: /Referenced Image Sequence SQ 1 item/ })).toBeVisible();
  await expect(table.getByRole('row', { name: /Item 1\s*$/ })).toHaveCount(2);
  await search.fill('');
  await table.getByRole('button', { name: 'Collapse Referenced Image Sequence' }).click();
  await expect(table.getByRole('button', { name: 'Expand Referenced Image Sequence' })).toHaveAttribute('aria-expanded', 'false');
  await expect(table.getByRole('row', { name: /Item 1\s*$/ })).toHaveCount(1);
});

test('a link to the view opens the study exactly as it was shown, in another browser', async ({ browser, page, viewer, studies, server, codeFor }) => {
  await viewer.open(studies.ct);
  await viewer.wheel(0, 6);
  await expect(viewer.status(0)).toHaveText('Image 7 of 12');
  await viewer.choosePreset(/^Soft tissue/);
  await viewer.button('Invert').click();
  await viewer.button('Rotate 90° right').click();
  await viewer.button('Length').click();
  await viewer.drag(0, [0.35, 0.4], [0.65, 0.6]);
  await expect(viewer.measurements.getByRole('listitem').first()).toContainText(/Length [\d,.]+ mm/);
  await viewer.button('Link to this view').click();
  const link = await page.getByRole('textbox', { name: 'Link' }).inputValue();
  expect(link).toContain(`/imaging/studies/${studies.ct}?view=`);
  const before = await viewer.canvasStats(0);

  const other = await browser.newContext({ baseURL: server.url, viewport: page.viewportSize() });
  const otherPage = await other.newPage();
  const { SignInPage } = await import('./pages/sign-in-page.ts');
  const { ViewerPage } = await import('./pages/viewer-page.ts');
  const second = new ViewerPage(otherPage, new SignInPage(otherPage), codeFor);
  await otherPage.goto(link);
  await second.signInAs('jana.novak');
  await second.waitForRender(0);
  await expect(second.status(0)).toHaveText('Image 7 of 12');
  await expect(second.windowText(0)).toHaveText('W 400 L 40');
  await expect(second.button('Invert')).toHaveAttribute('aria-pressed', 'true');
  const measured = (await viewer.measurements.getByRole('listitem').first().textContent())!;
  await expect(second.measurements.getByRole('listitem').first()).toHaveText(measured);
  await expect.poll(async () => (await second.canvasStats(0)).mean).toBeCloseTo(before.mean, 0);
  await other.close();
});

test('leaving the viewer and coming back works, and nothing was stored in the browser', async ({ page, viewer, studies }) => {
  await viewer.open(studies.ct);
  await viewer.wheel(0, 11);
  await expect(viewer.status(0)).toHaveText('Image 12 of 12');
  await viewer.button('DICOM tags').click();
  await expect(viewer.tagDialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(viewer.tagDialog).toHaveCount(0);

  await page.getByRole('link', { name: 'Home' }).click();
  await expect(page.getByRole('heading', { name: /^Welcome/ })).toBeVisible();
  await expect(viewer.viewport(0)).toHaveCount(0);
  await page.goBack();
  await viewer.waitForRender(0);
  await expect(viewer.status(0)).toHaveText('Image 1 of 12');

  const stored = await page.evaluate(async () => ({
    indexedDb: (await indexedDB.databases()).map((d) => d.name),
    cacheStorage: await caches.keys(),
    serviceWorkers: (await navigator.serviceWorker.getRegistrations()).length,
  }));
  expect(stored).toEqual({ indexedDb: [], cacheStorage: [], serviceWorkers: 0 });
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the viewer, its menus and dialogs pass axe's WCAG 2.1 A/AA checks (${scheme} theme)`, async ({ page, viewer, studies }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await viewer.open(studies.ct);
    await viewer.button('Length').click();
    await viewer.drag(0, [0.3, 0.5], [0.6, 0.5]);
    await expect(viewer.measurements.getByRole('listitem')).toHaveCount(1);
    expect(await axeViolations(page)).toEqual([]);

    await viewer.button('Window presets').click();
    await expect(page.getByRole('menuitem').first()).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    await viewer.button('DICOM tags').click();
    await expect(viewer.tagDialog.getByRole('table')).toBeVisible();
    expect(await axeViolations(page)).toEqual([]);
  });
}


test('an image the server cannot deliver is reported in its viewport, and the next one still shows', async ({ page, viewer, studies }) => {
  const broken = sopInstanceUidOf(fixture('ct-series/IM0002.dcm'));
  // The server's answer for this one frame is replaced by a storage failure.
  await page.route(`**/instances/${broken}/frames/1`, (route) => route.fulfill({ status: 500, body: 'storage failure' }));
  await viewer.open(studies.ct);
  await viewer.viewport(0).focus();
  await page.keyboard.press('ArrowDown');
  await expect(viewer.pane(0).getByRole('alert')).toHaveText('This image could not be loaded or decoded.');
  await page.keyboard.press('ArrowDown');
  await expect(viewer.status(0)).toHaveText('Image 3 of 12');
  await expect(viewer.pane(0).getByRole('alert')).toHaveCount(0);
});

test('a study that does not exist, and a damaged view link, are explained', async ({ page, viewer, studies, signInPage, codeFor }) => {
  await page.goto('/imaging/studies/1.2.3.4.5.6.7');
  await signInPage.heading.waitFor();
  await signInPage.signIn('claire.martin', demoPassword, await codeFor('claire.martin'));
  await expect(page.getByRole('alert')).toHaveText('This study was not found, or you do not have access to it.');

  await page.goto(`/imaging/studies/${studies.ct}?view=bm90LWEtc3RhdGU`);
  await viewer.signInAs('jana.novak');
  await expect(page.getByRole('status').filter({ hasText: 'could not be restored' })).toBeVisible();
  await expect(viewer.status(0)).toHaveText('Image 1 of 12');
});

test('a reading session outlives the access token: images keep loading with a renewed one', async ({ page, viewer, studies, clock }) => {
  await page.clock.install();
  const { studyInstanceUid, series } = studies.syntaxes;
  await viewer.open(studyInstanceUid);
  // Past the access token's lifetime (5 minutes), for server and browser, before the workstation locks (10).
  clock.advance(6 * 60_000);
  await page.clock.fastForward('06:00');
  const xa = series.find((s) => s.description.startsWith('xa_'))!;
  // (Requests already under way when the clocks jump may be refused; the series opened after must not be.)
  const denied: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 401 && response.url().includes(xa.seriesInstanceUid)) denied.push(response.url());
  });
  await viewer.seriesButton(new RegExp(`^Series ${xa.seriesNumber}: `)).click();
  await expect.poll(() => viewer.imageSize(0)).toEqual({ rows: 512, columns: 512 });
  await expect(viewer.status(0)).toHaveText('Image 1 of 96');
  await expect(viewer.pane(0).getByRole('alert')).toHaveCount(0);
  expect(denied).toEqual([]);
});
