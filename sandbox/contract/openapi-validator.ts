/**
 * Checks sandbox exchanges against ServiceTitan's official OpenAPI documents, so the sandbox cannot drift
 * into accepting requests the real API would ignore or reject, or answering with shapes the real API never
 * sends. Both sides matter: ServiceTitan silently drops unknown query parameters and body fields (a typo
 * becomes an unfiltered list or a $0 invoice line), and a client tested against a too-friendly sandbox
 * breaks on the first real tenant.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ContractExchange } from "./exchange.ts";
import {
  type OpenApiDocument,
  type OpenApiSupplement,
  readOpenApiDocuments,
  readOpenApiSupplement,
} from "./openapi-documents.ts";
import { checkPathParameters, checkQuery } from "./parameter-check.ts";
import { problemDetailsSchema } from "./problem-details.ts";
import { RouteIndex, type RouteMatch } from "./route-index.ts";
import { SchemaCompiler } from "./schema-compiler.ts";
import { type ContractPart, type ContractViolation, ContractPart as Part, redactPath } from "./violation.ts";

export type { ContractExchange } from "./exchange.ts";
export { type ContractPart, type ContractViolation, formatViolation } from "./violation.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the team keeps the documents: `../shared/servicetitan/openapi` next to the repository. */
export const defaultOpenApiDir = path.resolve(repoRoot, "../shared/servicetitan/openapi");

/**
 * `Payments_Create` is absent from the current accounting document; the March 2026 one still
 * describes it (`openapi/SOURCES.md`). Only that operation is taken from it.
 */
export const defaultOpenApiSupplements: readonly OpenApiSupplement[] = [
  {
    file: path.resolve(repoRoot, "../shared/servicetitan/openapi-history/accounting-v2-2026-03.json"),
    operations: ["Payments_Create"],
  },
];

const jsonMedia = "application/json";

export interface OpenApiValidator {
  /** The folder the documents were read from. */
  readonly dir: string;
  /** Violations of one exchange; never throws (it runs inside the sandbox's request handling). */
  validate(exchange: ContractExchange): ContractViolation[];
  /** operationIds of every exchange matched to a documented operation so far. */
  coverage(): Set<string>;
  /** Every operationId the documents declare. */
  knownOperations(): ReadonlySet<string>;
}

interface LoadedContract {
  readonly index: RouteIndex;
  readonly compiler: SchemaCompiler;
  readonly operationIds: ReadonlySet<string>;
}

/** Documents are parsed once per folder and process; each validator still keeps its own coverage. */
const contracts = new Map<string, Promise<LoadedContract | undefined>>();

/** Resolves to undefined when `dir` does not exist (the documents live outside the repository). */
export async function loadOpenApiValidator(
  dir: string = defaultOpenApiDir,
  supplements: readonly OpenApiSupplement[] = defaultOpenApiSupplements,
): Promise<OpenApiValidator | undefined> {
  const resolved = path.resolve(dir);
  const cacheKey = JSON.stringify([resolved, supplements]);
  let pending = contracts.get(cacheKey);
  if (pending === undefined) {
    pending = loadContract(resolved, supplements);
    contracts.set(cacheKey, pending);
    pending.catch(() => contracts.delete(cacheKey));
  }
  const contract = await pending;
  return contract === undefined ? undefined : createValidator(resolved, contract);
}

async function loadContract(
  dir: string,
  supplementList: readonly OpenApiSupplement[],
): Promise<LoadedContract | undefined> {
  const current = await readOpenApiDocuments(dir);
  if (current === undefined) return undefined;
  if (current.length === 0) throw new Error(`No OpenAPI documents (*.json) in ${dir}`);
  const supplements = await Promise.all(supplementList.map(readOpenApiSupplement));
  const documents = [...current, ...supplements.filter((doc): doc is OpenApiDocument => doc !== undefined)];
  return {
    index: new RouteIndex(documents),
    compiler: new SchemaCompiler(documents),
    operationIds: new Set(documents.flatMap(operationIdsOf)),
  };
}

function operationIdsOf(document: OpenApiDocument): string[] {
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item).flatMap((operation) => (operation === undefined ? [] : [operation.operationId])),
  );
}

function createValidator(dir: string, contract: LoadedContract): OpenApiValidator {
  const seen = new Set<string>();
  return {
    dir,
    validate(exchange) {
      try {
        return validateExchange(contract, exchange, seen);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return [
          {
            operation: exchange.operationId ?? redactPath(exchange.path),
            method: exchange.method.toUpperCase(),
            where: Part.route,
            pointer: "",
            message: `contract check failed: ${reason}`,
          },
        ];
      }
    },
    coverage: () => new Set(seen),
    knownOperations: () => contract.operationIds,
  };
}

