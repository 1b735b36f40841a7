// Checks what the end-to-end tests need before any starts, and says how to fix what is missing.
import { existsSync } from 'node:fs';
import { missingChromiumAdvice } from './chromium.ts';
import { rendererDir } from './fixtures.ts';

/** Stops the run with advice, without a stack trace that would bury it. */
function stop(advice: string): never {
  console.error(`\n${advice}\n`);
  process.exit(1);
}

export default function globalSetup(): void {
  const advice = missingChromiumAdvice();
  if (advice) stop(advice);
  if (!existsSync(`${rendererDir}/index.html`)) {
    stop(`The renderer is not built (${rendererDir}/index.html is missing). Run \`npm run build\` first.`);
  }
}
