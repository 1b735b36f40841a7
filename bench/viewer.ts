// The viewer in headless Chromium (production build, SwiftShader WebGL): time to the first image of
// a study and per-slice scroll time, for the CT series and the shared 160-slice MR series, with the
// same viewer loading from Orthanc's DICOMweb (the baseline) and from the Consilium server's own.
// The browser reaches both through one loopback proxy (bench/viewer/proxy.ts), so both pay the same hop.
// Consilium runs durable, as in a hospital: images encrypted on disk, the index journaled.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { loadConfig } from '../server/config.ts';
import { systemClock } from '../server/clock.ts';
import { demoPassword, seedDemoAccounts } from '../server/demo/accounts.ts';
import { argon2Hasher } from '../server/identity/passwords.ts';
import { totpCode } from '../server/identity/totp.ts';
import { type RunningServer, startServer } from '../server/server.ts';
import { chromiumArgs, chromiumPath, missingChromiumAdvice } from '../tests/e2e/chromium.ts';
import { rendererDir } from '../tests/e2e/fixtures.ts';
import { missingOrthancAdvice, startOrthanc } from '../tests/e2e/orthanc.ts';
import { fixture, fixtureFolder, studyUidOf, withAttributes } from '../tests/e2e/viewer-studies.ts';
import { enrolAs, enrolment } from '../tests/fixtures/enrol.ts';
import { largeSeriesDir } from '../tests/fixtures/shared-data.ts';
import { printSideBySide, type Summary, summarize } from './stats.ts';
import { startProxy } from './viewer/proxy.ts';

/** Median per-slice scroll time the viewer aims at (one display frame). */
const goalMs = 16;

interface Dataset {
  readonly name: string;
  readonly studyInstanceUid: string;
  readonly slices: number;
  readonly files: Buffer[];
}

interface Row {
  firstImage: number[];
  scrollLoading: number[];
  scrollLoaded: number[];
}

function datasets(): Dataset[] {
  const ct = fixtureFolder('ct-series').map(fixture);
  const list: Dataset[] = [{ name: 'CT series (12 slices, 512 x 512, tests/fixtures)', studyInstanceUid: studyUidOf(ct[0]!), slices: ct.length, files: ct }];
  const large = largeSeriesDir();
  if (large) {
    const files = readdirSync(large).filter((f) => f.endsWith('.dcm')).map((f) => readFileSync(`${large}/${f}`));
    list.push({ name: 'MR series (160 slices, 512 x 460, ../shared large-series)', studyInstanceUid: studyUidOf(files[0]!), slices: files.length, files });
  } else {
    console.log('viewer: ../shared/dicom/large-series is not here; measuring the CT series only.');
  }
  return list;
}

/** A signed-in access token of a demo user, for the benchmark's own DICOMweb calls. */
async function token(server: RunningServer): Promise<string> {
  const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' }, select: { totpSecret: true } });
  const pair = await server.services.identity.signIn({ username: 'claire.martin', password: demoPassword, code: totpCode(user.totpSecret, new Date()) }, 'bench');
  return pair.accessToken;
}

/**
 * Stores the datasets on the Consilium server by STOW-RS into a patient claire.martin enrols, as the
 * workstation's import leaves them (PatientID the pseudonymous id, Patient Identity Removed = YES).
 * Returns why not when storing fails.
 */
