// How `npm start` opens the workstation: Electron where it is installed; otherwise a browser window
// (Chromium's app mode) on the server's own copy of the renderer; otherwise just the address.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export type ClientChoice =
  | { kind: 'electron'; executable: string }
  | { kind: 'browser'; executable: string; why: string }
  | { kind: 'address'; why: string };

export interface Environment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  exists(path: string): boolean;
}

/** Asks the electron package for its binary in a child process: the package may try to download it. */
export function findElectron(appDir: string): { executable: string } | { problem: string } {
  const script = "try { process.stderr.write('\\nELECTRON=' + require('electron') + '\\n') } catch (e) { process.stderr.write('\\nNOELECTRON=' + e.message + '\\n') }";
  const result = spawnSync(process.execPath, ['-e', script], { cwd: appDir, encoding: 'utf8', timeout: 120_000 });
  const lines = `${result.stderr ?? ''}`.split('\n');
  const found = lines.find((line) => line.startsWith('ELECTRON='))?.slice('ELECTRON='.length);
  if (found && existsSync(found)) return { executable: found };
  const problem = lines.find((line) => line.startsWith('NOELECTRON='))?.slice('NOELECTRON='.length);
  return { problem: problem ?? 'the electron package gave no executable' };
}

const browserCandidates: Partial<Record<NodeJS.Platform, string[]>> = {
  linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/usr/bin/microsoft-edge'],
  darwin: ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge'],
  win32: ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe'],
};

export function findBrowser(environment: Environment): string | undefined {
  const candidates = [environment.env.CHROMIUM_PATH, ...(browserCandidates[environment.platform] ?? [])];
  return candidates.find((path): path is string => Boolean(path) && environment.exists(path as string));
}

function hasDisplay(environment: Environment): boolean {
  if (environment.platform !== 'linux') return true;
  return Boolean(environment.env.DISPLAY || environment.env.WAYLAND_DISPLAY);
}

/** Picks how to show the workstation, and says why when it cannot be Electron. */
export function chooseClient(electron: ReturnType<typeof findElectron>, environment: Environment): ClientChoice {
  if ('executable' in electron) return { kind: 'electron', executable: electron.executable };
  const problem = /failed to install/i.test(electron.problem)
    ? 'its binary is not installed and could not be downloaded'
    : electron.problem.split('\n')[0];
  const why = `Electron is not available (${problem})`;
  if (!hasDisplay(environment)) return { kind: 'address', why: `${why}, and there is no display to open a browser on` };
  const browser = findBrowser(environment);
  if (!browser) return { kind: 'address', why: `${why}, and no Chromium, Chrome or Edge was found (set CHROMIUM_PATH)` };
  return { kind: 'browser', executable: browser, why };
}

/** Chromium in app mode with a throw-away profile, so nothing of the session stays on disk. */
export function browserArgs(url: string, profileDir: string): string[] {
  return [
    `--app=${url}`,
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}