function validateExchange(
  contract: LoadedContract,
  exchange: ContractExchange,
  seen: Set<string>,
): ContractViolation[] {
  // The token endpoint is OAuth (identity server), not part of the tenant API documents.
  if (exchange.path.endsWith("/connect/token")) return [];

  const method = exchange.method.toUpperCase();
  const lookup = contract.index.lookup(method, exchange.path);
  if (lookup.kind !== "found") {
    const operation = lookup.kind === "method-not-allowed" ? lookup.template : redactPath(exchange.path);
    const message =
      lookup.kind === "unknown-api"
        ? "path does not start with a documented API base path (/{api}/v2)"
        : lookup.kind === "unknown-path"
          ? "no documented path template matches"
          : `method not documented for this path (documented: ${lookup.allowed.join(", ")})`;
    return [{ operation, method, where: Part.route, pointer: "", message }];
  }

  const { match } = lookup;
  const operationId = match.operation.operationId;
  seen.add(operationId);
  const violations: ContractViolation[] = [];
  const report = (where: ContractPart, pointer: string, message: string) =>
    violations.push({ operation: operationId, method, where, pointer, message });

  if (exchange.operationId !== undefined && exchange.operationId !== operationId) {
    report(
      Part.route,
      "",
      `sandbox labelled the exchange "${exchange.operationId}" but the spec operation is "${operationId}"`,
    );
  }
  if (exchange.api !== undefined && exchange.api !== match.document.api) {
    report(
      Part.route,
      "",
      `sandbox labelled the exchange api "${exchange.api}" but the path belongs to "${match.document.api}"`,
    );
  }
  for (const problem of checkPathParameters(match.document, match.operation, match.params)) {
    report(problem.where, problem.pointer, problem.message);
  }
  for (const problem of checkQuery(match.document, match.operation, exchange.query)) {
    report(problem.where, problem.pointer, problem.message);
  }
  checkRequestBody(contract.compiler, match, exchange.requestBody, report);
  // Status 0: the sandbox dropped the connection on purpose (a `drop` fault), so there is no response.
  if (exchange.status !== 0) checkResponse(contract.compiler, match, exchange.status, exchange.responseBody, report);
  return violations;
}

type Report = (where: ContractPart, pointer: string, message: string) => void;

function hasBody(body: unknown): boolean {
  return body !== undefined && body !== "";
}

function checkRequestBody(compiler: SchemaCompiler, match: RouteMatch, body: unknown, report: Report): void {
  const content = match.operation.requestBody?.content;
  if (content === undefined) {
    if (hasBody(body)) report(Part.request, "", "the operation documents no request body");
    return;
  }
  const requestSchema = content[jsonMedia]?.schema;
  if (requestSchema === undefined) {
    report(Part.request, "", `no ${jsonMedia} request schema documented (have: ${Object.keys(content).join(", ")})`);
    return;
  }
  if (!hasBody(body)) {
    report(Part.request, "", "the operation documents a JSON request body but none was sent");
    return;
  }
  const pointer = [...operationPointer(match), "requestBody", "content", jsonMedia, "schema"];
  const check = compiler.at(match.document.schemaId, pointer, requestSchema);
  for (const problem of check(body)) report(Part.request, problem.pointer, problem.message);
}

function checkResponse(
  compiler: SchemaCompiler,
  match: RouteMatch,
  status: number,
  body: unknown,
  report: Report,
): void {
  const documented = match.operation.responses[String(status)];
  if (documented === undefined) {
    if (status < 400) {
      const statuses = Object.keys(match.operation.responses).join(", ");
      report(Part.response, "", `status ${status} is not documented (documented: ${statuses})`);
      return;
    }
    // 401, 429, 5xx and other undocumented errors: at least the RFC 7807 core of ApiErrorResponse.
    if (!hasBody(body)) return;
    const check = compiler.standalone("problem-details", problemDetailsSchema);
    for (const problem of check(body)) report(Part.response, problem.pointer, `error body ${problem.message}`);
    if (isRecord(body) && typeof body.status === "number" && body.status !== status) {
      report(Part.response, "/status", `error body status does not match the HTTP status ${status}`);
    }
    return;
  }
  const schema = documented.content?.[jsonMedia]?.schema;
  if (schema === undefined) {
    if (hasBody(body)) report(Part.response, "", `status ${status} is documented without a response body`);
    return;
  }
  if (!hasBody(body)) {
    report(Part.response, "", `status ${status} is documented with a JSON body but none was sent`);
    return;
  }
  const pointer = [...operationPointer(match), "responses", String(status), "content", jsonMedia, "schema"];
  const check = compiler.at(match.document.schemaId, pointer, schema);
  for (const problem of check(body)) report(Part.response, problem.pointer, problem.message);
}

function operationPointer(match: RouteMatch): string[] {
  return ["paths", match.template, match.method];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
