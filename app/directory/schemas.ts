/** The service directory's search (SPEC ID-7). */
import { z } from 'zod';
import { countryCodeSchema, ernIdSchema, idSchema } from '../access/schemas.ts';

const text = z.string().trim().max(100, 'At most 100 characters');

export const directorySearchInput = z.object({
  name: text.optional(),
  hcpId: idSchema.optional(),
  countryCode: countryCodeSchema.optional(),
  ernId: ernIdSchema.optional(),
  specialty: text.optional(),
  thematicArea: text.optional(),
  page: z.number().int().min(0).max(10_000).default(0),
  pageSize: z.number().int().min(1).max(100).default(25),
});
export type DirectorySearchInput = z.input<typeof directorySearchInput>;
