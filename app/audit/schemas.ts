/** Reading the audit log (SPEC GV-1). */
import { z } from 'zod';

export const auditOutcomes = ['success', 'denied', 'failure'] as const;
export type AuditOutcome = (typeof auditOutcomes)[number];

export const auditFilter = z.object({
  /** Records by this user, or by others on their behalf: a user id, a username, or a name. */
  user: z.string().trim().max(100).optional(),
  action: z.string().trim().max(80).regex(/^[A-Za-z.]*$/, 'Letters and dots only').optional(),
  recordId: z.string().trim().max(80).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AuditFilter = z.infer<typeof auditFilter>;

export const auditSearchInput = auditFilter.extend({
  page: z.number().int().min(0).max(100_000).default(0),
  pageSize: z.number().int().min(1).max(200).default(50),
});
