// Tests that quitting waits for the session's data to be cleared.
import { describe, expect, test, vi } from 'vitest';
import { quitAfter } from '../../../main/lifecycle.ts';

function quitEvent() {
  const event = { prevented: false, preventDefault: () => (event.prevented = true) };
  return event;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('quitAfter', () => {
  test('holds the first quit until cleanup is done, then quits for real', async () => {
    let finishCleanup!: () => void;
    let cleanups = 0;
    let quits = 0;
    const listener = quitAfter(
      () => {
        cleanups += 1;
        return new Promise<void>((resolve) => (finishCleanup = resolve));
      },
      () => (quits += 1),
    );

    const first = quitEvent();
    listener(first);
    expect(first.prevented).toBe(true);

    const whileCleaning = quitEvent();
    listener(whileCleaning);
    expect(whileCleaning.prevented).toBe(true);
    expect(cleanups).toBe(1);
    expect(quits).toBe(0);

    finishCleanup();
    await settle();
    expect(quits).toBe(1);

    const again = quitEvent();
    listener(again);
    expect(again.prevented).toBe(false);
    expect(cleanups).toBe(1);
  });

  test('still quits, and reports, when cleanup fails', async () => {
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let quits = 0;
    const listener = quitAfter(
      async () => {
        throw new Error('disk on fire');
      },
      () => (quits += 1),
    );
    listener(quitEvent());
    await settle();
    expect(quits).toBe(1);
    expect(report).toHaveBeenCalledOnce();
    report.mockRestore();
  });
});
