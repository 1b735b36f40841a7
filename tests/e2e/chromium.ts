// Which Chromium the end-to-end tests drive, and the flags that keep it quiet on a closed network.
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  // WebGL 2 for the image viewer (cornerstone3d) without a GPU: SwiftShader, asked for explicitly.
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
];

/** Explains how to get Chromium when it is missing, instead of a stack trace from the launcher. */
export function missingChromiumAdvice(path = chromiumPath): string | undefined {
  if (existsSync(path)) return undefined;
  return [
    `Chromium was not found at ${path}.`,
    'The end-to-end tests drive Debian\'s Chromium. Install it with:',
    '  sudo apt-get update && sudo apt-get install -y chromium',
    'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
  ].join('\n');
}
