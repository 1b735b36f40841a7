/** In-app notifications behind the "Bell" (SPEC NT-1). */
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';

export const notificationKinds = ['access_approved', 'access_rejected', 'access_requested', 'assistant_appointed', 'assistant_revoked', 'guest_extended', 'patient_review_due'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export const markReadInput = z.object({ ids: z.array(idSchema).max(200).optional() });
