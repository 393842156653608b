/**
 * One ajv 8 (JSON Schema 2020-12) instance holding the seven documents as schema resources, with
 * validators compiled on first use and cached. Compiling every component up front takes seconds on the
 * ~3.5 MB of documents; adding them is cheap, and a test run only touches the few dozen operations the
 * sandbox implements. Setup follows `/work/shared/stack.md` ("Validating against the ServiceTitan
 * OpenAPI documents").
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { JsonSchema, OpenApiDocument } from "./openapi-documents.ts";
import { escapePointer } from "./parameter-check.ts";

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

/**
 * .NET-flavoured formats the documents use that JSON Schema does not define. `duration` is overridden too:
 * ServiceTitan serialises TimeSpans as `hh:mm:ss`, not ISO 8601 `PT1H` as ajv-formats would demand.
 */
const permissiveFormats = ["html", "decimal", "multiline", "phone", "duration", "password"] as const;
const guidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SchemaProblem {
  readonly pointer: string;
  readonly message: string;
}

export type SchemaCheck = (data: unknown) => SchemaProblem[];

export class SchemaCompiler {
  readonly #ajv: InstanceType<typeof Ajv2020>;
  readonly #cache = new Map<string, SchemaCheck>();

  constructor(documents: readonly OpenApiDocument[]) {
    this.#ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      // The documents are trusted input: skip meta-validation; separate (not inlined) component validators
      // and unoptimised code compile noticeably faster, and compiling is this check's whole cost.
      validateSchema: false,
      inlineRefs: false,
      code: { optimize: false },
    });
    addFormats(this.#ajv);
    for (const name of permissiveFormats) this.#ajv.addFormat(name, true);
    this.#ajv.addFormat("guid", guidPattern);
    for (const document of documents) this.#ajv.addSchema(document.raw, document.schemaId);
  }

  /**
   * A check for `schema`, found at `pointerTokens` inside the document with schema id `api` (e.g. an operation's response
   * schema). Most operation schemas are a bare `$ref` to a component; those are compiled once per component,
   * so the many operations answering `ApiErrorResponse` or `CustomerResponse` share one validator.
   */
  at(api: string, pointerTokens: readonly string[], schema: JsonSchema): SchemaCheck {
    const componentRef = bareLocalRef(schema);
    const ref =
      componentRef === undefined
        ? `${api}#/${pointerTokens.map((token) => encodeURIComponent(escapePointer(token))).join("/")}`
        : `${api}${componentRef}`;
    return this.#cached(ref, () => this.#ajv.compile({ $ref: ref }));
  }

  /** A check for a standalone schema (no references into the documents). */
  standalone(key: string, schema: Record<string, unknown>): SchemaCheck {
    return this.#cached(`standalone:${key}`, () => this.#ajv.compile(schema));
  }

  #cached(key: string, compile: () => ValidateFunction): SchemaCheck {
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    const validate = compile();
    const check: SchemaCheck = (data) => (validate(data) ? [] : toProblems(validate.errors ?? []));
    this.#cache.set(key, check);
    return check;
  }
}

/**
 * ajv reports every failed `oneOf` branch: for the documents' nullable wrapper
 * (`oneOf: [{$ref}, {type: "null"}]`) that is the real error plus "must be null" plus "must match exactly
 * one schema". Keep the real one. Messages carry names from the schema (property names, allowed enum
 * values), never data.
 */
function bareLocalRef(schema: JsonSchema): string | undefined {
  const keys = Object.keys(schema);
  return keys.length === 1 && typeof schema.$ref === "string" && schema.$ref.startsWith("#/") ? schema.$ref : undefined;
}

function toProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const informative = errors.filter(
    (error) =>
      error.keyword !== "oneOf" &&
      error.keyword !== "anyOf" &&
      !(error.keyword === "type" && error.params.type === "null"),
  );
  const kept = informative.length > 0 ? informative : errors;
  const seen = new Set<string>();
  const problems: SchemaProblem[] = [];
  for (const error of kept) {
    const problem = { pointer: error.instancePath, message: describe(error) };
    const key = `${problem.pointer} ${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describe(error: ErrorObject): string {
  const message = error.message ?? `fails "${error.keyword}"`;
  if (error.keyword === "additionalProperties") {
    return `${message}: "${String(error.params.additionalProperty)}" is not in the schema`;
  }
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    return `${message}: ${error.params.allowedValues.map((value: unknown) => JSON.stringify(value)).join(", ")}`;
  }
  return message;
}
