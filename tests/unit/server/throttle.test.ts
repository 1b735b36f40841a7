import { describe, expect, test } from 'vitest';
import { FailureThrottle } from '../../../server/identity/throttle.ts';
import { fakeClock, minutes, seconds } from '../../fixtures/factories.ts';

function failTimes(throttle: FailureThrottle, key: string, times: number): void {
  for (let i = 0; i < times; i += 1) throttle.fail(key);
}

describe('FailureThrottle', () => {
  test('the first three failures cost nothing; the fourth attempt must wait a second', () => {
    const throttle = new FailureThrottle(fakeClock());
    expect(throttle.retryAfterSeconds('user:ann')).toBe(0);
    failTimes(throttle, 'user:ann', 2);
    expect(throttle.retryAfterSeconds('user:ann')).toBe(0);
    throttle.fail('user:ann');
    expect(throttle.retryAfterSeconds('user:ann')).toBe(1);
  });

  test('each further failure doubles the wait, up to five minutes', () => {
    const throttle = new FailureThrottle(fakeClock());
    const waits: number[] = [];
    for (let failures = 3; failures <= 13; failures += 1) {
      failTimes(throttle, 'user:ann', failures === 3 ? 3 : 1);
      waits.push(throttle.retryAfterSeconds('user:ann'));
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
  });

  test('the wait counts down from the last failure and then lets the key try again', () => {
    const clock = fakeClock();
    const throttle = new FailureThrottle(clock);
    failTimes(throttle, 'addr:10.0.0.1', 5); // wait 4 s
    clock.advance(seconds(1.5));
    expect(throttle.retryAfterSeconds('addr:10.0.0.1')).toBe(3); // 2.5 s left, rounded up
    clock.advance(seconds(2.5));
    expect(throttle.retryAfterSeconds('addr:10.0.0.1')).toBe(0);
  });

  test('failures older than the 15-minute window are forgotten', () => {
    const clock = fakeClock();
    const throttle = new FailureThrottle(clock);
    failTimes(throttle, 'user:ann', 6);
    clock.advance(minutes(15) + 1);
    expect(throttle.retryAfterSeconds('user:ann')).toBe(0);
    // Counting starts again: three more failures are free once more.
    failTimes(throttle, 'user:ann', 2);
    expect(throttle.retryAfterSeconds('user:ann')).toBe(0);
  });

  test('failures within the window keep accumulating', () => {
    const clock = fakeClock();
    const throttle = new FailureThrottle(clock);
    failTimes(throttle, 'user:ann', 3);
    clock.advance(minutes(14));
    throttle.fail('user:ann');
    expect(throttle.retryAfterSeconds('user:ann')).toBe(2);
  });

  test('clearing a key (after a successful sign-in) lifts its wait at once', () => {
    const throttle = new FailureThrottle(fakeClock());
    failTimes(throttle, 'user:ann', 8);
    expect(throttle.retryAfterSeconds('user:ann')).toBeGreaterThan(0);
    throttle.clear('user:ann');
    expect(throttle.retryAfterSeconds('user:ann')).toBe(0);
    throttle.fail('user:ann');
    expect(throttle.retryAfterSeconds('user:ann')).toBe(0);
  });

  test('keys are throttled independently', () => {
    const throttle = new FailureThrottle(fakeClock());
    failTimes(throttle, 'user:ann', 6);
    expect(throttle.retryAfterSeconds('user:bob')).toBe(0);
    expect(throttle.retryAfterSeconds('addr:10.0.0.1')).toBe(0);
  });
});
