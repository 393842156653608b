/**
 * Where a pricebook code must lie in ServiceTitan's `sort=+Code` order, so that a look-up reading
 * the codes in order can stop early. The spec documents the sort (pricebook-v2.json, `sort`: "Id,
 * Code, …") but not how codes compare, and plausible answers disagree: ServiceTitan runs on SQL
 * Server, whose collations are case-insensitive or binary ("Y" before "x") and may ignore hyphens
 * and apostrophes ("word sort": "A-C" ≈ "AC"); a stand-in might even compare numbers naturally
 * ("A2" before "A10"). So `sortsAfter` answers true only where all of these agree, and false ("not
 * sure") otherwise; a false only costs reading another page.
 *
 * It is certain when, after an identical beginning,
 * - `code` goes on with a letter or digit where `other` ends ("FLT-1" → "FLT-10"): a proper prefix
 *   sorts first in every collation, and natural number order agrees (1 < 10);
 * - both go on with letters, and `code`'s comes later both ignoring case and by character code
 *   ("FLU" after "FLT", "c" after "B"; but not "Y" after "x", which binary order puts first);
 * - `code` goes on with a letter where `other` has a digit, and the beginning doesn't end in a
 *   digit (natural order puts "A1B" before "A12").
 */

const letter = /^[A-Za-z]$/;
const digit = /^[0-9]$/;
const alphanumeric = /^[A-Za-z0-9]$/;

/** True when `code` sorts after `other` under every plausible collation of `sort=+Code`. */
export function sortsAfter(code: string, other: string): boolean {
  let at = 0;
  while (at < code.length && at < other.length && code[at] === other[at]) at++;
  const next = code.charAt(at);
  const otherNext = other.charAt(at);
  if (otherNext === "") return alphanumeric.test(next);
  if (next === "") return false;
  if (letter.test(next) && letter.test(otherNext)) {
    return next.toLowerCase() > otherNext.toLowerCase() && next > otherNext;
  }
  const afterDigit = at > 0 && digit.test(code.charAt(at - 1));
  return letter.test(next) && digit.test(otherNext) && !afterDigit;
}

/** True when `code` sorts before `other` under every plausible collation (the `sort=-Code` mirror). */
export function sortsBefore(code: string, other: string): boolean {
  return sortsAfter(other, code);
}
