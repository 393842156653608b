/**
 * Street addresses as comparable keys. ServiceTitan stores a location address exactly as the office
 * typed it ("18 Orchard Lane, Apt. 2", "18 ORCHARD LN #2", unit in `street` or in `unit`), and its
 * `street`/`zip` list filters compare that raw text, so the worker fetches candidates and compares
 * normalised keys on its side instead of trusting the API to match.
 *
 * The canonical street is "NUMBER [PREDIR] NAME SUFFIX [POSTDIR] [UNITDESIG UNITNUM]...", upper-case
 * and punctuation-free, with USPS Publication 28 abbreviations (C1 suffixes, C2 unit designators,
 * directionals). This is not address validation (no CASS, no ZIP+4 lookup): it only makes two
 * spellings of the same address compare equal.
 *
 * Units: the designator is kept in `normalizeStreet` but ignored by `addressKey`, which compares unit
 * numbers only, so "Apt 2", "Unit 2", "#2", "Apartment #2" and a separate `unit: "2"` all match.
 * Offices and storefronts pick designators arbitrarily; two units with the same number at the same
 * street address are, in practice, the same unit. Designators without a number ("REAR", "BSMT")
 * compare by the designator.
 */
import {
  directionals,
  ordinalWords,
  rangedUnitDesignators,
  streetSuffixes,
  unrangedUnitDesignators,
} from "./street-words.ts";
import { toStateCode } from "./us-states.ts";

export interface AddressLike {
  street: string;
  unit?: string | null | undefined;
  city: string;
  state: string;
  zip: string;
  country?: string | null | undefined;
}

export interface StreetUnit {
  /** USPS designator ("APT", "STE", "REAR"), or "#" when the value had none. */
  designator: string;
  /** Unit number without spaces or leading zeros ("2", "2B"); "" for designators that stand alone. */
  id: string;
}

export interface ParsedStreet {
  /** "18 ORCHARD LN" */
  primary: string;
  units: StreetUnit[];
}

/**
 * Upper-case, no diacritics or invisible format characters; periods and apostrophes vanish
 * ("N.E." → "NE"), "#" becomes its own word, a "/" between digits survives ("123 1/2"), and every
 * other non-alphanumeric character separates words.
 */
