/**
 * Reads ServiceTitan's seven tenant OpenAPI 3.1 documents (`../shared/servicetitan/openapi`) and keeps
 * what the contract check needs: each document's API base path (from `servers`, e.g. `/crm/v2`) and its
 * operations. The documents stay whole (ajv resolves `#/components/schemas/...` inside them); only the
 * `paths`/`servers` structure is parsed with zod, because that is what the route table trusts.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

/** A JSON Schema object as found in the documents (validated by ajv, not here). */
export type JsonSchema = Readonly<Record<string, unknown>>;

const jsonSchema = z.record(z.string(), z.unknown());

const parameterSchema = z.object({
  name: z.string().min(1),
  in: z.enum(["path", "query", "header", "cookie"]),
  required: z.boolean().optional(),
  schema: jsonSchema.optional(),
});
export type OpenApiParameter = z.infer<typeof parameterSchema>;

const mediaSchema = z.record(z.string(), z.object({ schema: jsonSchema.optional() }).loose());

const operationSchema = z
  .object({
    operationId: z.string().min(1),
    parameters: z.array(parameterSchema).optional(),
    requestBody: z.object({ content: mediaSchema.optional(), required: z.boolean().optional() }).loose().optional(),
    responses: z.record(z.string(), z.object({ content: mediaSchema.optional() }).loose()),
  })
  .loose();
export type OpenApiOperation = z.infer<typeof operationSchema>;

export const HttpMethods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;
export type HttpMethod = (typeof HttpMethods)[number];

const pathItemSchema = z.object(Object.fromEntries(HttpMethods.map((m) => [m, operationSchema.optional()]))).loose();

const documentSchema = z
  .object({
    openapi: z.string().startsWith("3."),
    servers: z.array(z.object({ url: z.url() }).loose()).min(1),
    paths: z.record(z.string().startsWith("/"), pathItemSchema),
    components: z.object({ schemas: z.record(z.string(), jsonSchema) }).loose(),
  })
  .loose();

export interface OpenApiDocument {
  /** The API segment of the base path (`crm`, `jpm`, ...). */
  readonly api: string;
  /** The document's ajv schema id: `api`, or `api@file` for a supplement (two documents of one API). */
  readonly schemaId: string;
  /** `/{api}/v2`, taken from the document's first server URL. */
  readonly basePath: string;
  readonly file: string;
  readonly paths: Readonly<Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>>;
  /** The whole parsed document, handed to ajv as one schema resource. */
  readonly raw: Record<string, unknown>;
}

/** Reads every `*.json` in `dir`; resolves to undefined when the folder does not exist. */
export async function readOpenApiDocuments(dir: string): Promise<OpenApiDocument[] | undefined> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => file.endsWith(".json")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return Promise.all(files.map((file) => readOne(path.join(dir, file))));
}

/**
 * An older document contributing only the named operations, for operations ServiceTitan dropped from
 * the current documents but may still serve (`Payments_Create`: `openapi/SOURCES.md`). Everything
 * else keeps coming from the current documents.
 */
export interface OpenApiSupplement {
  readonly file: string;
  readonly operations: readonly string[];
}

/** Reads a supplement, keeping only its listed operations; undefined when the file doesn't exist. */
export async function readOpenApiSupplement(supplement: OpenApiSupplement): Promise<OpenApiDocument | undefined> {
  let document: OpenApiDocument;
  try {
    document = await readOne(supplement.file, `@${path.basename(supplement.file)}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const wanted = new Set(supplement.operations);
  const paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>> = {};
  for (const [template, item] of Object.entries(document.paths)) {
    const kept = Object.entries(item).filter(([, operation]) => operation && wanted.has(operation.operationId));
    if (kept.length > 0) paths[template] = Object.fromEntries(kept);
  }
  const found = new Set(Object.values(paths).flatMap((item) => Object.values(item).map((op) => op?.operationId)));
  const missing = supplement.operations.filter((operationId) => !found.has(operationId));
  if (missing.length > 0) throw new Error(`${path.basename(supplement.file)} does not declare ${missing.join(", ")}`);
  return { ...document, paths };
}

async function readOne(file: string, schemaIdSuffix = ""): Promise<OpenApiDocument> {
  const raw: unknown = JSON.parse(await readFile(file, "utf8"));
  const parsed = documentSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(
      `${path.basename(file)} is not an OpenAPI 3 document this check understands: ${parsed.error.message}`,
    );
  }
  const firstServer = parsed.data.servers[0]?.url ?? "";
  const basePath = new URL(firstServer).pathname.replace(/\/$/, "");
  const api = basePath.split("/").filter(Boolean)[0];
  if (api === undefined) throw new Error(`${path.basename(file)}: server URL has no API base path`);
  const document = raw as Record<string, unknown>;
  normalizeNullable(document);
  return {
    api,
    schemaId: `${api}${schemaIdSuffix}`,
    basePath,
    file,
    paths: parsed.data.paths as OpenApiDocument["paths"],
    raw: document,
  };
}

/**
 * OpenAPI 3.0's `nullable` survives in a few 3.1 schemas. ajv honours it only next to `type` and refuses to
 * compile `{oneOf: [...], nullable: true}` (one accounting schema), so that form becomes
 * `anyOf: [{type: "null"}, {...}]`, which is what it means.
 */
function normalizeNullable(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) normalizeNullable(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const record = node as Record<string, unknown>;
  for (const value of Object.values(record)) normalizeNullable(value);
  if (record.nullable === true && !("type" in record)) {
    const { nullable: _dropped, ...rest } = record;
    for (const key of Object.keys(record)) delete record[key];
    record.anyOf = [{ type: "null" }, rest];
  }
}
