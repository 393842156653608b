/**
 * The mapping config reference in `docs/configuration.md`: one Markdown table row per key of
 * `syncConfigSchema`, generated so the docs can't drift from the schema.
 *
 * - Keys, types, bounds, defaults and "required" come from `z.toJSONSchema(syncConfigSchema, { io: "input" })`
 *   (the file as people write it: keys with a default are optional).
 * - Descriptions come from the TSDoc in `lib/config/schema.ts` and the capability schemas it includes
 *   (`configSourcePaths`; read with the TypeScript parser: the zod
 *   schema carries no descriptions at run time); keys without TSDoc are described in `extraDescriptions`
 *   below. A key described nowhere, described twice, or described here but gone from the schema is an
 *   error, so a new key can't reach the docs undocumented.
 * - `product` and `service` share one schema: their keys are listed once, as `<kind>.…` (under a
 *   capability's key too, e.g. `bookings.<kind>.…`).
 *
 * `test/unit/docs-config-reference.test.ts` fails when the committed block differs from the output.
 *
 *   npx tsx scripts/config-reference.ts            # print the table
 *   npx tsx scripts/config-reference.ts --write    # replace the block in docs/configuration.md
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import * as z from "zod";
import { syncConfigSchema } from "../lib/config/schema.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const schemaSourcePath = path.join(repoRoot, "lib", "config", "schema.ts");
/** Every file holding a part of `syncConfigSchema`: the main schema, then capabilities' own keys. */
const configSourcePaths = [schemaSourcePath, path.join(repoRoot, "lib", "bookings", "config-schema.ts")];
export const configurationDocPath = path.join(repoRoot, "docs", "configuration.md");
export const referenceStartMarker = "<!-- config-reference:start -->";
export const referenceEndMarker = "<!-- config-reference:end -->";

/** Sibling keys with the same schema, listed once under a placeholder. */
const sharedSchemas: Readonly<Record<string, string>> = { "product,service": "<kind>" };

/** For keys whose schema has no TSDoc. Keyed by the path as printed. */
export const extraDescriptions: Readonly<Record<string, string>> = {
  product: 'How product orders (`orderType: "product"`: filters, parts) become ServiceTitan records.',
  service: 'How service orders (`orderType: "service"`: a visit) become ServiceTitan records.',
  "<kind>.businessUnitId":
    "Business unit of the job. Checked at start against the tenant's active business units, like every id below.",
  "<kind>.jobTypeId": "Job type of the job.",
  "<kind>.campaignId": "Marketing campaign of the job (ServiceTitan requires one on every job).",
  "<kind>.priority": "Priority of the job.",
  "<kind>.schedule.leadDays": "`configured` schedules: days between the order's date (tenant time zone) and the visit.",
  "<kind>.schedule.startTime":
    "`configured` schedules: local start time of the appointment (24-hour `HH:MM`), unless an arrival window is configured.",
  "<kind>.schedule.durationMinutes":
    "`configured` schedules: length of the appointment, unless an arrival window is configured.",
  "<kind>.schedule.arrivalWindow": "The appointment's arrival window.",
  "<kind>.schedule.arrivalWindow.enabled":
    "Send `arrivalWindowStart`/`arrivalWindowEnd` (equal to the appointment's start and end) with the appointment.",
  "<kind>.accounts": "GL accounts of the pricebook items the worker creates; existing items are never changed.",
  "<kind>.customerTagTypeIds": "Tag types added to the customer (one call per missing tag; the office's tags stay).",
  "<kind>.customerTagTypeIds.oneTime": 'For `purchaseType: "one_time"` orders.',
  "<kind>.customerTagTypeIds.subscription": 'For `purchaseType: "subscription"` orders.',
  "<kind>.locationTagTypeIds": "Tag types added to the location (one call per missing tag; the office's tags stay).",
  "<kind>.locationTagTypeIds.oneTime": 'For `purchaseType: "one_time"` orders.',
  "<kind>.locationTagTypeIds.subscription": 'For `purchaseType: "subscription"` orders.',
  "<kind>.jobTagTypeIds": "Tag types set on the job when it is created.",
  "deploy.batchSize": "Orders per Lambda invocation (SQS event source batch size).",
  "deploy.maxReceiveCount":
    "Receives before SQS moves an order that keeps failing transiently to the DLQ (redrive policy).",
  "deploy.alarmEmail": "E-mail address subscribed to the alarm topic (AWS asks it to confirm first).",
  "deploy.production":
    "Keep the queues, ledger table, logs and key when the stack is deleted; ledger deletion protection; logs kept 3 months instead of 2 weeks.",
  "deploy.logLevel": "Log level of both functions.",
};

