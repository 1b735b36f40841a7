// Time-based one-time codes (RFC 6238: SHA-1, 6 digits, 30-second steps), the second factor.
import { generateSecret, generateSync, verifySync } from 'otplib';

export const totpPeriodSeconds = 30;

/** Accept the previous and next step too, for clocks that drift a little. */
const toleranceSeconds = totpPeriodSeconds;

export function newTotpSecret(): string {
  return generateSecret();
}

export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / totpPeriodSeconds);
}

export function totpCode(secret: string, at: Date): string {
  return generateSync({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

export type TotpCheck = { valid: true; step: number } | { valid: false; replayed: boolean };

/**
 * Checks a code, refusing any step at or before `lastStep` so a code is never accepted twice
 * (RFC 6238 section 5.2). `replayed` tells a reused code from a wrong one.
 */
export function checkTotpCode(secret: string, code: string, lastStep: number, at: Date): TotpCheck {
  const epoch = Math.floor(at.getTime() / 1000);
  // otplib throws when afterTimeStep lies beyond the window (e.g. after the clock was set back);
  // every step in the window is then already used, which the window's last step expresses too.
  const lastWindowStep = Math.floor((epoch + toleranceSeconds) / totpPeriodSeconds);
  const afterTimeStep = Math.min(lastStep, lastWindowStep);
  const fresh = verifySync({ secret, token: code, epoch, epochTolerance: toleranceSeconds, afterTimeStep });
  if (fresh.valid && 'timeStep' in fresh) return { valid: true, step: fresh.timeStep };
  const any = verifySync({ secret, token: code, epoch, epochTolerance: toleranceSeconds });
  return { valid: false, replayed: any.valid };
}
