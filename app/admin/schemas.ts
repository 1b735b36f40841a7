/** System administration by the EC administrator: global roles (SPEC ID-3). */
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';
import { globalRoles } from '../identity/roles.ts';

export const grantRoleInput = z
  .object({ userId: idSchema, role: z.enum(globalRoles), hcpId: idSchema.optional() })
  .refine((input) => (input.role === 'GDPROfficer') === (input.hcpId !== undefined), {
    message: 'A GDPR officer is granted for one HCP; the other roles for none',
    path: ['hcpId'],
  });
export const revokeRoleInput = z.object({ grantId: idSchema });
export const userSearchInput = z.object({ query: z.string().trim().max(100).default('') });
