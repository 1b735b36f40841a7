// The download of a patient's portability export (GET /api/patients/:patientId/export): bytes, so an
// HTTP route beside tRPC, with the same checks — bearer token, the `patients.export` permission, the
// need to know on the loaded patient — and an audit record of every attempt and its outcome.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../app/access/actor.ts';
import { decide, principalFor } from '../../app/access/policy.ts';
import { idSchema } from '../../app/access/schemas.ts';
import { DomainError } from '../../app/errors.ts';
import type { AuditEntry } from '../audit/log.ts';
import type { Services } from '../services.ts';
import { httpStatusOf } from '../trpc.ts';

/** Where the renderer downloads the export from; `:patientId` is the patient's id. */
export const exportPath = '/api/patients/:patientId/export';

const action = 'patients.export';
const params = z.object({ patientId: idSchema });

function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

function refuse(reply: FastifyReply, code: DomainError['code']): FastifyReply {
  return reply.code(httpStatusOf(code)).header('Cache-Control', 'no-store').send({ error: code });
}

export function registerPatientExportRoute(app: FastifyInstance, services: Services): void {
  app.get(exportPath, async (request, reply) => {
    let who: Pick<AuditEntry, 'actorId' | 'onBehalfOfId'> | undefined;
    const parsed = params.safeParse(request.params);
    const recordId = parsed.success ? parsed.data.patientId : null;
    const audit = (outcome: AuditEntry['outcome'], details: AuditEntry['details']) =>
      who ? services.audit.append({ ...who, action, recordType: 'patient', recordId, outcome, details }).catch((error: unknown) => services.log.error({ action, error: (error as Error).name }, 'audit record not written')) : undefined;
    try {
      const token = bearer(request.headers.authorization);
      if (!token) throw new DomainError('not_signed_in');
      const actor: Actor = await services.actors.load(await services.identity.authenticate(token));
      const principal = principalFor(actor, 'patients.export');
      who = { actorId: actor.userId, onBehalfOfId: principal.userId === actor.userId ? null : principal.userId };
      const decision = decide(actor, 'patients.export');
      if (!decision.allowed) {
        await services.audit.append({ ...who, action, outcome: 'denied', details: { permission: 'patients.export', reason: decision.reason } });
        who = undefined;
        throw new DomainError(decision.reason);
      }
      if (!parsed.success) throw new DomainError('invalid_input');
      const archive = await services.patientExport.open(actor, principal, parsed.data.patientId);
      archive.stream.once('end', () => void audit('success', {}));
      archive.stream.once('error', (error) => {
        request.log.error({ action, error: error.name }, 'export failed while streaming');
        void audit('failure', { code: 'internal' });
      });
      return reply
        .header('Content-Type', 'application/zip')
        .header('Content-Disposition', `attachment; filename="${archive.fileName}"`)
        .header('Cache-Control', 'no-store')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .send(archive.stream);
    } catch (error) {
      await audit('failure', { code: error instanceof DomainError ? error.code : 'internal' });
      if (error instanceof DomainError) return refuse(reply, error.code);
      throw error;
    }
  });
}
