/**
 * Path and query parameter checks. ServiceTitan's ASP.NET model binding silently ignores query
 * parameters it does not declare (api-notes: a misspelled filter returns the unfiltered list), so an
 * undeclared name is the most valuable thing to catch here; types are checked only where it is cheap
 * (integers, numbers, booleans, enums, dates, GUIDs) because values arrive as strings.
 */
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from "./openapi-documents.ts";
import { type ContractPart, ContractPart as Part } from "./violation.ts";

export interface ParameterProblem {
  readonly where: ContractPart;
  readonly pointer: string;
  readonly message: string;
}

const uuidPattern = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function checkPathParameters(
  document: OpenApiDocument,
  operation: OpenApiOperation,
  params: Readonly<Record<string, string>>,
): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in !== "path") continue;
    const value = params[parameter.name];
    const pointer = `/${escapePointer(parameter.name)}`;
    if (value === undefined) {
      problems.push({
        where: Part.path,
        pointer,
        message: `path parameter "${parameter.name}" is not in the template`,
      });
      continue;
    }
    const message = checkScalar(document, parameter.schema, value);
    if (message !== undefined) {
      problems.push({ where: Part.path, pointer, message: `path parameter "${parameter.name}" ${message}` });
    }
  }
  return problems;
}

export function checkQuery(
  document: OpenApiDocument,
  operation: OpenApiOperation,
  query: Readonly<Record<string, string | readonly string[]>>,
): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const declared = new Map<string, OpenApiParameter>();
  for (const parameter of operation.parameters ?? []) {
    if (parameter.in === "query") declared.set(parameter.name, parameter);
  }
  const objectParams = [...declared.values()].filter((p) => resolve(document, p.schema).type === "object");

  for (const [name, raw] of Object.entries(query)) {
    const pointer = `/${escapePointer(name)}`;
    const parameter = declared.get(name);
    if (parameter === undefined) {
      // Dictionary parameters bind as `customField.Fields.<key>=` / `customField.<key>=`.
      const isDictionaryEntry = objectParams.some(
        (p) => name.startsWith(`${p.name}.`) || name.startsWith(`${p.name}[`),
      );
      if (!isDictionaryEntry) {
        problems.push({
          where: Part.query,
          pointer,
          message: `query parameter "${name}" is not declared by the operation (ServiceTitan ignores it silently)`,
        });
      }
      continue;
    }
    const schema = resolve(document, parameter.schema);
    const values: readonly string[] = typeof raw === "string" ? [raw] : raw;
    if (schema.type === "object") continue;
    if (schema.type === "array") {
      const items = isRecord(schema.items) ? schema.items : undefined;
      for (const [index, value] of values.entries()) {
        const message = checkScalar(document, items, value);
        if (message !== undefined) {
          problems.push({
            where: Part.query,
            pointer: `${pointer}/${index}`,
            message: `query parameter "${name}" item ${message}`,
          });
        }
      }
      continue;
    }
    if (values.length !== 1) {
      problems.push({
        where: Part.query,
        pointer,
        message: `query parameter "${name}" is sent ${values.length} times but is not an array`,
      });
      continue;
    }
    const message = checkScalar(document, parameter.schema, values[0] ?? "");
    if (message !== undefined)
      problems.push({ where: Part.query, pointer, message: `query parameter "${name}" ${message}` });
  }

  for (const parameter of declared.values()) {
    if (parameter.required === true && !(parameter.name in query)) {
      problems.push({
        where: Part.query,
        pointer: `/${escapePointer(parameter.name)}`,
        message: `required query parameter "${parameter.name}" is missing`,
      });
    }
  }
  return problems;
}

/** Returns what is wrong with one string value, or undefined. Never echoes the value. */
function checkScalar(
  document: OpenApiDocument,
  schemaOrRef: JsonSchema | undefined,
  value: string,
): string | undefined {
  const schema = resolve(document, schemaOrRef);
  const types = typeList(schema.type).filter((type) => type !== "null");
  const enumValues = Array.isArray(schema.enum) ? schema.enum : undefined;
  if (enumValues !== undefined && !enumValues.some((allowed) => String(allowed) === value)) {
    return `must be one of ${enumValues.map((allowed) => JSON.stringify(allowed)).join(", ")}`;
  }
  if (types.includes("integer") && !types.includes("string")) {
    if (!/^-?\d+$/.test(value)) return "must be an integer";
    return checkRange(schema, Number(value));
  }
  if (types.includes("number") && !types.includes("string")) {
    if (value.trim() === "" || !Number.isFinite(Number(value))) return "must be a number";
    return checkRange(schema, Number(value));
  }
  if (types.includes("boolean") && !types.includes("string")) {
    return /^(true|false)$/i.test(value) ? undefined : "must be true or false";
  }
  if (schema.format === "date-time" || schema.format === "date") {
    return Number.isNaN(Date.parse(value)) ? `must be a ${schema.format}` : undefined;
  }
  if (schema.format === "guid" || schema.format === "uuid") {
    return uuidPattern.test(value) ? undefined : "must be a GUID";
  }
  return undefined;
}

function checkRange(schema: JsonSchema, value: number): string | undefined {
  if (typeof schema.minimum === "number" && value < schema.minimum) return `must be >= ${schema.minimum}`;
  if (typeof schema.maximum === "number" && value > schema.maximum) return `must be <= ${schema.maximum}`;
  return undefined;
}

/**
 * Follows local `$ref`s and the documents' wrapper forms (`{type, oneOf: [{$ref}]}`,
 * `oneOf: [{$ref}, {type: "null"}]`) far enough to see type, enum and format. The outer schema's
 * own keywords win over the referenced ones.
 */
function resolve(document: OpenApiDocument, schema: JsonSchema | undefined, depth = 0): JsonSchema {
  if (schema === undefined || depth > 8) return {};
  let merged: Record<string, unknown> = { ...schema };
  if (typeof schema.$ref === "string") {
    const target = resolvePointer(document.raw, schema.$ref);
    if (target !== undefined) merged = { ...resolve(document, target, depth + 1), ...schema };
    delete merged.$ref;
  }
  for (const keyword of ["oneOf", "anyOf", "allOf"] as const) {
    const branches = merged[keyword];
    if (!Array.isArray(branches)) continue;
    const meaningful = branches.filter((branch) => isRecord(branch) && branch.type !== "null");
    if (meaningful.length === 1 && isRecord(meaningful[0])) {
      merged = { ...resolve(document, meaningful[0], depth + 1), ...merged };
      delete merged[keyword];
    }
  }
  return merged;
}

function resolvePointer(root: Record<string, unknown>, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: unknown = root;
  for (const token of ref.slice(2).split("/")) {
    const key = decodeURIComponent(token).replace(/~1/g, "/").replace(/~0/g, "~");
    node = isRecord(node) ? node[key] : undefined;
  }
  return isRecord(node) ? node : undefined;
}

function typeList(type: unknown): string[] {
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === "string") : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function escapePointer(token: string): string {
  return token.replace(/~/g, "~0").replace(/\//g, "~1");
}