async function loadIntoConsilium(server: RunningServer, bearer: string, sets: readonly Dataset[]): Promise<string | undefined> {
  const { id: userId } = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' }, select: { id: true } });
  const patient = await enrolAs(server, userId, enrolment('ERKNet'));
  const { pseudonymousId } = await server.db.prisma.patient.findUniqueOrThrow({ where: { id: patient.id }, select: { pseudonymousId: true } });
  for (const set of sets) {
    const boundary = `bench-${Date.now().toString(36)}`;
    const parts = set.files.flatMap((file) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), withAttributes(file, { '00100020': pseudonymousId, '00120062': 'YES' }), Buffer.from('\r\n')]);
    const response = await fetch(`${server.url}/dicom-web/studies`, {
      method: 'POST',
      headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}`, accept: 'application/dicom+json', authorization: `Bearer ${bearer}` },
      body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]),
    });
    if (response.status !== 200) return `STOW-RS of ${set.name} to the Consilium server failed: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`;
  }
  return undefined;
}

/** Navigates inside the app (no reload: the session lives in the page) to `path`. */
async function navigate(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    history.pushState(history.state, '', to);
    dispatchEvent(new PopStateEvent('popstate', { state: history.state }));
  }, path);
}

/** Opens a study and returns the milliseconds until its first image is on the screen. */
async function timeToFirstImage(page: Page, studyInstanceUid: string): Promise<number> {
  const start = await page.evaluate(() => performance.now());
  await navigate(page, `/imaging/studies/${studyInstanceUid}`);
  return page.evaluate(async (t0) => {
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        const element = document.querySelector('[data-testid="viewport-0"]');
        if (element && Number(element.getAttribute('data-render-count')) >= 1 && element.getAttribute('data-rows')) resolve();
        else if (document.querySelector('.viewer [role="alert"]')) reject(new Error(document.querySelector('.viewer [role="alert"]')!.textContent ?? 'viewer error'));
        else if (performance.now() - t0 > 120_000) reject(new Error('no image within 2 minutes'));
        else requestAnimationFrame(check);
      };
      check();
    });
    return performance.now() - t0;
  }, start);
}

/** Steps through the stack with the keyboard; milliseconds from each key press to the new image on screen. */
async function scrollTimes(page: Page, key: 'ArrowDown' | 'ArrowUp', steps: number): Promise<number[]> {
  return page.evaluate(
    async ({ key, steps }) => {
      const element = document.querySelector<HTMLElement>('[data-testid="viewport-0"]')!;
      const times: number[] = [];
      for (let i = 0; i < steps; i++) {
        const before = element.getAttribute('data-image-index');
        const shown = new Promise<void>((resolve) => {
          const observer = new MutationObserver(() => {
            if (element.getAttribute('data-image-index') === before) return;
            observer.disconnect();
            resolve();
          });
          observer.observe(element, { attributes: true, attributeFilter: ['data-image-index'] });
        });
        const start = performance.now();
        element.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
        await shown;
        times.push(performance.now() - start);
      }
      return times;
    },
    { key, steps },
  );
}

async function measureSource(page: Page, set: Dataset, runs: number): Promise<Row> {
  const row: Row = { firstImage: [], scrollLoading: [], scrollLoaded: [] };
  // One run to warm up (code, shaders, connections), then the measured ones; each starts cold:
  // leaving the viewer empties its image cache.
  for (let run = 0; run <= runs; run++) {
    const first = await timeToFirstImage(page, set.studyInstanceUid);
    const loading = await scrollTimes(page, 'ArrowDown', set.slices - 1);
    const loaded = await scrollTimes(page, 'ArrowUp', set.slices - 1);
    if (run > 0) {
      row.firstImage.push(first);
      row.scrollLoading.push(...loading);
      row.scrollLoaded.push(...loaded);
    }
    await navigate(page, '/');
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();
  }
  return row;
}

function report(set: Dataset, runs: number, baseline: Row, consilium: Row | string): void {
  const metrics: [string, keyof Row][] = [
    ['time to first image', 'firstImage'],
    ['scroll per slice, right after opening (loading)', 'scrollLoading'],
    ['scroll per slice, series loaded', 'scrollLoaded'],
  ];
  for (const [title, key] of metrics) {
    const rows: Summary[] = [summarize('Orthanc DICOMweb (baseline)', baseline[key])];
    if (typeof consilium !== 'string') rows.push(summarize('Consilium DICOMweb', consilium[key]));
    printSideBySide(`viewer — ${set.name}: ${title} (${runs} runs)`, rows);
  }
  if (typeof consilium === 'string') console.log(`Consilium DICOMweb: not measured — ${consilium}.`);
  const goal = (name: string, row: Row) => {
    const loaded = summarize('', row.scrollLoaded).p50;
    return `${name} row ${loaded.toFixed(1)} ms: ${loaded <= goalMs ? 'met' : 'missed'}`;
  };
  console.log(`goal: median scroll ≤ ${goalMs} ms per slice, series loaded — ${goal('Orthanc', baseline)}${typeof consilium === 'string' ? '' : `; ${goal('Consilium', consilium)}`}`);
}

export async function benchViewer(runs: number): Promise<void> {
  const missing = missingChromiumAdvice() ?? missingOrthancAdvice() ?? (existsSync(`${rendererDir}/index.html`) ? undefined : 'The renderer is not built: run `npm run build` first.');
  if (missing) {
    console.log(`viewer: skipped.\n${missing}`);
    return;
  }
  const sets = datasets();
  // Rendering is software (SwiftShader) and shares the CPU with everything else: say how busy it was.
  console.log(`viewer: ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  const dataDir = await mkdtemp(join(tmpdir(), 'consilium-bench-viewer-'));
  const server = await startServer(
    loadConfig({ CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'silent', CONSILIUM_RENDERER_DIR: rendererDir, CONSILIUM_ACCESS_TOKEN_SECONDS: '3600', CONSILIUM_DATA_DIR: join(dataDir, 'data'), CONSILIUM_DATA_KEY: randomBytes(32).toString('base64') }, []),
  );
  // The demo hospitals' accounts, without training mode: claire.martin stores and reads the studies.
  await seedDemoAccounts(server.db.prisma, argon2Hasher, systemClock);
  const orthanc = await startOrthanc();
  const proxy = await startProxy(server.url);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  try {
    for (const set of sets) await orthanc.store(set.files);
    const consiliumProblem = await loadIntoConsilium(server, await token(server), sets);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    // tsx keeps function names with a `__name` helper that functions sent to the page would lack.
    await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    await page.goto(`${proxy.url}/`);
    const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username: 'claire.martin' }, select: { totpSecret: true } });
    await page.getByRole('textbox', { name: 'Username' }).fill('claire.martin');
    await page.getByLabel('Password', { exact: true }).fill(demoPassword);
    // The benchmark's own sign-in (for STOW) used this step's code; a code works once: the next step's.
    await page.getByRole('textbox', { name: 'One-time code' }).fill(totpCode(user.totpSecret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /^Welcome/ }).waitFor();

    for (const set of sets) {
      proxy.setDicomWeb(orthanc.dicomWebUrl);
      const baseline = await measureSource(page, set, runs);
      let consilium: Row | string = consiliumProblem ?? '';
      if (!consiliumProblem) {
        proxy.setDicomWeb(`${server.url}/dicom-web`);
        consilium = await measureSource(page, set, runs);
      }
      report(set, runs, baseline, consilium);
    }
  } finally {
    await browser.close();
    await proxy.close();
    await orthanc.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}
