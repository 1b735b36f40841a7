// The searchable index over every code list: compact typed arrays built once, searched in memory.
import { type CodeEntryView, type CodeHit, type CodeListAbout, type CodeSystem, codeSystems } from '../../app/codes/schemas.ts';
import { foldedWords } from '../../app/text/fold.ts';
import { type CodeQuery, codeQueries, keyOfCode } from './code-keys.ts';
import type { CodeList, SourceEntry } from './sources.ts';

export interface CatalogueSearch {
  readonly query: string;
  readonly systems: readonly CodeSystem[];
  readonly limit: number;
  readonly includeInactive: boolean;
}

/**
 * How well an entry matched, best first: its code exactly, a code beginning with the query; the
 * preferred term exactly, beginning with the query, holding all query words; then the same three
 * for a synonym.
 */
enum Tier {
  CodeExact,
  CodePrefix,
  TermExact,
  TermPrefix,
  TermWords,
  SynonymExact,
  SynonymPrefix,
  SynonymWords,
  None,
}

interface Match {
  entry: number;
  tier: Tier;
  /** Which name matched: 0 the preferred term, 1.. its synonyms. */
  name: number;
}

/** Sorted keys with the entry each belongs to, so a prefix is one contiguous range. */
interface SortedKeys {
  readonly keys: string[];
  readonly entries: Int32Array;
  /** 1 where the key is an alternative code (HPO alt_id): found only when typed in full. */
  readonly alternative: Uint8Array;
}

/** The first index in sorted `keys` whose key is not below `probe`. */
function lowerBound(keys: readonly string[], probe: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < probe) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The range [from, to) of sorted `keys` that begin with `prefix`. */
function prefixRange(keys: readonly string[], prefix: string): [number, number] {
  return [lowerBound(keys, prefix), lowerBound(keys, `${prefix}\uffff`)];
}

/** Keeps the `limit` best matches seen, in order, without sorting everything that matched. */
class BestMatches {
  readonly #kept: Match[] = [];
  readonly #limit: number;
  readonly #compare: (a: Match, b: Match) => number;

  constructor(limit: number, compare: (a: Match, b: Match) => number) {
    this.#limit = limit;
    this.#compare = compare;
  }

