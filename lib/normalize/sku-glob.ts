/**
 * The config's SKU globs (`sources.<store>.serviceSkus` / `subscriptionSkus`,
 * `bookings.<kind>.skuRules[].sku`): `*` is any run of characters (none included), everything else
 * matches itself, and the whole SKU must match. Storefront lists compare case as written; booking
 * rules ignore case, like pricebook codes. (Line breaks can't occur: the contract refuses them in a
 * SKU, so `.` matching them changes nothing.)
 */
export function skuGlob(pattern: string, options: { ignoreCase?: boolean } = {}): RegExp {
  const source = pattern.split("*").map(escapeRegExp).join(".*");
  return new RegExp(`^${source}$`, options.ignoreCase ? "is" : "s");
}

/** Whether a SKU matches any of the patterns; the patterns are compiled once. */
export function skuMatcher(patterns: readonly string[]): (sku: string) => boolean {
  if (patterns.length === 0) return () => false;
  const expressions = patterns.map((pattern) => skuGlob(pattern));
  return (sku) => expressions.some((expression) => expression.test(sku));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
