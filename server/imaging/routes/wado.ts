// WADO-RS (PS3.18 10.4): instances (multipart application/dicom), metadata (application/dicom+json),
// frames and pixel bulk data (multipart, as stored: native or the compressed media type).
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { acceptsDicomJson, acceptsStoredInstances, explicitVrLittleEndian, negotiateFrames, storedFrameRepresentation } from '../http/accept.ts';
import { multipartBody, multipartContentType, newBoundary, type OutPart, writeMultipart } from '../http/multipart.ts';
import type { InstanceRow } from '../repo.ts';
import type { ImagingService, Target } from '../service.ts';
import type { DicomWebAudit, DicomWebEvent } from './audit.ts';
import { baseUrl, callerOf, HttpProblem, notAcceptable, notFound, pathUid, urls } from './http.ts';

interface Path {
  study: string;
  series?: string;
  instance?: string;
}

export function registerWado(app: FastifyInstance, service: ImagingService, audit: DicomWebAudit): void {
  const targetOf = (request: FastifyRequest<{ Params: Path }>): Target => {
    const { study, series, instance } = request.params;
    return { studyUid: pathUid(study), seriesUid: series === undefined ? undefined : pathUid(series), sopUid: instance === undefined ? undefined : pathUid(instance) };
  };

  /** The readable instances the path names; 404 when none. */
  const instancesOf = async (request: FastifyRequest<{ Params: Path }>): Promise<InstanceRow[]> => {
    const found = await service.target(callerOf(request), targetOf(request));
    if (found.length === 0) throw notFound();
    return found;
  };

  /**
   * The instances of a retrieval of instances or metadata, recorded in the audit log: what was read,
   * or the refusal (denied when the study is stored but not the caller's to see, failure otherwise).
   */
  const auditedInstancesOf = async (request: FastifyRequest<{ Params: Path }>, action: DicomWebEvent['action']): Promise<InstanceRow[]> => {
    const target = targetOf(request);
    const caller = callerOf(request);
    const found = await service.target(caller, target);
    const scope = { ...(target.seriesUid ? { series: target.seriesUid } : {}), ...(target.sopUid ? { instance: target.sopUid } : {}) };
    if (found.length === 0) {
      const stored = await service.isStored(target.studyUid);
      await audit.record(caller, { action, studyUid: target.studyUid, outcome: stored ? 'denied' : 'failure', details: { ...scope, code: stored ? 'need_to_know' : 'not_found' } });
      throw notFound();
    }
    await audit.record(caller, { action, studyUid: target.studyUid, outcome: 'success', details: { ...scope, instances: found.length } });
    return found;
  };

  const retrieve = async (request: FastifyRequest<{ Params: Path }>, reply: FastifyReply) => {
    const instances = await auditedInstancesOf(request, 'imaging.retrieve');
    if (!acceptsStoredInstances(request.headers.accept, new Set(instances.map((i) => i.transferSyntaxUid)))) {
      throw notAcceptable('instances are sent as stored: multipart/related; type="application/dicom" with transfer-syntax=* or the stored one');
    }
    async function* parts(): AsyncGenerator<OutPart> {
      for (const instance of instances) {
        yield { contentType: `application/dicom; transfer-syntax=${instance.transferSyntaxUid}`, body: await service.read(instance) };
      }
    }
    const boundary = newBoundary();
    return reply.type(multipartContentType('application/dicom', boundary)).send(readable(writeMultipart(parts(), boundary)));
  };

  const metadata = async (request: FastifyRequest<{ Params: Path }>, reply: FastifyReply) => {
    if (!acceptsDicomJson(request.headers.accept)) throw notAcceptable('metadata is application/dicom+json');
    const instances = await auditedInstancesOf(request, 'imaging.metadata');
    const base = baseUrl(request);
    const text = await service.metadataText(instances, (i) => urls.instance(base, i.studyInstanceUid, i.seriesInstanceUid, i.sopInstanceUid));
    return reply.type('application/dicom+json').send(text);
  };

  const frames = async (request: FastifyRequest<{ Params: Path & { frames?: string; tag?: string } }>, reply: FastifyReply) => {
    const [instance] = await instancesOf(request);
    if (!instance) throw notFound();
    let numbers: number[];
    const tag = request.params.tag?.toUpperCase();
    if (tag !== undefined && tag !== '7FE00010') return headerBulkData(instance, tag, request, reply);
    if (tag !== undefined) {
      // The pixel data as bulk data: all the frames.
      if (instance.frames === null) throw notFound();
      numbers = Array.from({ length: instance.numberOfFrames ?? 1 }, (_, i) => i + 1);
    } else {
      numbers = parseFrameList(request.params.frames ?? '');
    }
    const stored = storedFrameRepresentation(instance.transferSyntaxUid);
    const chosen = negotiateFrames(request.headers.accept, stored);
    if (!chosen) throw notAcceptable(`frames of this instance are ${stored.mediaType} (transfer syntax ${stored.transferSyntaxUid}); ask with transfer-syntax=*`);
    const frames = await service.frames(instance, numbers);
    if (!frames) throw notFound();
    // Native pixel data as bulk data is one value (all frames); compressed, one part per frame.
    const bytes = request.params.tag !== undefined && chosen.mediaType === 'application/octet-stream' ? [Buffer.concat(frames)] : frames;
    const boundary = newBoundary();
    const parts = bytes.map((body): OutPart => ({ contentType: `${chosen.mediaType}; transfer-syntax=${chosen.transferSyntaxUid}`, body }));
    return reply.type(multipartContentType(chosen.mediaType, boundary)).send(multipartBody(parts, boundary));
  };

  /** A long binary attribute of the header, which the metadata gives by URI: one octet-stream part. */
  const headerBulkData = async (instance: InstanceRow, tag: string, request: FastifyRequest, reply: FastifyReply) => {
    if (!/^[0-9A-F]{8}$/.test(tag)) throw notFound();
    const octets = { mediaType: 'application/octet-stream', transferSyntaxUid: explicitVrLittleEndian };
    if (!negotiateFrames(request.headers.accept, octets)) throw notAcceptable('bulk data is multipart/related; type="application/octet-stream"');
    const value = await service.bulkData(instance, tag);
    if (!value) throw notFound();
    const boundary = newBoundary();
    return reply.type(multipartContentType(octets.mediaType, boundary)).send(multipartBody([{ contentType: octets.mediaType, body: value }], boundary));
  };

  app.get('/studies/:study', retrieve);
  app.get('/studies/:study/series/:series', retrieve);
  app.get('/studies/:study/series/:series/instances/:instance', retrieve);
  app.get('/studies/:study/metadata', metadata);
  app.get('/studies/:study/series/:series/metadata', metadata);
  app.get('/studies/:study/series/:series/instances/:instance/metadata', metadata);
  app.get('/studies/:study/series/:series/instances/:instance/frames/:frames', frames);
  app.get('/studies/:study/series/:series/instances/:instance/bulkdata/:tag', frames);
  app.get('/studies/:study/rendered', unsupportedRendered);
  app.get('/studies/:study/series/:series/rendered', unsupportedRendered);
  app.get('/studies/:study/series/:series/instances/:instance/rendered', unsupportedRendered);
  app.get('/studies/:study/series/:series/instances/:instance/frames/:frames/rendered', unsupportedRendered);
}

/** Rendered resources are not offered yet: say so plainly rather than 404. */
async function unsupportedRendered(): Promise<never> {
  throw new HttpProblem(406, 'not_acceptable', 'Rendered images are not offered by this server yet: retrieve frames and render them on the client.');
}

/** "1,2,5" into frame numbers (from 1); 400 for anything else. */
function parseFrameList(list: string): number[] {
  const numbers = list.split(',').map((item) => item.trim());
  if (numbers.length === 0 || numbers.length > 10_000 || !numbers.every((n) => /^[1-9]\d{0,6}$/.test(n))) {
    throw new HttpProblem(400, 'invalid_input', 'Frame numbers are a comma-separated list of whole numbers from 1, e.g. /frames/1,2,3.');
  }
  return numbers.map(Number);
}

/** A response body streamed from the multipart writer: one instance in memory at a time. */
function readable(chunks: AsyncGenerator<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}
