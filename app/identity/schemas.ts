/** Inputs and outputs of sign-in and sessions, validated at the server's boundary. */
import { z } from 'zod';
import { ernRoles, globalRoles } from './roles.ts';

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'At least 3 characters')
  .max(64, 'At most 64 characters')
  .regex(/^[a-z0-9._-]+$/i, 'Letters, digits, dot, dash and underscore only');

export const totpCodeSchema = z.string().trim().regex(/^\d{6}$/, 'Six digits');

export const signInInput = z.object({
  username: usernameSchema,
  password: z.string().min(1, 'Required').max(1024, 'At most 1024 characters'),
  code: totpCodeSchema,
});
export type SignInInput = z.infer<typeof signInInput>;

/** Unlocking the workstation after inactivity: the password of the signed-in user. */
export const unlockInput = z.object({ password: z.string().min(1, 'Required').max(1024, 'At most 1024 characters') });

/** Refresh tokens are 32 random bytes in base64url. */
export const refreshTokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'Not a refresh token');

export const refreshInput = z.object({ refreshToken: refreshTokenSchema });
export type RefreshInput = z.infer<typeof refreshInput>;

export const tokenPair = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: z.string(),
  refreshToken: refreshTokenSchema,
});
export type TokenPair = z.infer<typeof tokenPair>;

export const membershipView = z.object({
  ernId: z.string(),
  ernFullName: z.string(),
  role: z.enum(ernRoles),
});
export type MembershipView = z.infer<typeof membershipView>;

const personRef = z.object({ id: z.string(), firstName: z.string(), lastName: z.string() });

export const meView = z.object({
  id: z.string(),
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  phone: z.string().nullable(),
  profession: z.string(),
  expertise: z.string(),
  countryCode: z.string(),
  hcp: z.object({ id: z.string(), code: z.string(), name: z.string(), countryCode: z.string(), guestAccess: z.boolean() }).nullable(),
  memberships: z.array(membershipView),
  globalRoles: z.array(z.object({ role: z.enum(globalRoles), hcpId: z.string().nullable() })),
  thematicAreas: z.array(z.object({ ernId: z.string(), name: z.string() })),
  /** A guest's access ends then (ISO time); null for everyone else. */
  guestUntil: z.string().nullable(),
  /** The privacy statement must be accepted (again) before anything else. */
  consentRequired: z.boolean(),
  /** The clinicians this user is the assistant of, and whom they act for now. */
  canActFor: z.array(personRef),
  actingFor: personRef.nullable(),
  /** What the user may do, for showing actions; the server decides again on every call. */
  abilities: z.array(z.string()),
  /** Signs in through an identity provider (no password here): unlocking means signing in again. */
  externalSignIn: z.boolean(),
});
export type MeView = z.infer<typeof meView>;