interface JsonSchema {
  type?: string;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: readonly string[];
  default?: unknown;
}

export interface ReferenceRow {
  key: string;
  type: string;
  default: string;
  description: string;
}

/** The Markdown table (header included), ending with a newline. */
export function renderConfigReference(): string {
  const rows = configReferenceRows();
  const lines = [
    "| Key | Type | Default | Meaning |",
    "| --- | --- | --- | --- |",
    ...rows.map((row) => `| \`${row.key}\` | ${row.type} | ${row.default} | ${cell(row.description)} |`),
  ];
  return `${lines.join("\n")}\n`;
}

export function configReferenceRows(): ReferenceRow[] {
  const schema = z.toJSONSchema(syncConfigSchema, { io: "input" }) as JsonSchema;
  const docs = new Map(configSourcePaths.flatMap((file) => [...tsdocByKeySet(readFileSync(file, "utf8"))]));
  const rows: ReferenceRow[] = [];
  const used = new Set<string>();
  const problems: string[] = [];

  const describe = (key: string, tsdoc: string | undefined): string => {
    const extra = extraDescriptions[key];
    if (extra !== undefined) used.add(key);
    if (tsdoc !== undefined && extra !== undefined) {
      problems.push(`${key}: has TSDoc in lib/config/schema.ts, remove it from extraDescriptions`);
    }
    const text = tsdoc ?? extra;
    if (text === undefined) problems.push(`${key}: no TSDoc in lib/config/schema.ts and no entry in extraDescriptions`);
    return text ?? "";
  };

  const walk = (node: JsonSchema, prefix: string): void => {
    const properties = node.properties ?? {};
    const names = Object.keys(properties);
    const literalDocs = docs.get(keySetId(names));
    if (literalDocs === undefined) {
      problems.push(`${prefix || "(root)"}: no z.strictObject/z.object literal with keys ${names.join(", ")}`);
    }
    const shared = sharedGroupOf(properties);
    for (const name of names) {
      const child = properties[name] as JsonSchema;
      const key = `${prefix}${name}`;
      rows.push({
        key,
        type: typeOf(child),
        default: defaultOf(child, (node.required ?? []).includes(name)),
        description: describe(key, literalDocs?.get(name)),
      });
      // An array of objects (`memberships.plans`): its items' keys are listed as `key[].…`.
      if (child.type === "array" && child.items?.type === "object" && child.items.properties !== undefined) {
        walk(child.items, `${key}[].`);
        continue;
      }
      if (child.type !== "object" || child.properties === undefined) continue;
      if (shared?.names.includes(name)) {
        if (name === shared.names.at(-1)) walk(child, `${prefix}${shared.placeholder}.`);
      } else {
        walk(child, `${key}.`);
      }
    }
  };
  walk(schema, "");

  for (const key of Object.keys(extraDescriptions)) {
    if (!used.has(key)) problems.push(`${key}: in extraDescriptions but not a key of the schema`);
  }
  if (problems.length > 0) throw new Error(`Config reference:\n- ${problems.join("\n- ")}`);
  return rows;
}

/** The docs text with the block between the markers replaced by `table`. */
export function replaceConfigReference(doc: string, table: string): string {
  const start = doc.indexOf(referenceStartMarker);
  const end = doc.indexOf(referenceEndMarker);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`Expected ${referenceStartMarker} … ${referenceEndMarker} in the document`);
  }
  return `${doc.slice(0, start + referenceStartMarker.length)}\n${table}${doc.slice(end)}`;
}

/** The text between the markers (without the newline right after the start marker). */
export function extractConfigReference(doc: string): string | undefined {
  const start = doc.indexOf(referenceStartMarker);
  const end = doc.indexOf(referenceEndMarker);
  if (start === -1 || end === -1 || end < start) return undefined;
  return doc.slice(start + referenceStartMarker.length, end).replace(/^\r?\n/, "");
}

function sharedGroupOf(properties: Record<string, JsonSchema>) {
  for (const [group, placeholder] of Object.entries(sharedSchemas)) {
    const names = group.split(",");
    const schemas = names.map((name) => properties[name]);
    if (schemas.some((s) => s === undefined)) continue;
    const first = JSON.stringify(schemas[0]);
    if (schemas.every((s) => JSON.stringify(s) === first)) return { names, placeholder };
  }
  return undefined;
}

