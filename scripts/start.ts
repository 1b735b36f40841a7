// `npm start`: the central server with an embedded demo (in memory, training mode, demo accounts)
// and the workstation opened on it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from '../server/config.ts';
import { runServer } from '../server/run.ts';
import { browserArgs, chooseClient, findElectron } from './launch.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));

async function main(): Promise<void> {
  const rendererDir = join(appDir, 'out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) throw new ConfigError('The workstation is not built: run `npm run build` (npm start does it for you).');
  const config = loadConfig({ CONSILIUM_LOG_LEVEL: 'warn', ...process.env, CONSILIUM_RENDERER_DIR: rendererDir }, ['--demo']);
  const server = await runServer(config);
  console.log(`Consilium demo server: ${server.url} — TRAINING MODE, synthetic data only, nothing is saved.`);
  console.log('Demo accounts and their current one-time codes are listed on the sign-in page.');

  const choice = chooseClient(findElectron(appDir), { platform: process.platform, env: process.env, exists: existsSync });
  const stopWith = (code: number) => () => void server.close().finally(() => process.exit(code));

  if (choice.kind === 'electron') {
    console.log('Opening the Consilium desktop client (Electron).');
    const child = spawn(choice.executable, [appDir], { stdio: 'inherit', env: { ...process.env, CONSILIUM_SERVER_URL: server.url } });
    child.on('exit', stopWith(0));
    return;
  }
  console.log(`${choice.why}.`);
  if (choice.kind === 'browser') {
    const profile = await mkdtemp(join(tmpdir(), 'consilium-browser-'));
    console.log(`Opening the workstation in ${choice.executable} instead. Address: ${server.url}`);
    const child = spawn(choice.executable, browserArgs(server.url, profile), { stdio: 'ignore' });
    child.on('exit', (code) => {
      void rm(profile, { recursive: true, force: true });
      if (code === 0) return stopWith(0)();
      console.log(`The browser stopped (exit code ${code}). The server keeps running: open ${server.url} yourself, or stop with Ctrl+C.`);
    });
    return;
  }
  console.log(`Open ${server.url} in Chromium, Chrome, Edge or Firefox to use the workstation. Stop with Ctrl+C.`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
