/**
 * Which WooCommerce field each contract field was read from, so a mapped order that breaks the
 * contract is reported by the storefront's field (`billing.email`, `line_items.2.subtotal`) — the one
 * a store owner can find and fix — rather than ours.
 */
export class FieldPaths {
  readonly #paths = new Map<string, string>();

  /** `contract` (a path or a prefix such as `lines.0`) was read from `woocommerce`. */
  set(contract: string, woocommerce: string): this {
    this.#paths.set(contract, woocommerce);
    return this;
  }

  /** The WooCommerce path of a contract path: the longest known prefix, with the rest appended. */
  translate(contractPath: string): string {
    const parts = contractPath.split(".");
    for (let length = parts.length; length > 0; length--) {
      const prefix = parts.slice(0, length).join(".");
      const known = this.#paths.get(prefix);
      if (known !== undefined) return [known, ...parts.slice(length)].join(".");
    }
    return contractPath === "$" ? "$" : `(contract) ${contractPath}`;
  }
}