function words(value: string | null | undefined): string[] {
  if (!value) return [];
  const cleaned = value
    .toUpperCase()
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]+/gu, "")
    .replace(/['’ʼ`´.]/g, "")
    .replace(/#/g, " # ")
    .replace(/(?<!\d)\/|\/(?!\d)/g, " ")
    .replace(/[^\p{L}\p{N}#/]+/gu, " ")
    .trim();
  if (cleaned === "") return [];
  return cleaned.split(" ").flatMap(splitGluedUnit);
}

/** "APT2" → ["APT", "2"]: designators typed without a space. */
function splitGluedUnit(word: string): string[] {
  const match = /^(APT|STE|UNIT|BLDG|RM|SPC|LOT|TRLR|DEPT|STOP|SLIP|HNGR)(\d[\dA-Z]*)$/.exec(word);
  return match ? [match[1] as string, match[2] as string] : [word];
}

const startsWithDigit = (word: string | undefined): boolean => word !== undefined && /^\d/.test(word);
const ordinalFloor = /^(\d+)(?:ST|ND|RD|TH)$/;

/** A word that can follow a designator as its number: has a digit, or is a single letter/"#". */
function isUnitId(word: string | undefined): boolean {
  return word !== undefined && (/\d/.test(word) || /^[A-Z]$/.test(word) || word === "#");
}

function isFloorDesignator(word: string | undefined): boolean {
  return word !== undefined && rangedUnitDesignators.get(word) === "FL";
}

/** Where an embedded unit starts in the street's words, or -1. */
function unitStart(tokens: readonly string[]): number {
  // The house number and the first name word are never a unit ("100 Lot Rd", "12 Upper Ridge Rd").
  const first = startsWithDigit(tokens[0]) ? 2 : 1;
  for (let i = first; i < tokens.length; i++) {
    const word = tokens[i] as string;
    const next = tokens[i + 1];
    if (word === "#") return i;
    if (rangedUnitDesignators.has(word) && isUnitId(next)) return i;
    if (ordinalFloor.test(word) && isFloorDesignator(next)) return i;
    if (unrangedUnitDesignators.has(word) && (next === undefined || isDesignator(next))) return i;
  }
  return -1;
}

function isDesignator(word: string): boolean {
  return word === "#" || rangedUnitDesignators.has(word) || unrangedUnitDesignators.has(word);
}

function unitId(parts: readonly string[]): string {
  const id = parts.join("");
  return /^\d+$/.test(id) ? id.replace(/^0+(?=\d)/, "") : id;
}

/** Reads "APT 2 BLDG B", "# 2", "2ND FL", "REAR" or a bare "2B" into units. */
function parseUnits(tokens: readonly string[]): StreetUnit[] {
  const units: StreetUnit[] = [];
  let i = 0;
  while (i < tokens.length) {
    const word = tokens[i] as string;
    const floor = ordinalFloor.exec(word);
    if (floor && isFloorDesignator(tokens[i + 1])) {
      units.push({ designator: "FL", id: unitId([floor[1] as string]) });
      i += 2;
      continue;
    }
    let designator = "#";
    if (isDesignator(word)) {
      designator = rangedUnitDesignators.get(word) ?? unrangedUnitDesignators.get(word) ?? "#";
      i++;
      if (tokens[i] === "#") i++; // "APT # 2"
    }
    const idParts: string[] = [];
    while (i < tokens.length && !isDesignator(tokens[i] as string)) idParts.push(tokens[i++] as string);
    const id = unitId(idParts);
    if (id !== "" || designator !== "#") units.push({ designator, id });
  }
  return units;
}

/** Folds "NORTH EAST"/"N E" to "NE" and each directional word to its letters. */
function foldDirectionals(tokens: readonly string[]): string[] {
  const folded = tokens.map((word) => directionals.get(word) ?? word);
  const out: string[] = [];
  for (const word of folded) {
    const previous = out[out.length - 1];
    if ((previous === "N" || previous === "S") && (word === "E" || word === "W")) out[out.length - 1] = previous + word;
    else out.push(word);
  }
  return out;
}

const isDirectional = (word: string | undefined): boolean => word !== undefined && directionals.has(word);

/** "PO BOX 12", "P.O. Box 12", "Post Office Box 12", "POB 12" → "PO BOX 12". */
const poBox = /^(?:P ?O|POST OFFICE|POB)(?: BOX)?(?= |$)/;

/**
 * Number, name, suffix and directionals of the primary line. Only the last name word is read as the
 * suffix ("LAKE SHORE DRIVE" → "LAKE SHORE DR"), plus a suffix word directly before a number or a
 * single letter ("STATE HIGHWAY 9" → "STATE HWY 9", "AVENUE A" → "AVE A"). Leading and trailing
 * directional words are pre/post-directionals; a street named only by a directional keeps it.
 */
function normalizePrimary(tokens: readonly string[]): string {
  const line = tokens.join(" ");
  if (poBox.test(line) && (tokens[0] !== "PO" || tokens[1] === "BOX" || startsWithDigit(tokens[1]))) {
    return `PO BOX ${line.replace(poBox, "")}`.replace(/ +/g, " ").trim();
  }
  const hasNumber = startsWithDigit(tokens[0]);
  const number = hasNumber ? tokens.slice(0, 1) : [];
  const name = tokens.slice(number.length).map((word) => ordinalWords.get(word) ?? word);

  let pre = 0;
  while (pre < name.length - 1 && isDirectional(name[pre])) pre++;
  let post = name.length;
  while (post - 1 > pre && isDirectional(name[post - 1])) post--;

  const core = name.slice(pre, post);
  const last = core.length - 1;
  const abbreviated = core.map((word, i) => {
    const standard = streetSuffixes.get(word);
    if (standard === undefined) return word;
    const isSuffix = i === last && pre + i >= 1;
    const next = core[i + 1];
    const namesARoute = next !== undefined && (startsWithDigit(next) || /^[A-Z]$/.test(next));
    return isSuffix || namesARoute ? standard : word;
  });
  return [
    ...number,
    ...foldDirectionals(name.slice(0, pre)),
    ...abbreviated,
    ...foldDirectionals(name.slice(post)),
  ].join(" ");
}

/**
 * Splits the street line (and the separate unit field, when given) into the primary line and its
 * units. A unit embedded in the street ("18 Orchard Ln Apt 2", "18 Orchard Ln #2") and one in the
 * separate field give the same result; the same unit given in both places is kept once.
 */
export function parseStreet(street: string, unit?: string | null): ParsedStreet {
  const tokens = words(street);
  const start = unitStart(tokens);
  const primaryTokens = start >= 0 ? tokens.slice(0, start) : tokens;
  const unitTokens = [...(start >= 0 ? tokens.slice(start) : []), ...words(unit)];
  const units: StreetUnit[] = [];
  const seen = new Set<string>();
  for (const parsed of parseUnits(unitTokens)) {
    const key = unitKey(parsed);
    if (seen.has(key)) continue;
    seen.add(key);
    units.push(parsed);
  }
  return { primary: normalizePrimary(primaryTokens), units };
}

/** What `addressKey` compares for a unit: its number, or the designator when it has none. */
function unitKey(unit: StreetUnit): string {
  return unit.id === "" ? unit.designator : unit.id;
}

/**
 * "18 Orchard Lane", "Apt. 2" → "18 ORCHARD LN APT 2"; "500 north-east Main Street Suite #300" →
 * "500 NE MAIN ST STE 300". Designators are kept here (for display and ServiceTitan's `unit`); use
 * `addressKey`/`sameAddress` to compare, which ignore them.
 */
export function normalizeStreet(street: string, unit?: string | null): string {
  const { primary, units } = parseStreet(street, unit);
  const unitText = units.map((u) => (u.id === "" ? u.designator : `${u.designator} ${u.id}`));
  return [primary, ...unitText].filter((part) => part !== "").join(" ");
}

/** City words with the common abbreviations spelled out ("St. Louis" ≡ "Saint Louis", "Ft Myers"). */
const cityWords: ReadonlyMap<string, string> = new Map([
  ["ST", "SAINT"],
  ["STE", "SAINTE"],
  ["FT", "FORT"],
  ["MT", "MOUNT"],
]);

export function normalizeCity(city: string): string {
  return words(city)
    .filter((word) => word !== "#")
    .map((word) => cityWords.get(word) ?? word)
    .join(" ");
}

/** USPS code for a state name or code; anything unknown is kept as cleaned text so it can still compare. */
export function normalizeState(state: string): string {
  return toStateCode(state) ?? words(state).join(" ");
}

/**
 * The 5-digit ZIP: "62704-1234", "627041234", "62704" → "62704". A 3–4 digit value is a ZIP whose
 * leading zeros a spreadsheet dropped ("2134" → "02134").
 */
export function normalizeZip(zip: string): string {
  const digits = zip.replace(/\D/g, "");
  if (digits.length === 3 || digits.length === 4) return digits.padStart(5, "0");
  return digits.length >= 5 ? digits.slice(0, 5) : digits;
}

const unitedStates: ReadonlySet<string> = new Set(["US", "USA", "UNITED STATES", "UNITED STATES OF AMERICA", "U S"]);

/** "USA", "United States", missing → "US"; ServiceTitan tenants store either spelling. */
export function normalizeCountry(country: string | null | undefined): string {
  const folded = words(country).join(" ");
  return folded === "" || unitedStates.has(folded) ? "US" : folded;
}

/**
 * Comparable key: "18 ORCHARD LN|2|SPRINGFIELD|IL|62704|US" (primary street | unit numbers | city |
 * state code | 5-digit ZIP | country). Two addresses are the same place when their keys are equal.
 */
export function addressKey(address: AddressLike): string {
  const { primary, units } = parseStreet(address.street, address.unit);
  return [
    primary,
    units.map(unitKey).join(" "),
    normalizeCity(address.city),
    normalizeState(address.state),
    normalizeZip(address.zip),
    normalizeCountry(address.country),
  ].join("|");
}

export function sameAddress(a: AddressLike, b: AddressLike): boolean {
  return addressKey(a) === addressKey(b);
}
