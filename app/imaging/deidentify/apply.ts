// Applies the compiled profile to a dcmjs dataset in place, at every depth of sequences: the action
// codes of PS3.15 E.1.1, the date policy, UID replacement and the patient's pseudonym.
import dcmjs, { type DcmjsDict, type DcmjsElement } from 'dcmjs';
import { type DatePolicy, modifiedTemporalValue } from './dates.ts';
import { type CompiledProfile, isOverlayGroup, type Rule } from './profile.ts';
import type { UidMap } from './uids.ts';

export interface CleanContext {
  readonly profile: CompiledProfile;
  readonly dates: DatePolicy;
  readonly uids: UidMap;
  /** Replacement Patient's Name (0010,0010): the nickname. */
  readonly patientName: string;
  /** Replacement Patient ID (0010,0020): the pseudonymous id. */
  readonly patientId: string;
}

/** A single action, after compound codes and options have been resolved for one element. */
type Action = 'remove' | 'empty' | 'dummy' | 'keep' | 'uid' | 'modifyDates' | 'keepReplacingUids';

const patientNameTag = '00100010';
const patientIdTag = '00100020';
const temporalVrs = new Set(['DA', 'DT', 'TM']);
/** Free-text and identifier VRs that a dummy sequence (action D on SQ) may not carry through. */
const textVrs = new Set(['AE', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT', 'UR']);
const dummyText = 'ANONYMIZED';

const dictionaryVrs = new Map<string, string | null>();
/** The VR of a standard attribute in the data dictionary dcmjs carries (repeating groups included); undefined if unknown. */
export function standardVr(tag: string): string | undefined {
  let vr = dictionaryVrs.get(tag);
  if (vr === undefined) {
    vr = dcmjs.data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`]?.vr ?? null;
    dictionaryVrs.set(tag, vr);
  }
  return vr ?? undefined;
}

const isStandardAttribute = (tag: string) => standardVr(tag) !== undefined;

/**
 * Attributes removed whatever their value: the table's X (unless an option keeps them), private
 * attributes, group lengths, command and file meta groups, whole overlay groups when Overlay Data
 * goes, and attributes this dictionary does not know (not known to be safe).
 */
export function removedByTag(tag: string, context: CleanContext): boolean {
  const group = parseInt(tag.slice(0, 4), 16);
  if (group % 2 === 1 || group <= 0x0002 || tag.endsWith('0000')) return true;
  const rule = context.profile.ruleFor(tag);
  if (rule) return rule.basic === 'X' && rule.option !== 'K' && !(rule.option === 'C' && canClean(rule, context));
  if (isOverlayGroup(group)) {
    const overlayData = context.profile.ruleFor(`${tag.slice(0, 4)}3000`);
    return overlayData?.basic === 'X' && overlayData.option === undefined;
  }
  return !isStandardAttribute(tag);
}

/** C is implemented for dates only (the Modified Dates option); other C entries fall back to the Basic Profile. */
function canClean(rule: Rule, context: CleanContext): boolean {
  return context.dates === 'yearMonth' && rule.row.options.retainLongitudinalModifiedDates === 'C';
}

function hasValue(element: DcmjsElement): boolean {
  return (element.Value ?? []).some((value) => {
    if (value === null || value === undefined || value === '') return false;
    if (typeof value === 'object' && !(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value) && 'Alphabetic' in value) {
      return Boolean((value as { Alphabetic?: string }).Alphabetic);
    }
    return true;
  });
}

/**
 * Compound codes by what the instance shows: a present, non-empty value may be a Type 1 attribute
 * (so D where the code allows it, else Z); an empty one is at most Type 2 (Z where allowed, else X).
 * X/Z/U* keeps a non-empty sequence with its UIDs replaced.
 */
function basicAction(code: string, element: DcmjsElement): Action {
  const filled = hasValue(element);
  switch (code) {
    case 'X': return 'remove';
    case 'Z': return 'empty';
    case 'D': return 'dummy';
    case 'K': return 'keep';
    case 'U': return 'uid';
    case 'C': return 'dummy';
    case 'X/Z': return 'empty';
    case 'X/Z/U*': return filled ? 'keepReplacingUids' : 'empty';
    case 'Z/D':
    case 'X/Z/D': return filled ? 'dummy' : 'empty';
    case 'X/D': return filled ? 'dummy' : 'remove';
    default: return 'remove';
  }
}

function actionFor(tag: string, element: DcmjsElement, context: CleanContext, inDummySequence: boolean): Action {
  if (removedByTag(tag, context)) return 'remove';
  const rule = context.profile.ruleFor(tag);
  const temporal = temporalVrs.has(element.vr);
  if (!rule) {
    // Dates and times the table does not list are still dates: treated like a listed one (X/Z/D, Modified Dates: C).
    if (temporal) return context.dates === 'yearMonth' ? 'modifyDates' : basicAction('X/Z/D', element);
    if (element.vr === 'SQ') return 'keep';
    return inDummySequence && textVrs.has(element.vr) ? 'dummy' : 'keep';
  }
  if (rule.option === 'K') return 'keep';
  if (rule.option === 'C' && canClean(rule, context) && temporal) return 'modifyDates';
  return basicAction(rule.basic, element);
}

function dummyValues(element: DcmjsElement, context: CleanContext): unknown[] | undefined {
  switch (element.vr) {
    case 'PN': return [{ Alphabetic: dummyText }];
    case 'DA': return ['19000101'];
    case 'TM': return ['000000'];
    case 'DT': return ['19000101000000'];
    case 'AS': return ['000Y'];
    case 'UI': return replaceUids(element, context);
    case 'AE': case 'CS': case 'LO': case 'LT': case 'SH': case 'ST': case 'UC': case 'UT': case 'UR': return [dummyText];
    case 'DS': case 'IS': case 'FL': case 'FD': case 'SL': case 'SS': case 'UL': case 'US': case 'SV': case 'UV': return [0];
    case 'OB': case 'OW': case 'OF': case 'OD': case 'OL': case 'OV': case 'UN': return [new ArrayBuffer(element.vr === 'OD' || element.vr === 'OV' ? 8 : 4)];
    default: return undefined;
  }
}

function replaceUids(element: DcmjsElement, context: CleanContext): unknown[] {
  return (element.Value ?? []).map((value) => (typeof value === 'string' && value.trim() !== '' ? context.uids.replace(value.trim()) : value));
}

/** Modified Dates: each value reduced; a value that is not a date falls back to the Basic Profile's dummy. */
function modifiedDates(element: DcmjsElement): unknown[] | undefined {
  const values: unknown[] = [];
  for (const value of element.Value ?? []) {
    if (typeof value !== 'string' || value.trim() === '') {
      values.push(value);
      continue;
    }
    const modified = modifiedTemporalValue(element.vr, value);
    if (modified === undefined) return undefined;
    values.push(modified);
  }
  return values;
}

function items(element: DcmjsElement): DcmjsDict[] {
  return (element.Value ?? []).filter((item): item is DcmjsDict => typeof item === 'object' && item !== null);
}

/** Cleans `dict` in place; items of sequences are cleaned with the same rules, at any depth. */
export function cleanDataset(dict: DcmjsDict, context: CleanContext, inDummySequence = false): void {
  for (const tag of Object.keys(dict)) {
    const element = dict[tag]!;
    if (tag === patientNameTag && element.vr === 'PN') {
      dict[tag] = { vr: 'PN', Value: [{ Alphabetic: context.patientName }] };
      continue;
    }
    if (tag === patientIdTag) {
      dict[tag] = { vr: element.vr, Value: [context.patientId] };
      continue;
    }
    const action = actionFor(tag, element, context, inDummySequence);
    if (element.vr === 'SQ') {
      cleanSequence(dict, tag, element, action, context, inDummySequence);
      continue;
    }
    let values: unknown[] | undefined;
    switch (action) {
      case 'remove': values = undefined; break;
      case 'empty': values = []; break;
      case 'keep': continue;
      case 'uid':
      case 'keepReplacingUids': values = element.vr === 'UI' ? replaceUids(element, context) : dummyValues(element, context); break;
      case 'dummy': values = dummyValues(element, context); break;
      case 'modifyDates': values = modifiedDates(element) ?? (hasValue(element) ? dummyValues(element, context) : []); break;
    }
    if (values === undefined) delete dict[tag];
    else dict[tag] = { vr: element.vr, Value: values };
  }
}

/** Sequences: X removes, Z empties, K and U* keep and clean the items, D keeps them cleaned with free text replaced by dummies. */
function cleanSequence(dict: DcmjsDict, tag: string, element: DcmjsElement, action: Action, context: CleanContext, inDummySequence: boolean): void {
  if (action === 'remove') {
    delete dict[tag];
    return;
  }
  if (action === 'empty') {
    dict[tag] = { vr: 'SQ', Value: [] };
    return;
  }
  const dummy = inDummySequence || action === 'dummy';
  const cleaned = items(element);
  for (const item of cleaned) cleanDataset(item, context, dummy);
  dict[tag] = { vr: 'SQ', Value: cleaned };
}
