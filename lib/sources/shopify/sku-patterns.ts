/**
 * The config's SKU globs (`sources.shopify.serviceSkus`, `subscriptionSkus`): `*` is any run of
 * characters, everything else matches itself, and the whole SKU must match.
 */
export function skuMatcher(patterns: readonly string[]): (sku: string) => boolean {
  if (patterns.length === 0) return () => false;
  const expressions = patterns.map(
    (pattern) => new RegExp(`^${pattern.split("*").map(escapeRegExp).join(".*")}$`, "s"),
  );
  return (sku) => expressions.some((expression) => expression.test(sku));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
