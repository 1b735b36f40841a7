// The DICOMweb store (STOW-RS, QIDO-RS, WADO-RS), mounted on the server under /dicom-web.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { AuditLog } from '../audit/log.ts';
import type { ActorLoader } from '../identity/actors.ts';
import type { IdentityService } from '../identity/service.ts';
import { stackFrames } from '../log.ts';
import type { ServiceLog } from '../services.ts';
import { dicomWebAudit } from './routes/audit.ts';
import { authenticate, HttpProblem, sendProblem } from './routes/http.ts';
import { registerQido } from './routes/qido.ts';
import { registerStow } from './routes/stow.ts';
import { registerWado } from './routes/wado.ts';
import type { ImagingService } from './service.ts';

export type { ImagingAccess } from './access.ts';
export { ImagingRepo } from './repo.ts';
export { imagingRouter } from './router.ts';
export { ImagingService } from './service.ts';

/** What the DICOMweb routes use besides the store: who is calling, and where what they did is recorded. */
export interface DicomWebPorts {
  readonly identity: IdentityService;
  readonly actors: ActorLoader;
  readonly audit: AuditLog;
  readonly log: ServiceLog;
}

/** The DICOMweb routes: every request needs a bearer access token. Register with `{ prefix: '/dicom-web' }`. */
export function dicomWebRoutes(imaging: ImagingService, ports: DicomWebPorts): FastifyPluginAsync {
  const { identity } = ports;
  const audit = dicomWebAudit(ports.audit, ports.actors, ports.log);
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', authenticate(identity));
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof HttpProblem) return sendProblem(reply, error);
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) return sendProblem(reply, new HttpProblem(status, 'invalid_input', 'The request cannot be read.'));
      request.log.error({ stack: stackFrames(error) }, 'DICOMweb request failed');
      return sendProblem(reply, new HttpProblem(500, 'internal', 'Something went wrong on the server.'));
    });
    registerStow(app, imaging, audit);
    registerQido(app, imaging);
    registerWado(app, imaging, audit);
  };
}
