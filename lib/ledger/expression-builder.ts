/**
 * Builds DynamoDB expressions with placeholders for every attribute name and value. Placeholders
 * for names are mandatory here: `status` is a DynamoDB reserved word and pricebook SKUs (map keys
 * under `progress.pricebookItemIds`) are arbitrary storefront strings. DynamoDB rejects unused
 * placeholders, so only what an expression actually references is emitted.
 */
export class ExpressionBuilder {
  private readonly names = new Map<string, string>();
  private readonly values: Record<string, unknown> = {};
  private valueCount = 0;
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];

  /** `#nN` for an attribute (or map key) name, reused when the same name appears again. */
  name(attribute: string): string {
    let placeholder = this.names.get(attribute);
    if (placeholder === undefined) {
      placeholder = `#n${this.names.size}`;
      this.names.set(attribute, placeholder);
    }
    return placeholder;
  }

  /** A document path such as `progress.pricebookItemIds.<sku>`, one placeholder per segment. */
  path(...segments: string[]): string {
    return segments.map((segment) => this.name(segment)).join(".");
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  set(path: string[], value: unknown): this {
    this.sets.push(`${this.path(...path)} = ${this.value(value)}`);
    return this;
  }

  increment(attribute: string, by = 1): this {
    const name = this.name(attribute);
    this.sets.push(`${name} = ${name} + ${this.value(by)}`);
    return this;
  }

  remove(path: string[]): this {
    this.removes.push(this.path(...path));
    return this;
  }

  /** The accumulated `SET …` / `REMOVE …` clauses. */
  get updateExpression(): string {
    const clauses: string[] = [];
    if (this.sets.length > 0) clauses.push(`SET ${this.sets.join(", ")}`);
    if (this.removes.length > 0) clauses.push(`REMOVE ${this.removes.join(", ")}`);
    return clauses.join(" ");
  }

  get expressionAttributeNames(): Record<string, string> | undefined {
    if (this.names.size === 0) return undefined;
    return Object.fromEntries([...this.names].map(([attribute, placeholder]) => [placeholder, attribute]));
  }

  get expressionAttributeValues(): Record<string, unknown> | undefined {
    return this.valueCount === 0 ? undefined : { ...this.values };
  }
}
