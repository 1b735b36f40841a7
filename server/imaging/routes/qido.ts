// QIDO-RS (PS3.18 10.6): searches for studies, series and instances the caller may read, answered in
// application/dicom+json with the standard's default attributes (and includefield's extras).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from '../../identity/service.ts';
import type { JsonDataset } from '../dicom/json.ts';
import { acceptsDicomJson } from '../http/accept.ts';
import {
  instanceAttributes,
  instanceValues,
  type Level,
  matches,
  parseQido,
  QidoQueryError,
  type QidoSearch,
  type Values,
  seriesAttributes,
  seriesValues,
  studyAttributes,
  studyValues,
} from '../qido.ts';
import type { InstanceWithParents, SeriesWithStudy, StudyWithCounts } from '../repo.ts';
import type { ImagingService } from '../service.ts';
import { baseUrl, callerOf, HttpProblem, notAcceptable, notFound, pathUid, urls } from './http.ts';

interface Path {
  study?: string;
  series?: string;
}

/** One search result: its matchable values, its default answer, and the instance that stands for it. */
interface Hit {
  readonly values: Values;
  readonly answer: JsonDataset;
  /** Every attribute the index holds for it (includefield=all at study and series level). */
  readonly indexed: JsonDataset;
  readonly representative: () => Promise<InstanceWithParents | undefined>;
}

export function registerQido(app: FastifyInstance, service: ImagingService): void {
  const route = (level: Level) => async (request: FastifyRequest<{ Params: Path }>, reply: FastifyReply) => {
    if (!acceptsDicomJson(request.headers.accept)) throw notAcceptable('QIDO-RS answers application/dicom+json');
    let search: QidoSearch;
    try {
      search = parseQido(request.query as Record<string, unknown>, level);
    } catch (error) {
      if (error instanceof QidoQueryError) throw new HttpProblem(400, 'invalid_input', error.message);
      throw error;
    }
    const path = { study: request.params.study === undefined ? undefined : pathUid(request.params.study), series: request.params.series === undefined ? undefined : pathUid(request.params.series) };
    const hits = await find(service, callerOf(request), level, path, search, baseUrl(request));
    if (hits === undefined) throw notFound();
    const page = hits.filter((hit) => matches(hit.values, search.filters)).slice(search.offset, search.limit === undefined ? undefined : search.offset + search.limit);
    const answers = await Promise.all(page.map((hit) => withIncludes(service, hit, search, level)));
    const warnings: string[] = [];
    if (search.fuzzy) warnings.push('The fuzzymatching parameter is not supported. Only literal matching has been performed.');
    if (search.ignoredKeys.length > 0) warnings.push(`The following attributes are not supported for matching: ${search.ignoredKeys.join(', ').slice(0, 500)}`);
    if (warnings.length > 0) reply.header('Warning', warnings.map((text) => `299 consilium: "${text}"`).join(', '));
    return reply.type('application/dicom+json').send(answers);
  };
  app.get('/studies', route('study'));
  app.get('/series', route('series'));
  app.get('/instances', route('instance'));
  app.get('/studies/:study/series', route('series'));
  app.get('/studies/:study/instances', route('instance'));
  app.get('/studies/:study/series/:series/instances', route('instance'));
}

const uidList = (value: string | undefined) => (value ? value.split(/[,\\]/).map((uid) => uid.trim()).filter(Boolean) : undefined);

