/**
 * The permission policy: which permissions an actor holds, decided from their roles per ERN,
 * global roles, affiliation and assistant delegation. Every server procedure declares one of these
 * permissions; a permission without a rule cannot exist (the Record below must be complete), and
 * anything not granted here is denied. Decisions about a particular record (this ERN's request,
 * this patient) are made again by the feature's policy on the loaded record.
 */
import { type Actor, hasErnRole, hasGlobalRole, type Principal } from './actor.ts';

export const permissions = [
  'session.use',
  'account.update',
  'account.close',
  'access.request',
  'access.review',
  'guests.manage',
  'assistants.appoint',
  'assistants.actAs',
  'directory.search',
  'codes.read',
  'patients.enrol',
  'patients.read',
  'patients.write',
  'patients.erase',
  'patients.export',
  'notifications.read',
  'audit.read',
  'admin.roles',
  'admin.reference',
] as const;
export type Permission = (typeof permissions)[number];

interface Rule {
  /** Who holds the permission. */
  readonly holds: (principal: Principal) => boolean;
  /**
   * Whether an assistant uses it with the permissions of the clinician they act for (clinical work).
   * Non-delegable permissions concern the assistant's own account and are decided on the assistant.
   */
  readonly delegable: boolean;
  /** Usable before the user has accepted the current privacy statement (to read and accept it, or leave). */
  readonly beforeConsent?: true;
}

const anyone = (): boolean => true;
/** ERN clinicians and the ERN's staff: anyone with a role other than a bare "Assistant". */
const ernMember = (p: Principal): boolean => p.memberships.some((m) => m.role !== 'Assistant');
/** ERN clinicians ("HP"): they enrol and discuss patients. */
const clinician = (p: Principal): boolean => hasErnRole(p, ['HP']);

const rules: Readonly<Record<Permission, Rule>> = {
  'session.use': { holds: anyone, delegable: false, beforeConsent: true },
  'account.close': { holds: anyone, delegable: false, beforeConsent: true },
  'account.update': { holds: anyone, delegable: false },
  'access.request': { holds: anyone, delegable: false },
  'access.review': { holds: (p) => hasErnRole(p, ['Coordinator', 'Dispatcher']), delegable: false },
  'guests.manage': { holds: (p) => hasErnRole(p, ['Coordinator']), delegable: false },
  'assistants.appoint': { holds: (p) => hasErnRole(p, ['HP']) && p.hcpId !== null && !p.guest, delegable: false },
  'assistants.actAs': { holds: anyone, delegable: false },
  'directory.search': { holds: (p) => ernMember(p) || hasGlobalRole(p, 'ECAdmin'), delegable: true },
  'codes.read': { holds: ernMember, delegable: true },
  'patients.enrol': { holds: clinician, delegable: true },
  'patients.read': { holds: (p) => clinician(p) || hasGlobalRole(p, 'GDPROfficer'), delegable: true },
  'patients.write': { holds: clinician, delegable: true },
  'patients.erase': { holds: (p) => hasGlobalRole(p, 'GDPROfficer'), delegable: false },
  /** The patient's portability right (SPEC PT-9): the enrolling clinician (or their assistant) or the HCP's GDPR officer. */
  'patients.export': { holds: (p) => clinician(p) || hasGlobalRole(p, 'GDPROfficer'), delegable: true },
  'notifications.read': { holds: anyone, delegable: false },
  'audit.read': { holds: (p) => hasGlobalRole(p, 'Support') || hasGlobalRole(p, 'ECAdmin'), delegable: false },
  'admin.roles': { holds: (p) => hasGlobalRole(p, 'ECAdmin'), delegable: false },
  'admin.reference': { holds: (p) => hasGlobalRole(p, 'ECAdmin'), delegable: false },
};

/** The principal whose roles decide `permission`: the clinician an assistant acts for, for clinical work. */
export function principalFor(actor: Actor, permission: Permission): Principal {
  return rules[permission].delegable && actor.actingFor ? actor.actingFor : actor;
}

export type Denial = 'consent_required' | 'forbidden';

/** Whether the actor may use `permission`; why not, otherwise. */
export function decide(actor: Actor, permission: Permission): { allowed: true } | { allowed: false; reason: Denial } {
  const rule = rules[permission];
  if (!actor.consentCurrent && !rule.beforeConsent) return { allowed: false, reason: 'consent_required' };
  return rule.holds(principalFor(actor, permission)) ? { allowed: true } : { allowed: false, reason: 'forbidden' };
}

export function can(actor: Actor, permission: Permission): boolean {
  return decide(actor, permission).allowed;
}

/** Every permission the actor holds, for the client to show or hide actions (it never decides). */
export function abilities(actor: Actor): Permission[] {
  return permissions.filter((permission) => can(actor, permission));
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (permissions as readonly string[]).includes(value);
}
