/**
 * The endpoint's data: company records generated from a seed, so every run, test and machine sees
 * the same companies. Each letter's records come from their own random stream (seed × letter),
 * so a letter's records do not depend on which other letters exist.
 *
 * Query rules (what `GET /api/company/search/?q=` answers):
 * - a single letter `a`..`z` (either case): that letter's records, `recordsPerLetter` of them;
 * - a longer query: the records whose name starts with it, case-insensitively (a prefix search,
 *   as a company search box does), e.g. `ke` → names starting with "Ke";
 * - an empty query, or one not starting with a letter `a`..`z`: an empty list (not an error: a
 *   search with no hits is a normal answer).
 */
import { LETTERS } from "./letter.js";
import type { CompanyRecord } from "./record.js";
import { deriveSeed, pick, randomInt, seededRandom, type Random } from "./random.js";

/** Seed used when none is given. */
export const DEFAULT_SEED = 1;
/** Records per letter when none is given ("about 10", as the original API answered). */
export const DEFAULT_RECORDS_PER_LETTER = 10;
/** Upper bound of `recordsPerLetter`, to keep a mistyped flag from allocating gigabytes. */
export const MAX_RECORDS_PER_LETTER = 10_000;

/** Options of {@link generateDataset}. */
export interface DatasetOptions {
  /** @default 1 */
  seed?: number;
  /** @default 10 */
  recordsPerLetter?: number;
}

/** The generated companies, indexed for search. */
export interface Dataset {
  readonly seed: number;
  readonly recordsPerLetter: number;
  /** The records of one letter `a`..`z` (empty for anything else). */
  letter(letter: string): readonly CompanyRecord[];
  /** What the endpoint answers for `?q=query`; see the module comment for the rules. */
  search(query: string): CompanyRecord[];
}

/**
 * Generates the dataset for a seed. Pure: same options, same records.
 * @example generateDataset({ seed: 7 }).letter("a").length // 10
 */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const perLetter = options.recordsPerLetter ?? DEFAULT_RECORDS_PER_LETTER;
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative integer, got ${String(seed)}`);
  }
  if (!Number.isSafeInteger(perLetter) || perLetter < 0 || perLetter > MAX_RECORDS_PER_LETTER) {
    throw new RangeError(
      `recordsPerLetter must be an integer from 0 to ${MAX_RECORDS_PER_LETTER}, got ${String(perLetter)}`,
    );
  }
  const byLetter = new Map<string, readonly CompanyRecord[]>();
  [...LETTERS].forEach((letter, index) => {
    byLetter.set(letter, generateLetter(letter, seed, perLetter, index * perLetter + 1));
  });
  return {
    seed,
    recordsPerLetter: perLetter,
    letter: (letter) => byLetter.get(letter) ?? [],
    search(query) {
      const q = query.toLowerCase();
      const bucket = byLetter.get(q.charAt(0));
      if (!bucket) return [];
      return q.length === 1
        ? [...bucket]
        : bucket.filter((record) => record.name.toLowerCase().startsWith(q));
    },
  };
}

/** The records of one letter, ids counting up from `firstId`. */
function generateLetter(letter: string, seed: number, count: number, firstId: number): CompanyRecord[] {
  const random = seededRandom(deriveSeed(seed, letter));
  const names = new Set<string>();
  const codes = new Set<string>();
  const records: CompanyRecord[] = [];
  for (let i = 0; i < count; i++) {
    // Redraw on a clash: a search result listing the same company twice would look wrong. The
    // bound only guards against an endless loop; with these word lists clashes are rare.
    let name = companyName(random, letter);
    for (let tries = 0; names.has(name) && tries < 100; tries++) name = companyName(random, letter);
    let code = companyCode(random, letter);
    for (let tries = 0; codes.has(code) && tries < 100; tries++) code = companyCode(random, letter);
    names.add(name);
    codes.add(code);
    records.push({ id: firstId + i, name, url: `/company/${code}/` });
  }
  return records;
}

const VOWELS = "aeiou";
const CONSONANTS = "bcdfghklmnprstvz";
// Endings are chosen by what the word ends with, so that no vowel or consonant triple appears.
const AFTER_VOWEL = ["", "", "n", "r", "x", "s", "l", "nt", "ll", "rd", "th"];
const AFTER_CONSONANT = ["", "a", "on", "ex", "ia", "is", "or", "ar", "en", "ica", "ora"];
const SECTORS = [
  "Analytics", "Logistics", "Holdings", "Foods", "Capital", "Labs", "Systems", "Partners", "Energy",
  "Software", "Textiles", "Pharma", "Consulting", "Engineering", "Media", "Robotics", "Motors",
  "Networks", "Biotech", "Trading", "Construction", "Ventures", "Foundry", "Health", "Studios",
]; // prettier-ignore
const QUALIFIERS = [
  "Global",
  "United",
  "National",
  "Pacific",
  "Northern",
  "Digital",
  "First",
  "Royal",
  "Apex",
];
const FORMS = ["Ltd", "Inc.", "LLC", "plc", "GmbH", "S.A.", "Pvt Ltd", "Co.", "LLP", "AG", "Group"];

/** A pronounceable made-up word starting with `letter`, e.g. "Kelvara". */
function word(random: Random, letter: string): string {
  let text = letter;
  // "q" alone reads oddly; real names almost always continue with "u".
  if (letter === "q") text += "u";
  let vowelNext = !VOWELS.includes(text.at(-1)!);
  const target = randomInt(random, 3, 7);
  while (text.length < target) {
    text += pick(random, [...(vowelNext ? VOWELS : CONSONANTS)]);
    vowelNext = !vowelNext;
  }
  text += pick(random, vowelNext ? AFTER_CONSONANT : AFTER_VOWEL);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A realistic-looking company name starting with `letter`, 5 to 60 characters. */
function companyName(random: Random, letter: string): string {
  const first = word(random, letter);
  const shape = random();
  let name: string;
  if (shape < 0.35) name = `${first} ${pick(random, SECTORS)} ${pick(random, FORMS)}`;
  else if (shape < 0.55) name = `${first} ${pick(random, SECTORS)}`;
  else if (shape < 0.7)
    name = `${first} & ${word(random, pick(random, [...CONSONANTS]))} ${pick(random, FORMS)}`;
  else if (shape < 0.85)
    name = `${first} ${pick(random, QUALIFIERS)} ${pick(random, SECTORS)} ${pick(random, FORMS)}`;
  else if (shape < 0.9) {
    // The long tail: a few names near the 60-character limit, as real registries have.
    name = `${first} ${word(random, pick(random, [...CONSONANTS]))} ${pick(random, QUALIFIERS)} ${pair(random, SECTORS).join(" and ")} ${pick(random, FORMS)}`;
  } else name = `${first} ${pick(random, FORMS)}`;
  // By construction names are 7..60 characters; the clamp only documents the contract.
  return name.length > 60 ? name.slice(0, 60).trimEnd() : name.padEnd(5, ".");
}

/** Two different elements of a list. */
function pair<T>(random: Random, items: readonly T[]): [T, T] {
  const first = pick(random, items);
  return [
    first,
    pick(
      random,
      items.filter((item) => item !== first),
    ),
  ];
}

/** The page code in `/company/{code}/`: the letter, upper-cased, then 3 to 9 letters or digits. */
function companyCode(random: Random, letter: string): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  let code = letter.toUpperCase();
  const length = randomInt(random, 4, 10);
  while (code.length < length) code += pick(random, [...alphabet]);
  return code;
}
