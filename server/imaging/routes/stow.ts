// STOW-RS (PS3.18 10.5): POST /studies and /studies/{study} with multipart/related; type="application/dicom".
// Parts are stored one by one as they arrive; the answer lists each instance stored or refused.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { stackFrames } from '../../log.ts';
import { attribute, type JsonDataset } from '../dicom/json.ts';
import { acceptsDicomJson } from '../http/accept.ts';
import { MultipartError, parseMediaType, readMultipart } from '../http/multipart.ts';
import { failureReasons, type ImagingService, type StoreOutcome } from '../service.ts';
import type { DicomWebAudit, DicomWebEvent } from './audit.ts';
import { baseUrl, callerOf, HttpProblem, notAcceptable, pathUid, urls } from './http.ts';

/** Instances stored together (held in memory until stored: one batch being read, one being stored). */
const batchInstances = 8;
const batchMaxBytes = 64 * 1024 * 1024;
/** Multipart overhead allowed on top of the study limit before a declared Content-Length is refused. */
const overheadBytes = 1024 * 1024;

export function registerStow(app: FastifyInstance, service: ImagingService, audit: DicomWebAudit): void {
  // The body is read as a stream by the handler, part by part: never parsed or buffered whole here.
  app.addContentTypeParser('multipart/related', (_request, payload, done) => done(null, payload));
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  const handler = async (request: FastifyRequest<{ Params: { study?: string } }>) => {
    const studyUid = request.params.study === undefined ? undefined : pathUid(request.params.study);
    const caller = callerOf(request);
    if (!acceptsDicomJson(request.headers.accept)) throw notAcceptable('STOW-RS answers application/dicom+json');
    const contentType = parseMediaType(request.headers['content-type'] ?? '');
    if (contentType.type !== 'multipart/related') throw new HttpProblem(415, 'unsupported_media_type', 'Send instances as multipart/related; type="application/dicom".');
    const rootType = (contentType.params.get('type') ?? 'application/dicom').toLowerCase();
    if (rootType !== 'application/dicom') throw new HttpProblem(415, 'unsupported_media_type', `Only application/dicom parts are accepted (not ${rootType.slice(0, 60)}): send Part 10 instances.`);
    const boundary = contentType.params.get('boundary');
    if (!boundary) throw new HttpProblem(400, 'invalid_input', 'The Content-Type has no boundary parameter.');
    const maxRequestBytes = service.limits.maxStudyBytes + overheadBytes;
    const limit = `${Math.floor(service.limits.maxStudyBytes / (1024 * 1024))} MiB`;
    const tooLarge = () => new HttpProblem(413, 'too_large', `The request is larger than a study may be (${limit}). Send fewer instances per request, or ask the operator about CONSILIUM_DICOM_MAX_STUDY_MB.`, { limit });
    if (Number(request.headers['content-length'] ?? Number.NaN) > maxRequestBytes) throw tooLarge();

    // Parts are stored in batches, so that their disk syncs overlap and their index rows share a
    // transaction; the next batch is read while one is being stored. Answers keep the parts' order.
    const outcomes: StoreOutcome[] = [];
    let batch: Array<{ at: number; bytes: Buffer }> = [];
    let batchBytes = 0;
    let storing: Promise<void> = Promise.resolve();
    const flush = async () => {
      const items = batch;
      batch = [];
      batchBytes = 0;
      await storing;
      storing = service.storeBatch(caller, items.map((item) => item.bytes), studyUid).then(({ outcomes: stored, errors }) => {
        items.forEach((item, i) => (outcomes[item.at] = stored[i] as StoreOutcome));
        for (const error of errors) request.log.error({ stack: stackFrames(error) }, 'storing a DICOM instance failed');
      });
    };
    let count = 0;
    try {
      for await (const part of readMultipart(capped(request.body as AsyncIterable<Uint8Array>, maxRequestBytes), boundary, service.limits.maxInstanceBytes)) {
        const at = count++;
        const partType = parseMediaType(part.headers.get('content-type') ?? 'application/dicom').type;
        if (part.tooLarge) outcomes[at] = { ok: false, reason: failureReasons.outOfResources };
        else if (partType !== 'application/dicom') outcomes[at] = { ok: false, reason: failureReasons.cannotUnderstand };
        else {
          batch.push({ at, bytes: part.body });
          batchBytes += part.body.length;
          if (batch.length >= batchInstances || batchBytes >= batchMaxBytes) await flush();
        }
      }
    } catch (error) {
      const over = error instanceof RequestTooLarge;
      if (!(error instanceof MultipartError) && !over) {
        await storing.catch(() => undefined);
        throw error;
      }
      if (count === 0) throw over ? tooLarge() : new HttpProblem(400, 'invalid_input', error.message);
      // Parts before the damage (or the limit) are stored as usual; the rest is one failure.
      outcomes[count] = { ok: false, reason: over ? failureReasons.outOfResources : failureReasons.cannotUnderstand };
    }
    if (batch.length > 0) await flush();
    await storing;
    if (outcomes.length === 0) throw new HttpProblem(400, 'invalid_input', 'The request holds no instances.');
    await audit.record(caller, storeEvent(outcomes, studyUid));
    return answer(outcomes, baseUrl(request), studyUid);
  };

  /** Runs the handler; a request refused as a whole is recorded too (one that stored anything was). */
  const audited = async (request: FastifyRequest<{ Params: { study?: string } }>) => {
    try {
      return await handler(request);
    } catch (error) {
      const study = /^[\d.]{1,64}$/.test(request.params.study ?? '') ? request.params.study : undefined;
      const code = error instanceof HttpProblem ? error.code : 'internal';
      if (!(error instanceof HttpProblem && error.status === 401)) await audit.record(callerOf(request), { action: 'imaging.store', studyUid: study, outcome: 'failure', details: { code } });
      throw error;
    }
  };

  app.post('/studies', async (request, reply) => {
    const result = await audited(request as FastifyRequest<{ Params: { study?: string } }>);
    return reply.code(result.status).type('application/dicom+json').send(result.body);
  });
  app.post<{ Params: { study: string } }>('/studies/:study', async (request, reply) => {
    const result = await audited(request);
    return reply.code(result.status).type('application/dicom+json').send(result.body);
  });
}