  offer(match: Match): void {
    const kept = this.#kept;
    if (kept.length === this.#limit && this.#compare(match, kept[kept.length - 1]!) >= 0) return;
    let at = kept.length;
    while (at > 0 && this.#compare(match, kept[at - 1]!) < 0) at -= 1;
    kept.splice(at, 0, match);
    if (kept.length > this.#limit) kept.pop();
  }

  best(): Match[] {
    return this.#kept;
  }
}

export class CodeCatalogue {
  readonly #entries: SourceEntry[] = [];
  readonly #system: Uint8Array;
  readonly #about: CodeListAbout[];
  /** Folded words of every name, sorted; a word's id is its index. */
  readonly #vocab: string[];
  /** Entries holding each word: entries of word w are #postings[#postingStart[w] .. #postingStart[w+1]). */
  readonly #postingStart: Int32Array;
  readonly #postings: Int32Array;
  /** Names of entry e are #nameStart[e] .. #nameStart[e+1]-1; words of name n are #words[#wordStart[n] .. #wordStart[n+1]). */
  readonly #nameStart: Int32Array;
  readonly #wordStart: Int32Array;
  readonly #words: Int32Array;
  readonly #codes = new Map<CodeSystem, SortedKeys>();
  /** Marks entries already collected in the current search. */
  readonly #seen: Uint32Array;
  #generation = 0;

  constructor(lists: readonly CodeList[]) {
    for (const list of lists) for (const entry of list.entries) this.#entries.push(entry);
    this.#about = lists.map((list) => ({ ...list.about, codes: list.entries.length }));
    this.#system = new Uint8Array(this.#entries.length);
    this.#seen = new Uint32Array(this.#entries.length);

    // Pass 1: the words of every name, with provisional ids in order of appearance.
    const provisional = new Map<string, number>();
    const nameWords: number[][] = [];
    this.#nameStart = new Int32Array(this.#entries.length + 1);
    let at = 0;
    for (const list of lists) {
      const system = codeSystems.indexOf(list.about.system);
      for (const entry of list.entries) {
        this.#system[at] = system;
        this.#nameStart[at] = nameWords.length;
        for (const name of [entry.term, ...entry.synonyms]) {
          nameWords.push(foldedWords(name).map((word) => {
            let id = provisional.get(word);
            if (id === undefined) provisional.set(word, (id = provisional.size));
            return id;
          }));
        }
        at += 1;
      }
    }
    this.#nameStart[at] = nameWords.length;

    // Pass 2: sort the vocabulary so that a prefix is a range of ids, and renumber.
    this.#vocab = [...provisional.keys()].sort();
    const renumber = new Int32Array(provisional.size);
    this.#vocab.forEach((word, id) => (renumber[provisional.get(word)!] = id));
    this.#wordStart = new Int32Array(nameWords.length + 1);
    this.#words = new Int32Array(nameWords.reduce((sum, words) => sum + words.length, 0));
    let w = 0;
    nameWords.forEach((words, n) => {
      this.#wordStart[n] = w;
      for (const id of words) this.#words[w++] = renumber[id]!;
    });
    this.#wordStart[nameWords.length] = w;

    // Postings: each entry once per word it holds, in entry order.
    const counts = new Int32Array(this.#vocab.length + 1);
    const perEntry = (entry: number, visit: (word: number) => void) => {
      const unique = new Set<number>();
      for (let n = this.#nameStart[entry]!; n < this.#nameStart[entry + 1]!; n++) {
        for (let i = this.#wordStart[n]!; i < this.#wordStart[n + 1]!; i++) unique.add(this.#words[i]!);
      }
      unique.forEach(visit);
    };
    for (let e = 0; e < this.#entries.length; e++) perEntry(e, (word) => counts[word + 1]!++);
    for (let i = 1; i < counts.length; i++) counts[i]! += counts[i - 1]!;
    this.#postingStart = counts;
    this.#postings = new Int32Array(counts[this.#vocab.length]!);
    const fill = counts.slice(0, this.#vocab.length);
    for (let e = 0; e < this.#entries.length; e++) perEntry(e, (word) => (this.#postings[fill[word]!++] = e));

    for (const system of codeSystems) {
      const keyed: Array<{ key: string; entry: number; alternative: number }> = [];
      this.#entries.forEach((entry, e) => {
        if (codeSystems[this.#system[e]!] !== system) return;
        keyed.push({ key: keyOfCode(system, entry.code), entry: e, alternative: 0 });
        for (const code of entry.altCodes ?? []) keyed.push({ key: keyOfCode(system, code), entry: e, alternative: 1 });
      });
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.alternative - b.alternative));
      this.#codes.set(system, {
        keys: keyed.map(({ key }) => key),
        entries: Int32Array.from(keyed, ({ entry }) => entry),
        alternative: Uint8Array.from(keyed, ({ alternative }) => alternative),
      });
    }
  }

  /** Each list's name, release, licence and credit. */
  about(): CodeListAbout[] {
    return this.#about.map((about) => ({ ...about }));
  }

  /** One code in full, by its code or an alternative code of it (HPO alt_id gives the current term). */
  get(system: CodeSystem, code: string): CodeEntryView | undefined {
    for (const query of codeQueries(code)) {
      if (query.system !== system) continue;
      const { keys, entries } = this.#codes.get(system)!;
      const at = lowerBound(keys, query.key);
      if (keys[at] === query.key) return this.#view(entries[at]!);
    }
    return undefined;
  }

  /** Codes matching `query` as a code or by words, best first (see Tier). */
  search(options: CatalogueSearch): CodeHit[] {
    const wanted = new Set(options.systems);
    const generation = (this.#generation = (this.#generation + 1) >>> 0 || 1);
    const matches = new BestMatches(options.limit, (a, b) => this.#compare(a, b));
    const admit = (entry: number) =>
      wanted.has(codeSystems[this.#system[entry]!]!) && (options.includeInactive || this.#entries[entry]!.active) && this.#seen[entry] !== generation;

    for (const query of codeQueries(options.query)) {
      if (!wanted.has(query.system)) continue;
      for (const match of this.#codeMatches(query)) {
        if (!admit(match.entry)) continue;
        this.#seen[match.entry] = generation;
        matches.offer(match);
      }
    }

    const words = foldedWords(options.query);
    if (words.length > 0) {
      const ranges = words.map((word) => prefixRange(this.#vocab, word));
      const exact = words.map((word, i) => (this.#vocab[ranges[i]![0]] === word ? ranges[i]![0] : -1));
      // Drive by the query word with the fewest postings; check the others entry by entry.
      const cost = ([from, to]: [number, number]) => this.#postingStart[to]! - this.#postingStart[from]!;
      const driver = ranges.reduce((best, range) => (cost(range) < cost(best) ? range : best));
      for (let p = this.#postingStart[driver[0]]!; p < this.#postingStart[driver[1]]!; p++) {
        const entry = this.#postings[p]!;
        if (!admit(entry)) continue;
        this.#seen[entry] = generation;
        const match = this.#wordMatch(entry, ranges, exact);
        if (match.tier !== Tier.None) matches.offer(match);
      }
    }

    return matches.best().map((match) => this.#hit(match));
  }

  #codeMatches(query: CodeQuery): Match[] {
    const { keys, entries, alternative } = this.#codes.get(query.system)!;
    const [from, to] = prefixRange(keys, query.key);
    const found: Match[] = [];
    for (let i = from; i < to; i++) {
      const key = keys[i]!;
      if (query.length !== undefined && key.length !== query.length) continue;
      const exact = key === query.key;
      if (alternative[i] && !exact) continue;
      found.push({ entry: entries[i]!, tier: exact ? Tier.CodeExact : Tier.CodePrefix, name: 0 });
    }
    return found;
  }

  /** Order of results: tier; then shorter codes (code tiers) or shorter terms; then list; then code. */
  #compare(a: Match, b: Match): number {
    const ea = this.#entries[a.entry]!;
    const eb = this.#entries[b.entry]!;
    if (a.tier !== b.tier) return a.tier - b.tier;
    if (a.tier <= Tier.CodePrefix && ea.code.length !== eb.code.length) return ea.code.length - eb.code.length;
    if (a.tier > Tier.CodePrefix && ea.term.length !== eb.term.length) return ea.term.length - eb.term.length;
    if (this.#system[a.entry] !== this.#system[b.entry]) return this.#system[a.entry]! - this.#system[b.entry]!;
    return ea.code < eb.code ? -1 : ea.code > eb.code ? 1 : 0;
  }

  /** The best tier over an entry's names for query words given as id ranges (and exact ids, -1 if none). */
  #wordMatch(entry: number, ranges: ReadonlyArray<[number, number]>, exact: readonly number[]): Match {
    let best: Match = { entry, tier: Tier.None, name: 0 };
    const words = this.#words;
    const first = this.#nameStart[entry]!;
    const k = ranges.length;
    for (let n = first; n < this.#nameStart[entry + 1]!; n++) {
      const from = this.#wordStart[n]!;
      const to = this.#wordStart[n + 1]!;
      let all = true;
      for (let q = 0; q < k && all; q++) {
        const [lo, hi] = ranges[q]!;
        let found = false;
        for (let i = from; i < to && !found; i++) found = words[i]! >= lo && words[i]! < hi;
        all = found;
      }
      if (!all) continue;
      // Does the name begin with the query: all words but the last exactly, then the last as a prefix?
      let leading = to - from >= k;
      for (let q = 0; q < k - 1 && leading; q++) leading = words[from + q] === exact[q];
      const last = words[from + k - 1]!;
      const synonym = n > first;
      let tier: Tier;
      if (leading && to - from === k && last === exact[k - 1]) tier = synonym ? Tier.SynonymExact : Tier.TermExact;
      else if (leading && last >= ranges[k - 1]![0] && last < ranges[k - 1]![1]) tier = synonym ? Tier.SynonymPrefix : Tier.TermPrefix;
      else tier = synonym ? Tier.SynonymWords : Tier.TermWords;
      if (tier < best.tier) best = { entry, tier, name: n - first };
    }
    return best;
  }

  #hit(match: Match): CodeHit {
    const entry = this.#entries[match.entry]!;
    const base = { system: codeSystems[this.#system[match.entry]!]!, code: entry.code, term: entry.term, active: entry.active };
    if (match.tier >= Tier.SynonymExact) return { ...base, match: 'synonym', synonym: entry.synonyms[match.name - 1]! };
    return { ...base, match: match.tier <= Tier.CodePrefix ? 'code' : 'term' };
  }

  #view(e: number): CodeEntryView {
    const entry = this.#entries[e]!;
    return {
      system: codeSystems[this.#system[e]!]!,
      code: entry.code,
      term: entry.term,
      synonyms: [...entry.synonyms],
      active: entry.active,
      status: entry.status,
      ...(entry.replacedBy ? { replacedBy: entry.replacedBy } : {}),
    };
  }
}