function typeOf(node: JsonSchema): string {
  if (node.enum !== undefined) return `one of ${node.enum.map((v) => `\`${JSON.stringify(v)}\``).join(", ")}`;
  switch (node.type) {
    case "integer":
    case "number":
      return `${node.type}${range(node)}`;
    case "string": {
      if (node.format === "uuid") return "string (UUID)";
      if (node.format === "email") return "string (e-mail address)";
      const parts = ["string"];
      if (node.minLength !== undefined || node.maxLength !== undefined) {
        parts.push(`${node.minLength ?? 0}–${node.maxLength ?? "∞"} chars`);
      }
      if (node.pattern !== undefined) parts.push(`matching \`${node.pattern}\``);
      return cell(parts.join(", "));
    }
    case "array": {
      const item = node.items === undefined ? "any" : typeOf(node.items);
      return `array of ${item}${node.maxItems === undefined ? "" : `, at most ${node.maxItems}`}`;
    }
    case "object":
      return "object";
    default:
      return node.type ?? "any";
  }
}

function range(node: JsonSchema): string {
  const max = node.maximum === undefined || node.maximum >= Number.MAX_SAFE_INTEGER ? undefined : node.maximum;
  // zod writes `.positive()` as `exclusiveMinimum: 0`; for integers that is "at least 1".
  const exclusive = node.exclusiveMinimum;
  const min =
    node.minimum ?? (exclusive !== undefined && node.type === "integer" ? Math.floor(exclusive) + 1 : undefined);
  if (exclusive !== undefined && min === undefined)
    return max === undefined ? ` > ${exclusive}` : ` > ${exclusive}, ≤ ${max}`;
  if (min !== undefined && max !== undefined) return ` ${min}–${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  return max === undefined ? "" : ` ≤ ${max}`;
}

function defaultOf(node: JsonSchema, required: boolean): string {
  if (node.default !== undefined) return `\`${JSON.stringify(node.default)}\``;
  return required ? "**required**" : "optional";
}

/** Table cells: one line, pipes escaped (also inside code spans, as GitHub requires). */
function cell(text: string): string {
  return text.replace(/\s+/g, " ").trim().replace(/\|/g, "\\|");
}

const keySetId = (names: readonly string[]) => [...names].sort().join(",");

/**
 * TSDoc of every property of every `z.strictObject({…})` / `z.object({…})` literal in the schema
 * source, keyed by the literal's key set (which identifies it in the JSON Schema). A property
 * without TSDoc whose value is a documented constant (`schedule: scheduleSchema`) takes the
 * constant's TSDoc.
 */
export function tsdocByKeySet(source: string): Map<string, Map<string, string>> {
  const file = ts.createSourceFile("schema.ts", source, ts.ScriptTarget.ES2022, true);
  const constantDocs = new Map<string, string>();
  const literals: ts.ObjectLiteralExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableStatement(node)) {
      const text = tsdocOf(node);
      for (const declaration of node.declarationList.declarations) {
        if (text !== undefined && ts.isIdentifier(declaration.name)) constantDocs.set(declaration.name.text, text);
      }
    }
    if (ts.isCallExpression(node) && isZodObjectCall(node.expression)) {
      const [argument] = node.arguments;
      if (argument !== undefined && ts.isObjectLiteralExpression(argument)) literals.push(argument);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);

  const byKeySet = new Map<string, Map<string, string>>();
  for (const literal of literals) {
    const docs = new Map<string, string>();
    const names: string[] = [];
    for (const property of literal.properties) {
      let value: string | undefined;
      if (ts.isPropertyAssignment(property)) {
        value = ts.isIdentifier(property.initializer) ? property.initializer.text : undefined;
      } else if (ts.isShorthandPropertyAssignment(property)) {
        value = property.name.text;
      } else {
        continue;
      }
      const name = property.name.getText(file).replace(/^["']|["']$/g, "");
      names.push(name);
      const text = tsdocOf(property) ?? (value === undefined ? undefined : constantDocs.get(value));
      if (text !== undefined) docs.set(name, text);
    }
    const id = keySetId(names);
    const existing = byKeySet.get(id);
    if (existing !== undefined && JSON.stringify([...existing]) !== JSON.stringify([...docs])) {
      throw new Error(`Two object schemas with keys ${id} carry different TSDoc; the reference can't tell them apart`);
    }
    byKeySet.set(id, docs);
  }
  return byKeySet;
}

function isZodObjectCall(callee: ts.Expression): boolean {
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === "z" &&
    (callee.name.text === "strictObject" || callee.name.text === "object")
  );
}

function tsdocOf(node: ts.Node): string | undefined {
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text === "" ? undefined : text;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const table = renderConfigReference();
  if (process.argv.includes("--write")) {
    writeFileSync(configurationDocPath, replaceConfigReference(readFileSync(configurationDocPath, "utf8"), table));
    console.log(`Updated ${path.relative(repoRoot, configurationDocPath)}`);
  } else {
    process.stdout.write(table);
  }
}
