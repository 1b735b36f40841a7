/** System administration by the EC administrator: global roles (SPEC ID-3). */
import { z } from 'zod';
import { countryCodeSchema, ernIdSchema, idSchema } from '../access/schemas.ts';
import { globalRoles } from '../identity/roles.ts';

export const grantRoleInput = z
  .object({ userId: idSchema, role: z.enum(globalRoles), hcpId: idSchema.optional() })
  .refine((input) => (input.role === 'GDPROfficer') === (input.hcpId !== undefined), {
    message: 'A GDPR officer is granted for one HCP; the other roles for none',
    path: ['hcpId'],
  });
export const revokeRoleInput = z.object({ grantId: idSchema });
export const userSearchInput = z.object({ query: z.string().trim().max(100).default('') });

/** How an HCP takes part in an ERN (SPEC ID-1). */
export const hcpErnKinds = ['member', 'affiliated'] as const;

/** An HCP (hospital) as the EC administrator creates or edits it; its code is e.g. "FR10". */
export const saveHcpInput = z.object({
  /** Absent: a new HCP. */
  id: idSchema.optional(),
  code: z.string().trim().regex(/^[A-Z]{2}\d{2,3}$/, 'The country code and a number, e.g. FR10'),
  name: z.string().trim().min(3, 'At least 3 characters').max(200, 'At most 200 characters'),
  city: z.string().trim().min(1, 'Required').max(100, 'At most 100 characters'),
  countryCode: countryCodeSchema,
  erns: z.array(z.object({ ernId: ernIdSchema, kind: z.enum(hcpErnKinds) })).max(24),
}).refine((input) => input.code.startsWith(input.countryCode), { message: 'The code starts with the country code', path: ['code'] });
export type SaveHcpInput = z.infer<typeof saveHcpInput>;
