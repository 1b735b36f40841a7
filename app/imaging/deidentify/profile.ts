// Table E.1-1 compiled into a lookup by tag, with the chosen options folded in: what to do with an
// attribute, before looking at its value.
import { profileTable } from './profile-table.ts';
import { type BasicAction, type OptionAction, type ProfileOption, type ProfileRow, privateRowTag } from './profile-types.ts';

/** The options this workstation implements (Table E.1-1 option columns it honours). */
export type SupportedOption = Extract<ProfileOption, 'retainLongitudinalModifiedDates' | 'retainPatientCharacteristics'>;

/** What the table says for one attribute under the chosen options. */
export interface Rule {
  readonly row: ProfileRow;
  /** The Basic Profile action, used when no chosen option speaks for the attribute. */
  readonly basic: BasicAction;
  /** K or C from the first chosen option with an entry for the attribute. */
  readonly option?: OptionAction;
}

/** Lookup of the rule for a tag `GGGGEEEE` (upper-case hex). */
export interface CompiledProfile {
  ruleFor(tag: string): Rule | undefined;
}

const curveRow = profileTable.find((row) => row.tag === '50XXXXXX');
const overlayRows = new Map(profileTable.filter((row) => row.tag.startsWith('60XX')).map((row) => [row.tag.slice(4), row]));
const privateRow = profileTable.find((row) => row.tag === privateRowTag);

/** Curves: every element of the even groups 5000-501E (the table's `50XX,XXXX`). */
export function isCurveGroup(group: number): boolean {
  return group >= 0x5000 && group <= 0x50ff && group % 2 === 0;
}

/** Overlays: the even groups 6000-601E. */
export function isOverlayGroup(group: number): boolean {
  return group >= 0x6000 && group <= 0x60ff && group % 2 === 0;
}

function ruleOf(row: ProfileRow, options: ReadonlySet<SupportedOption>): Rule {
  for (const option of options) {
    const action = row.options[option];
    if (action) return { row, basic: row.basic, option: action };
  }
  return { row, basic: row.basic };
}

/** Compiles the table once per set of options; lookups are one Map access (plus group checks for patterns). */
export function compileProfile(options: ReadonlySet<SupportedOption>): CompiledProfile {
  const exact = new Map<string, Rule>();
  for (const row of profileTable) if (!row.tag.includes('X') && row.tag !== privateRowTag) exact.set(row.tag, ruleOf(row, options));
  const curve = curveRow && ruleOf(curveRow, options);
  const overlays = new Map([...overlayRows].map(([element, row]) => [element, ruleOf(row, options)]));
  const privateRule = privateRow && ruleOf(privateRow, options);
  return {
    ruleFor(tag: string): Rule | undefined {
      const rule = exact.get(tag);
      if (rule) return rule;
      const group = parseInt(tag.slice(0, 4), 16);
      if (group % 2 === 1) return privateRule;
      if (isCurveGroup(group)) return curve;
      if (isOverlayGroup(group)) return overlays.get(tag.slice(4));
      return undefined;
    },
  };
}
