/** Inputs of assistant delegation (SPEC ID-4). */
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';

export const appointInput = z.object({ userId: idSchema });
export const revokeInput = z.object({ appointmentId: idSchema });
/** Whom the assistant acts for from now on; null to act as themself again. */
export const actAsInput = z.object({ principalId: idSchema.nullable() });
export const candidatesInput = z.object({ query: z.string().trim().max(100).default('') });
