// Searching and reading clinical codes: validated inputs in, the catalogue loaded on first use.
import { type CodeEntryView, type CodeGetInput, type CodeHit, type CodeListAbout, type CodeSearchOptions, codeSystems } from '../../app/codes/schemas.ts';
import { DomainError } from '../../app/errors.ts';
import type { CodeCatalogue } from './catalogue.ts';

export class CodesService {
  readonly #catalogue: () => Promise<CodeCatalogue>;

  /** `catalogue` gives the index, loading it the first time (see load.ts). */
  constructor(catalogue: () => Promise<CodeCatalogue>) {
    this.#catalogue = catalogue;
  }

  /** Codes matching a code or words, best first; inactive codes only when asked for. */
  async search(input: CodeSearchOptions): Promise<CodeHit[]> {
    const catalogue = await this.#catalogue();
    return catalogue.search({
      query: input.query,
      systems: input.systems ?? codeSystems,
      limit: input.limit,
      includeInactive: input.includeInactive,
    });
  }

  /** One code in full; `not_found` when the list has no such code. */
  async get(input: CodeGetInput): Promise<CodeEntryView> {
    const entry = (await this.#catalogue()).get(input.system, input.code);
    if (!entry) throw new DomainError('not_found');
    return entry;
  }

  /** Each list's name, release, licence and the credit to show with its terms. */
  async about(): Promise<CodeListAbout[]> {
    return (await this.#catalogue()).about();
  }
}
