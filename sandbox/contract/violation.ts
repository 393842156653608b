/**
 * What a contract check reports. A violation names the operation, the part of the exchange and a JSON
 * pointer, never the offending value: exchanges carry (fake) customer data and the messages end up in
 * test output and CI logs, where the team rule is "no personal data in logs" even for fixtures.
 */

/** Which part of the exchange broke the contract. */
export const ContractPart = {
  /** Method + path do not name a documented operation (or the sandbox labelled it differently). */
  route: "route",
  path: "path",
  query: "query",
  request: "request",
  response: "response",
} as const;
export type ContractPart = (typeof ContractPart)[keyof typeof ContractPart];

export interface ContractViolation {
  /** The spec operationId, or the path (ids redacted) when no operation matches. */
  readonly operation: string;
  readonly method: string;
  readonly where: ContractPart;
  /** JSON pointer into the query object, request body or response body; "" for the root. */
  readonly pointer: string;
  readonly message: string;
}

/** One line per violation, e.g. `POST Customers_Create request /locations/0/address: must have required property 'zip'`. */
export function formatViolation(violation: ContractViolation): string {
  const pointer = violation.pointer === "" ? "(root)" : violation.pointer;
  return `${violation.method} ${violation.operation} ${violation.where} ${pointer}: ${violation.message}`;
}

const routeWord = /^[A-Za-z][A-Za-z0-9_-]*$/;
const guid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Ids, GUIDs and anything else that is not a plain route word in an unmatched path are data: keep the
 * shape (`/crm/v2/tenant/{…}/customer`), drop the values.
 */
export function redactPath(path: string): string {
  return path
    .split("/")
    .map((segment) => (segment === "" || (routeWord.test(segment) && !guid.test(segment)) ? segment : "{…}"))
    .join("/");
}
