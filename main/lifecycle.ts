// Holds the app's exit until the session's data is cleared.
/**
 * Builds a `before-quit` listener that delays the first quit until `cleanup` has finished (or
 * failed), then quits again for real. Electron does not wait for promises in its listeners, so
 * the quit is cancelled and repeated.
 */
export function quitAfter(cleanup: () => Promise<void>, quit: () => void): (event: { preventDefault(): void }) => void {
  let state: 'running' | 'cleaning' | 'clean' = 'running';
  return (event) => {
    if (state === 'clean') return;
    event.preventDefault();
    if (state === 'cleaning') return;
    state = 'cleaning';
    cleanup()
      .catch((error: unknown) => console.error('Cleanup before quit failed', error))
      .finally(() => {
        state = 'clean';
        quit();
      });
  };
}
