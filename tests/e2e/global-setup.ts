// Checks what the end-to-end tests need before any starts, and says how to fix what is missing.
import { existsSync } from 'node:fs';
import { missingChromiumAdvice } from './chromium.ts';
import { rendererDir } from './fixtures.ts';

export default function globalSetup(): void {
  const advice = missingChromiumAdvice();
  if (advice) throw new Error(advice);
  if (!existsSync(`${rendererDir}/index.html`)) {
    throw new Error(`The renderer is not built (${rendererDir}/index.html is missing). Run \`npm run build\` first.`);
  }
}
