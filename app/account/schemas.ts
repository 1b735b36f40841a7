/** Inputs of "My Account": the user's own data, consent, deactivation and deletion (SPEC ID-2, ID-9). */
import { z } from 'zod';
import { countries } from '../reference/countries.ts';
import { ernIdSchema } from '../access/schemas.ts';

const name = z.string().trim().min(1, 'Required').max(100, 'At most 100 characters');

export const thematicAreaSchema = z.object({ ernId: ernIdSchema, name: z.string().trim().min(2, 'At least 2 characters').max(80, 'At most 80 characters') });

export const profileInput = z.object({
  firstName: name,
  lastName: name,
  email: z.email('Not a valid email address').max(254),
  phone: z
    .string()
    .trim()
    .max(32)
    .regex(/^(\+?[0-9 ()./-]{6,32})?$/, 'Digits, spaces and + ( ) . / - only')
    .transform((value) => (value === '' ? null : value)),
  countryCode: z.enum(countries.map((c) => c.code) as [string, ...string[]]),
  profession: z.string().trim().min(2, 'At least 2 characters').max(120, 'At most 120 characters'),
  expertise: z.string().trim().max(2000, 'At most 2000 characters'),
  thematicAreas: z.array(thematicAreaSchema).max(50, 'At most 50 thematic areas'),
});
export type ProfileInput = z.input<typeof profileInput>;
export type ProfileData = z.output<typeof profileInput>;

export const acceptConsentInput = z.object({ version: z.string().min(1).max(20) });

/** Closing an account is confirmed by typing one's username. */
export const confirmInput = z.object({ confirm: z.string().trim().max(64) });