/** The candidates the caller may read, narrowed by the path and UID keys; undefined when the path names nothing readable. */
async function find(service: ImagingService, caller: Caller, level: Level, path: { study: string | undefined; series: string | undefined }, search: QidoSearch, base: string): Promise<Hit[] | undefined> {
  const studyUids = path.study ? [path.study] : uidList(search.filters.get('0020000D'));
  const seriesUids = path.series ? [path.series] : uidList(search.filters.get('0020000E'));
  const sopUids = uidList(search.filters.get('00080018'));
  const scoped = path.study !== undefined;
  if (level === 'study') {
    const studies = await service.studies(caller, { studyUids });
    return studies.map((study) => studyHit(service, caller, study, base));
  }
  if (level === 'series') {
    const series = await service.series(caller, { studyUids, seriesUids });
    if (scoped && series.length === 0 && (await service.studies(caller, { studyUids })).length === 0) return undefined;
    return series.map((one) => seriesHit(service, caller, one, base, !scoped));
  }
  const instances = await service.instances(caller, { studyUids, seriesUids, sopUids });
  if (scoped && instances.length === 0 && (await service.series(caller, { studyUids, seriesUids })).length === 0) return undefined;
  return instances.map((instance) => instanceHit(instance, base, !scoped, path.series === undefined));
}

function studyHit(service: ImagingService, caller: Caller, study: StudyWithCounts, base: string): Hit {
  const answer = studyAttributes(study, urls.study(base, study.studyInstanceUid));
  return {
    values: studyValues(study),
    answer,
    indexed: answer,
    representative: async () => (await service.instances(caller, { studyUids: [study.studyInstanceUid] }))[0],
  };
}

function seriesHit(service: ImagingService, caller: Caller, series: SeriesWithStudy, base: string, withStudy: boolean): Hit {
  const own = seriesAttributes(series, urls.series(base, series.study.studyInstanceUid, series.seriesInstanceUid));
  const study = studyAttributes(series.study, undefined);
  return {
    values: new Map([...studyValues(series.study), ...seriesValues(series)]),
    answer: withStudy ? { ...study, ...own } : own,
    indexed: { ...study, ...own },
    representative: async () => (await service.instances(caller, { studyUids: [series.study.studyInstanceUid], seriesUids: [series.seriesInstanceUid] }))[0],
  };
}

function instanceHit(instance: InstanceWithParents, base: string, withStudy: boolean, withSeries: boolean): Hit {
  const { series } = instance;
  const own = instanceAttributes(instance, urls.instance(base, series.study.studyInstanceUid, series.seriesInstanceUid, instance.sopInstanceUid));
  const study = studyAttributes(series.study, undefined);
  const seriesAnswer = seriesAttributes(series, undefined);
  return {
    values: new Map([...studyValues(series.study), ...seriesValues(series), ...instanceValues(instance)]),
    answer: { ...(withStudy ? study : {}), ...(withSeries ? seriesAnswer : {}), ...own },
    indexed: { ...study, ...seriesAnswer, ...own },
    representative: async () => instance,
  };
}

/**
 * The answer with includefield's extras: attributes the index holds, and others read from the
 * header of an instance that stands for the result (for `all` at instance level: its whole header).
 */
async function withIncludes(service: ImagingService, hit: Hit, search: QidoSearch, level: Level): Promise<JsonDataset> {
  const answer: JsonDataset = { ...hit.answer };
  if (search.includeAll) Object.assign(answer, hit.indexed);
  const missing = search.includeFields.filter((tag) => !(tag in answer) && !(tag in hit.indexed));
  for (const tag of search.includeFields) if (tag in hit.indexed) answer[tag] = hit.indexed[tag] as JsonDataset[string];
  const wantsHeader = missing.length > 0 || (search.includeAll && level === 'instance');
  if (!wantsHeader) return sortByTag(answer);
  const instance = await hit.representative();
  if (!instance) return sortByTag(answer);
  const header = await service.metadata(instance, () => '');
  for (const [tag, value] of Object.entries(header)) {
    // QIDO answers carry no bulk data (PS3.18 10.6.3.3).
    if (value.BulkDataURI !== undefined || value.InlineBinary !== undefined || tag.startsWith('0002')) continue;
    if (missing.includes(tag) || (search.includeAll && level === 'instance' && !(tag in answer))) answer[tag] = value;
  }
  return sortByTag(answer);
}

function sortByTag(dataset: JsonDataset): JsonDataset {
  return Object.fromEntries(Object.entries(dataset).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
