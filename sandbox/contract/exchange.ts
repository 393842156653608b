/**
 * The slice of a sandbox exchange the contract check reads. Declared here (structurally identical to the
 * sandbox's `Exchange`) so the validator does not depend on the server module and can check exchanges
 * built by hand in unit tests.
 */
export interface ContractExchange {
  readonly method: string;
  /** URL path without query, e.g. `/crm/v2/tenant/1234567/customers`. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  readonly requestBody?: unknown;
  /** HTTP status sent; 0 when the sandbox destroyed the socket without answering (no response to check). */
  readonly status: number;
  readonly responseBody?: unknown;
  /** The sandbox's own routing result; checked against the spec when present. */
  readonly api?: string;
  readonly operationId?: string;
}
