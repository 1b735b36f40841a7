/** Inputs and outputs of sign-in and sessions, validated at the server's boundary. */
import { z } from 'zod';
import { ernRoles } from './roles.ts';

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

export const meView = z.object({
  id: z.string(),
  username: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
  profession: z.string(),
  countryCode: z.string(),
  hcp: z.object({ code: z.string(), name: z.string(), countryCode: z.string() }).nullable(),
  memberships: z.array(membershipView),
});
export type MeView = z.infer<typeof meView>;
