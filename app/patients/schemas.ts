/** Inputs and views of patients (SPEC PT-1 to PT-6), validated at the server's boundary. */
import { z } from 'zod';
import { countryCodeSchema, ernIdSchema, idSchema } from '../access/schemas.ts';
import { nicknameSchema } from './nickname/rules.ts';

export const sexes = ['female', 'male', 'other', 'unknown'] as const;
export type Sex = (typeof sexes)[number];

export const consentKinds = ['care', 'education', 'registry'] as const;
export type ConsentKind = (typeof consentKinds)[number];

/** The EU form records all three consents; the Ukrainian form only the primary one (FAQ 36). */
export const consentForms = ['EU', 'UA'] as const;
export type ConsentForm = (typeof consentForms)[number];
export const formConsents: Readonly<Record<ConsentForm, readonly ConsentKind[]>> = { EU: ['care', 'education', 'registry'], UA: ['care'] };

const isoDate = z.iso.date('A date as YYYY-MM-DD');
const nameField = z.string().trim().min(1, 'Required').max(100, 'At most 100 characters');

/** The identifying data only the enrolling clinician (and their assistants, and the HCP's GDPR officer) sees. */
export const patientIdentity = z.object({
  firstName: nameField,
  lastName: nameField,
  dateOfBirth: isoDate,
  placeOfBirth: z.string().trim().min(1, 'Required').max(100, 'At most 100 characters'),
  /** Country code of nationality. */
  nationality: countryCodeSchema,
  /** The hospital's own patient id. */
  localId: z.string().trim().max(64, 'At most 64 characters').default(''),
});
export type PatientIdentity = z.infer<typeof patientIdentity>;

export const enrolInput = z
  .object({
    ernId: ernIdSchema,
    identity: patientIdentity,
    sex: z.enum(sexes),
    /** Country codes of the areas of birth and of residence (what participants see). */
    birthArea: countryCodeSchema,
    residenceArea: countryCodeSchema,
    consentForm: z.enum(consentForms),
    consents: z.object({
      /** The primary consent to care: no enrolment without it. */
      care: z.literal(true, 'The primary consent to care is required to enrol a patient'),
      education: z.boolean().default(false),
      registry: z.boolean().default(false),
    }),
    /** A nickname typed by the user; absent, the system generates one. */
    nickname: nicknameSchema.optional(),
  })
  .refine((input) => input.consentForm === 'EU' || (!input.consents.education && !input.consents.registry), {
    message: 'The Ukrainian form records the primary consent only',
    path: ['consents'],
  });
export type EnrolInput = z.input<typeof enrolInput>;
export type EnrolData = z.output<typeof enrolInput>;

export const nicknameCheckInput = z.object({
  nickname: z.string().max(200),
  firstName: z.string().max(100).default(''),
  lastName: z.string().max(100).default(''),
});

export const patientSorts = ['nickname', 'createdAt', 'birthYearMonth'] as const;

export const patientListInput = z.object({
  /** Start of the nickname, or (for patients the caller enrolled) of a word of the real name. */
  search: z.string().trim().max(100).default(''),
  ernId: ernIdSchema.optional(),
  sex: z.enum(sexes).optional(),
  /** Only the patients the caller (or the clinician they assist) enrolled. */
  mine: z.boolean().default(false),
  includeAnonymised: z.boolean().default(true),
  sort: z.enum(patientSorts).default('createdAt'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  page: z.number().int().min(0).max(100_000).default(0),
  pageSize: z.number().int().min(1).max(100).default(50),
});
export type PatientListInput = z.input<typeof patientListInput>;

export const patientIdInput = z.object({ patientId: idSchema });
export const participantInput = z.object({ patientId: idSchema, userId: idSchema });
export const withdrawConsentInput = z.object({ patientId: idSchema, kinds: z.array(z.enum(consentKinds)).min(1).max(3) });
export const eraseInput = z.object({ patientId: idSchema, confirm: z.string().trim().max(100) });
