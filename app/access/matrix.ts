/**
 * The authorisation matrix: for every permission, the personas that hold it. Written by hand,
 * independently of the rules in policy.ts, and checked by a test that calls every server
 * procedure as every persona (tests/integration/access-matrix.test.ts): changing who may do what
 * means changing both, on purpose.
 */
import type { Permission } from './policy.ts';

export const personas = [
  'consentPending',
  'newUser',
  'hp',
  'coordinator',
  'dispatcher',
  'helpdesk',
  'researcher',
  'assistant',
  'assistantActing',
  'guest',
  'ecAdmin',
  'support',
  'gdprOfficer',
] as const;
export type Persona = (typeof personas)[number];

const signedIn: readonly Persona[] = personas;
const consented: readonly Persona[] = personas.filter((p) => p !== 'consentPending');

export const matrix: Readonly<Record<Permission, readonly Persona[]>> = {
  'session.use': signedIn,
  'account.close': signedIn,
  'account.update': consented,
  'access.request': consented,
  'access.review': ['coordinator', 'dispatcher'],
  'guests.manage': ['coordinator'],
  'assistants.appoint': ['hp'],
  'assistants.actAs': consented,
  'directory.search': ['hp', 'coordinator', 'dispatcher', 'helpdesk', 'researcher', 'assistantActing', 'guest', 'ecAdmin'],
  'codes.read': ['hp', 'coordinator', 'dispatcher', 'helpdesk', 'researcher', 'assistantActing', 'guest'],
  'patients.enrol': ['hp', 'assistantActing', 'guest'],
  'patients.read': ['hp', 'assistantActing', 'guest', 'gdprOfficer'],
  'patients.write': ['hp', 'assistantActing', 'guest'],
  'patients.erase': ['gdprOfficer'],
  'patients.export': ['hp', 'assistantActing', 'guest', 'gdprOfficer'],
  'notifications.read': consented,
  'audit.read': ['ecAdmin', 'support'],
  'admin.roles': ['ecAdmin'],
  'admin.reference': ['ecAdmin'],
};
