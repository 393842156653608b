/**
 * North American phone numbers as comparable digits. Storefronts and ServiceTitan's office staff
 * store phones in every format ("+1 (555) 010-0101 ext. 3", "555.010.0102", "1-555-010-0103",
 * "5550100104 x12"), and ServiceTitan's `phone` filter compares what was stored, so the worker
 * compares the 10 national digits instead.
 *
 * `isPossible()` (length check) rather than `isValid()` (number-plan check): the 555-01xx range is
 * reserved for fiction and used by our fixtures and by tenants' test records, and libphonenumber
 * reports it as invalid.
 *
 * libphonenumber's "core" entry with the "min" metadata passed explicitly: exactly what the package's
 * default entry does, but the metadata import is a seam. The Lambda bundle aliases
 * `libphonenumber-js/min/metadata` to a copy holding only calling code 1's countries
 * (`cdk/bundle-options.ts`), ~80 KB less to load; every other calling code is rejected here anyway.
 * `/es6` is the package's modern-syntax build of the same source (no ES5 down-levelling).
 */
import { parsePhoneNumberWithError } from "libphonenumber-js/core/es6";
import metadata from "libphonenumber-js/min/metadata";

export interface PhoneParts {
  /** The 10 national digits (area code + number), e.g. "5550100101". */
  digits: string;
  /** The extension digits when the value carried one ("ext. 3", "x12"). */
  extension?: string;
}

/** Parses a North American number (country calling code 1) in any common format; undefined otherwise. */
export function parsePhone(value: string): PhoneParts | undefined {
  try {
    const parsed = parsePhoneNumberWithError(value, "US", metadata);
    if (parsed.countryCallingCode !== "1" || !parsed.isPossible()) return undefined;
    const digits = String(parsed.nationalNumber);
    if (!/^\d{10}$/.test(digits)) return undefined;
    return parsed.ext ? { digits, extension: String(parsed.ext) } : { digits };
  } catch {
    // libphonenumber throws ParseError (NOT_A_NUMBER, TOO_SHORT, ...) for anything that isn't a number.
    return undefined;
  }
}

/** The 10 national digits of a North American number, ignoring any extension; undefined when it isn't one. */
export function phoneDigits(value: string): string | undefined {
  return parsePhone(value)?.digits;
}
