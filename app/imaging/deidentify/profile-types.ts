// Types of the de-identification rule table (PS3.15 Table E.1-1), shared by the generated table
// and the code that applies it.

/** Action codes of PS3.15 E.1.1 as they appear in Table E.1-1's Basic Profile column. */
export type BasicAction = 'D' | 'Z' | 'X' | 'K' | 'C' | 'U' | 'Z/D' | 'X/Z' | 'X/D' | 'X/Z/D' | 'X/Z/U*';

/** What an option column may say instead of the Basic Profile: keep or clean. */
export type OptionAction = 'K' | 'C';

/** The option columns of Table E.1-1, by the name this code uses for each. */
export const profileOptions = [
  'retainSafePrivate',
  'retainUids',
  'retainDeviceIdentity',
  'retainInstitutionIdentity',
  'retainPatientCharacteristics',
  'retainLongitudinalFullDates',
  'retainLongitudinalModifiedDates',
  'cleanDescriptors',
  'cleanStructuredContent',
  'cleanGraphics',
] as const;
export type ProfileOption = (typeof profileOptions)[number];

/**
 * One row of Table E.1-1. `tag` is `GGGGEEEE` in upper-case hex; `X` stands for any hex digit in the
 * repeating groups (`50XXXXXX` curves, `60XX3000` overlay data); the private-attribute row has the
 * tag `odd group`.
 */
export interface ProfileRow {
  readonly tag: string;
  readonly name: string;
  /** Column "In Std. Comp. IOD": used in a standard composite IOD of this edition. */
  readonly inStandardIod: boolean;
  readonly basic: BasicAction;
  readonly options: Readonly<Partial<Record<ProfileOption, OptionAction>>>;
}

/** The tag of the row standing for every private attribute (odd group). */
export const privateRowTag = 'odd group';
