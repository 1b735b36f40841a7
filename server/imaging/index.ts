// The DICOMweb store (STOW-RS, QIDO-RS, WADO-RS), mounted on the server under /dicom-web.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { IdentityService } from '../identity/service.ts';
import { stackFrames } from '../log.ts';
import { authenticate, HttpProblem, sendProblem } from './routes/http.ts';
import { registerQido } from './routes/qido.ts';
import { registerStow } from './routes/stow.ts';
import { registerWado } from './routes/wado.ts';
import type { ImagingService } from './service.ts';

export { uploaderOnlyAccess, type ImagingAccess } from './access.ts';
export { ImagingRepo } from './repo.ts';
export { ImagingService } from './service.ts';

/** The DICOMweb routes: every request needs a bearer access token. Register with `{ prefix: '/dicom-web' }`. */
export function dicomWebRoutes(imaging: ImagingService, identity: IdentityService): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.addHook('preHandler', authenticate(identity));
    app.setErrorHandler((error, request, reply) => {
      if (error instanceof HttpProblem) return sendProblem(reply, error);
      const status = (error as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) return sendProblem(reply, new HttpProblem(status, 'invalid_input', 'The request cannot be read.'));
      request.log.error({ stack: stackFrames(error) }, 'DICOMweb request failed');
      return sendProblem(reply, new HttpProblem(500, 'internal', 'Something went wrong on the server.'));
    });
    registerStow(app, imaging);
    registerQido(app, imaging);
    registerWado(app, imaging);
  };
}
