// Test fixtures: a fresh real server per test (in-memory, demo data, serving the built renderer),
// its clock that tests may move forward, and the current one-time code of any user.
import { fileURLToPath } from 'node:url';
import { expect, test as base } from '@playwright/test';
import { loadConfig } from '../../server/config.ts';
import { totpCode } from '../../server/identity/totp.ts';
import { type RunningServer, startServer } from '../../server/server.ts';
import { SignInPage } from './pages/sign-in-page.ts';
import { Shell } from './pages/shell.ts';

export const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));

/** Real time plus an offset that tests move forward, to expire sessions without waiting. */
export class SteppingClock {
  #offsetMs = 0;
  now = (): Date => new Date(Date.now() + this.#offsetMs);
  advance(ms: number): void {
    this.#offsetMs += ms;
  }
}

interface Fixtures {
  clock: SteppingClock;
  server: RunningServer;
  /** The current one-time code of a user, as their authenticator app would show it. */
  codeFor: (username: string) => Promise<string>;
  signInPage: SignInPage;
  shell: Shell;
  /** Resolves once the page has no API call in flight (e.g. before moving the server's clock). */
  apiIdle: () => Promise<void>;
}

export const test = base.extend<Fixtures>({
  clock: async ({}, use) => {
    await use(new SteppingClock());
  },
  server: async ({ clock }, use) => {
    const config = loadConfig(
      { CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'warn', CONSILIUM_RENDERER_DIR: rendererDir },
      ['--demo'],
    );
    const server = await startServer(config, { clock });
    await use(server);
    await server.close();
  },
  baseURL: async ({ server }, use) => {
    await use(server.url);
  },
  codeFor: async ({ server, clock }, use) => {
    await use(async (username) => {
      const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username }, select: { totpSecret: true } });
      return totpCode(user.totpSecret, clock.now());
    });
  },
  page: async ({ page }, use) => {
    // A page that breaks its Content-Security-Policy or throws is a failure even if it looks right.
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
    });
    await use(page);
    expect(problems, 'errors in the page').toEqual([]);
  },
  apiIdle: async ({ page }, use) => {
    let inFlight = 0;
    const isApi = (url: string) => new URL(url).pathname.startsWith('/trpc/');
    page.on('request', (request) => {
      if (isApi(request.url())) inFlight++;
    });
    const done = (request: { url(): string }) => {
      if (isApi(request.url())) inFlight--;
    };
    page.on('requestfinished', done);
    page.on('requestfailed', done);
    await use(async () => {
      // Twice in a row, so a call started right after one finished is waited for too.
      await expect.poll(() => inFlight, { intervals: [100] }).toBe(0);
      await page.waitForTimeout(200);
      await expect.poll(() => inFlight, { intervals: [100] }).toBe(0);
    });
  },
  signInPage: async ({ page }, use) => {
    await use(new SignInPage(page));
  },
  shell: async ({ page }, use) => {
    await use(new Shell(page));
  },
});

export { expect };
