/** Inputs and views of access requests and guest access (SPEC ID-5, ID-6). */
import { z } from 'zod';
import { accessProfiles, maxGuestDays } from '../identity/roles.ts';

export const ernIdSchema = z.string().trim().min(1, 'Required').max(40, 'At most 40 characters');
export const idSchema = z.uuid('Not a valid id');
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, 'A two-letter country code');

export const hcpsInput = z.object({ ernId: ernIdSchema, countryCode: countryCodeSchema });

export const accessRequestInput = z.object({
  ernId: ernIdSchema,
  hcpId: idSchema,
  profile: z.enum(accessProfiles),
  comment: z.string().trim().max(1000, 'At most 1000 characters'),
});
export type AccessRequestInput = z.infer<typeof accessRequestInput>;

export const guestDaysSchema = z.number().int().min(1, 'At least 1 day').max(maxGuestDays, `At most ${maxGuestDays} days`);

export const decideInput = z
  .object({
    requestId: idSchema,
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().max(1000, 'At most 1000 characters').default(''),
    /** For a guest (Guest Access HCP): how long the access lasts; default 90 days. */
    guestDays: guestDaysSchema.optional(),
  })
  .refine((input) => input.decision === 'approve' || input.reason.length > 0, { message: 'Give a reason for the rejection', path: ['reason'] });
export type DecideInput = z.infer<typeof decideInput>;

export const requestIdInput = z.object({ requestId: idSchema });
export const pendingInput = z.object({ ernId: ernIdSchema.optional() });
export const guestsInput = z.object({ ernId: ernIdSchema.optional() });
export const extendGuestInput = z.object({ userId: idSchema, days: guestDaysSchema });

export const requestStatuses = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type RequestStatus = (typeof requestStatuses)[number];
