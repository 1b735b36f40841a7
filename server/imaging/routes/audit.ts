// The DICOMweb store's audit trail (SPEC GV-1): each STOW-RS request, each retrieval of instances or
// metadata (per request, never per frame) and each refusal, with the caller and the clinician they
// act for. Details are ids, counts and codes only; the record is the study.
import { decide, type Permission, principalFor } from '../../../app/access/policy.ts';
import type { AuditEntry, AuditLog } from '../../audit/log.ts';
import type { ActorLoader } from '../../identity/actors.ts';
import type { Caller } from '../../identity/service.ts';
import type { ServiceLog } from '../../services.ts';

/** What a DICOMweb request did, as the audit log records it. */
export interface DicomWebEvent {
  readonly action: 'imaging.store' | 'imaging.retrieve' | 'imaging.metadata';
  /** The study acted on, when one (a STOW-RS request may hold several). */
  readonly studyUid: string | undefined;
  readonly outcome: AuditEntry['outcome'];
  readonly details: NonNullable<AuditEntry['details']>;
}

/** Appends DICOMweb events to the audit log; never fails the request it records. */
export interface DicomWebAudit {
  record(caller: Caller, event: DicomWebEvent): Promise<void>;
}

/** The permission each action needs: it decides whom an assistant acts for, and denials. */
const permissionOf: Readonly<Record<DicomWebEvent['action'], Permission>> = {
  'imaging.store': 'patients.write',
  'imaging.retrieve': 'patients.read',
  'imaging.metadata': 'patients.read',
};

export function dicomWebAudit(audit: AuditLog, actors: ActorLoader, log: ServiceLog): DicomWebAudit {
  return {
    async record(caller, event) {
      try {
        const actor = await actors.load(caller);
        const permission = permissionOf[event.action];
        const principal = principalFor(actor, permission);
        const decision = decide(actor, permission);
        // Without the permission the store answered as if nothing existed: the log says why.
        const refused = !decision.allowed && event.outcome !== 'success';
        await audit.append({
          actorId: actor.userId,
          onBehalfOfId: principal.userId === actor.userId ? null : principal.userId,
          action: event.action,
          recordType: event.studyUid === undefined ? null : 'study',
          recordId: event.studyUid ?? null,
          outcome: refused ? 'denied' : event.outcome,
          details: refused ? { ...event.details, permission, reason: decision.reason } : event.details,
        });
      } catch (error) {
        log.error({ action: event.action, error: (error as Error).name }, 'audit record not written');
      }
    },
  };
}