/**
 * The audit event of a STOW-RS request: the study (when it is one), how many instances were stored
 * and failed; denied when every instance was refused as not allowed.
 */
function storeEvent(outcomes: readonly StoreOutcome[], studyUid: string | undefined): DicomWebEvent {
  const stored = outcomes.filter((o) => o.ok);
  // The studies the request touched: stored, or refused (which study someone was refused is worth knowing).
  const studies = new Set(outcomes.flatMap((o) => (o.studyInstanceUid === undefined ? [] : [o.studyInstanceUid])));
  const failed = outcomes.length - stored.length;
  const denied = stored.length === 0 && outcomes.every((o) => !o.ok && o.reason === failureReasons.notAuthorized);
  return {
    action: 'imaging.store',
    studyUid: studyUid ?? (studies.size === 1 ? [...studies][0] : undefined),
    outcome: stored.length > 0 ? 'success' : denied ? 'denied' : 'failure',
    details: { stored: stored.length, failed, ...(studies.size > 1 ? { studies: studies.size } : {}) },
  };
}

/** A body sent without Content-Length (chunked) that goes past the limit. */
class RequestTooLarge extends Error {}

/** The body's chunks, stopping with RequestTooLarge past `maxBytes`. */
async function* capped(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw new RequestTooLarge();
    yield chunk;
  }
}

/** The STOW-RS response (PS3.18 10.5.3): 200 all stored, 202 some, 409 none. */
function answer(outcomes: readonly StoreOutcome[], base: string, studyUid: string | undefined): { status: number; body: JsonDataset } {
  const stored = outcomes.filter((o): o is Extract<StoreOutcome, { ok: true }> => o.ok);
  const failed = outcomes.filter((o): o is Extract<StoreOutcome, { ok: false }> => !o.ok);
  const body: JsonDataset = {};
  const studies = new Set(stored.map((o) => o.studyInstanceUid));
  const study = studyUid ?? (studies.size === 1 ? [...studies][0] : undefined);
  if (study) body['00081190'] = attribute('00081190', urls.study(base, study));
  if (failed.length > 0) {
    body['00081198'] = {
      vr: 'SQ',
      Value: failed.map((o) => ({
        ...(o.sopClassUid ? { '00081150': attribute('00081150', o.sopClassUid) } : {}),
        ...(o.sopInstanceUid ? { '00081155': attribute('00081155', o.sopInstanceUid) } : {}),
        '00081197': { vr: 'US', Value: [o.reason] },
      })),
    };
  }
  if (stored.length > 0) {
    body['00081199'] = {
      vr: 'SQ',
      Value: stored.map((o) => ({
        '00081150': attribute('00081150', o.sopClassUid),
        '00081155': attribute('00081155', o.sopInstanceUid),
        '00081190': attribute('00081190', urls.instance(base, o.studyInstanceUid, o.seriesInstanceUid, o.sopInstanceUid)),
      })),
    };
  }
  const status = failed.length === 0 ? 200 : stored.length > 0 ? 202 : 409;
  return { status, body };
}
