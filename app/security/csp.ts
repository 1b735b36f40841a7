/**
 * The Content-Security-Policy of the workstation's pages, in Electron and in a browser: scripts only
 * from the app itself (WebAssembly allowed: the image viewer's codecs), network only to the Consilium
 * server, nothing framed, no plugins; workers (image decoding) only from the app itself.
 * Styles allow inline because the component library injects its theme as <style> elements.
 */
export function contentSecurityPolicy(connectSources: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self' ${connectSources.join(' ')}`.trim(),
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
