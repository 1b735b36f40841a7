/**
 * Decisions about particular records of identity and access, made on the loaded record after the
 * procedure's permission was checked (app/access/policy.ts). Deny by default.
 */
import { type Actor, hasErnRole, type Principal } from '../access/actor.ts';

/** A coordinator or dispatcher of the request's ERN may decide it, never on their own request. */
export function mayReviewRequest(actor: Actor, request: { ernId: string; userId: string }): boolean {
  return request.userId !== actor.userId && hasErnRole(actor, ['Coordinator', 'Dispatcher'], request.ernId);
}

/** Whether the actor reviews requests of this ERN (to list them). */
export function reviewsErn(actor: Actor, ernId: string): boolean {
  return hasErnRole(actor, ['Coordinator', 'Dispatcher'], ernId);
}

/** A coordinator manages the guests of their own ERN. */
export function managesGuestsOf(actor: Actor, ernId: string): boolean {
  return hasErnRole(actor, ['Coordinator'], ernId);
}

/** An ERN clinician may appoint an active colleague of the same (real) HCP, not themself. */
export function mayAppoint(clinician: Principal, candidate: { userId: string; hcpId: string | null }): 'ok' | 'self' | 'not_same_hcp' {
  if (candidate.userId === clinician.userId) return 'self';
  if (!clinician.hcpId || clinician.guest || candidate.hcpId !== clinician.hcpId) return 'not_same_hcp';
  return 'ok';
}
