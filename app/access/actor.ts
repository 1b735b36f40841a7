/** Who is acting: the facts the policy decides from, loaded by the server for every call. */
import type { ErnRole, GlobalRole } from '../identity/roles.ts';

export interface MembershipFact {
  readonly ernId: string;
  readonly role: ErnRole;
}

export interface GlobalRoleFact {
  readonly role: GlobalRole;
  /** The HCP a GDPR officer acts for; null for the other global roles. */
  readonly hcpId: string | null;
}

/** A user as the policy sees them: roles per ERN, global roles, affiliation. */
export interface Principal {
  readonly userId: string;
  readonly hcpId: string | null;
  /** Affiliated to a "0000 Guest Access" pseudo-HCP: admitted for a limited period (ID-5). */
  readonly guest: boolean;
  readonly memberships: readonly MembershipFact[];
  readonly globalRoles: readonly GlobalRoleFact[];
}

/** The signed-in user, and the clinician they act for when they are that clinician's assistant. */
export interface Actor extends Principal {
  /** Whether the user accepted the current version of the privacy statement. */
  readonly consentCurrent: boolean;
  /** Set while an assistant acts on behalf of this clinician (ID-4). */
  readonly actingFor?: Principal;
}

export function hasErnRole(principal: Principal, roles: readonly ErnRole[], ernId?: string): boolean {
  return principal.memberships.some((m) => roles.includes(m.role) && (ernId === undefined || m.ernId === ernId));
}

export function hasGlobalRole(principal: Principal, role: GlobalRole, hcpId?: string): boolean {
  return principal.globalRoles.some((g) => g.role === role && (hcpId === undefined || g.hcpId === hcpId));
}

/** The ERNs in which the principal holds one of `roles`. */
export function ernsWithRole(principal: Principal, roles: readonly ErnRole[]): string[] {
  return [...new Set(principal.memberships.filter((m) => roles.includes(m.role)).map((m) => m.ernId))];
}
