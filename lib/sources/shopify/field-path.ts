/**
 * Field paths as a Shopify developer reads them in the event: `detail.payload.line_items[2].sku`.
 * Errors, DLQ attributes and logs name these paths, never the values at them.
 */
export const payloadPath = ["detail", "payload"] as const;

export function shopifyFieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "$";
  return path
    .map((segment, index) =>
      typeof segment === "number" ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`,
    )
    .join("");
}
