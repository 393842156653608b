/**
 * Person and company names as comparable text. A ServiceTitan customer `name` is one free-text
 * field typed by the office ("Dana Whitfield", "WHITFIELD, DANA", "Dana & Lee Whitfield", or the
 * company for a commercial customer), while the order carries `firstName`/`lastName`/`company`.
 * The worker only uses the name to confirm a candidate already found by phone, email or address,
 * so the rule below is deliberately strict: a wrong match attaches an order to someone else's
 * customer record, while a missed match only creates a duplicate the office can merge.
 */

/** Apostrophes and periods vanish inside a word ("O'Brien" → "OBRIEN", "St." → "ST"). */
const joiningPunctuation = /['’ʼ`´.]/g;
/** Everything that is not a letter or a digit separates words ("Smith-Jones", "Dana & Lee", "Whitfield,"). */
const separators = /[^\p{L}\p{N}]+/gu;

/**
 * Upper-case, diacritics and invisible format characters removed, punctuation dropped, spaces
 * collapsed: "  José  O'Brien-Núñez " → "JOSE OBRIEN NUNEZ".
 */
export function normalizeName(value: string): string {
  return value
    .toUpperCase()
    .normalize("NFKD")
    .replace(/[\p{M}\p{Cf}]+/gu, "")
    .replace(joiningPunctuation, "")
    .replace(separators, " ")
    .trim();
}

function tokens(value: string): string[] {
  const normalized = normalizeName(value);
  return normalized === "" ? [] : normalized.split(" ");
}

/** Generational suffixes the office often leaves out ("Whitfield Jr." stored as "Dana Whitfield"). */
const generationalSuffixes: ReadonlySet<string> = new Set(["JR", "SR", "II", "III", "IV", "V"]);

/** Legal-form words dropped from the end of a company name ("Acme Heating, Inc." ≡ "ACME HEATING"). */
const legalForms: ReadonlySet<string> = new Set([
  "INC",
  "INCORPORATED",
  "LLC",
  "LLP",
  "PLLC",
  "LP",
  "LTD",
  "LIMITED",
  "CORP",
  "CORPORATION",
  "CO",
  "COMPANY",
  "PC",
  "PA",
]);

/**
 * Company comparison key: `normalizeName` with "&" read as "AND", a leading "THE" and trailing
 * legal forms dropped. "The Acme Heating & Air Co., LLC" → "ACME HEATING AND AIR".
 */
export function normalizeCompanyName(value: string): string {
  const words = tokens(value.replace(/&/g, " AND "));
  const kept = [...words];
  while (kept.length > 1 && legalForms.has(kept[kept.length - 1] as string)) kept.pop();
  if (kept.length > 1 && kept[0] === "THE") kept.shift();
  return kept.join(" ");
}

/**
 * Whether a ServiceTitan customer `name` plausibly names the order's customer.
 *
 * - Commercial order (non-blank `company`): the company keys (`normalizeCompanyName`) are equal.
 * - Otherwise: every word of the order's last name (generational suffixes JR/SR/II–V ignored)
 *   occurs in the ServiceTitan name, and among the remaining words one equals the first word of
 *   the first name, or one of the two is a single letter with the same initial ("D Whitfield").
 *   Word order is ignored, so "WHITFIELD, DANA", "Dana & Lee Whitfield" and "D. Whitfield" match
 *   Dana Whitfield, while "Whitfield Residence" and "Lee Whitfield" do not. Hyphens split words:
 *   last name "Smith-Jones" needs both SMITH and JONES in the ServiceTitan name.
 */
export function customerNameMatches(
  stName: string,
  order: { firstName: string; lastName: string; company?: string | null },
): boolean {
  const company = order.company ? normalizeCompanyName(order.company) : "";
  if (company !== "") return normalizeCompanyName(stName) === company;

  const remaining = tokens(stName);
  if (remaining.length === 0) return false;

  const allLast = tokens(order.lastName);
  const last = allLast.filter((word) => !generationalSuffixes.has(word));
  const lastWords = last.length > 0 ? last : allLast;
  if (lastWords.length === 0) return false;
  for (const word of lastWords) {
    const at = remaining.indexOf(word);
    if (at < 0) return false;
    remaining.splice(at, 1);
  }

  const first = tokens(order.firstName)[0];
  if (first === undefined) return false;
  return remaining.some(
    (word) => word === first || ((word.length === 1 || first.length === 1) && word[0] === first[0]),
  );
}
