/**
 * Writes `docs/order-event.schema.json`, the published JSON Schema of the order event contract,
 * from the zod schema the worker validates with — so storefront developers validate against
 * exactly what the worker accepts. `test/unit/order-event-json-schema.test.ts` fails when the
 * committed file drifts from the schema.
 *
 * Run: `npx tsx scripts/generate-order-schema.ts`
 *
 * `io: "input"` describes the wire format (what storefronts send: money as decimal string or number,
 * optional fields with their defaults), not the parsed domain `Order`. Refinements that JSON Schema
 * can't express (money's 2 fraction digits, phone parsing, state names, control characters, end
 * after start) are enforced by the worker only; the contract document states them.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { orderEventSchema } from "../lib/order/event-schema.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const orderEventSchemaPath = path.join(repoRoot, "docs", "order-event.schema.json");

export function buildOrderEventJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(orderEventSchema, { io: "input" });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: "urn:servicetitan-order-sync:order-event:1",
    title: "Order event, version 1",
    description:
      "One storefront order, published as the JSON body of one SQS message to the orders queue. " +
      "Generated from lib/order/event-schema.ts by scripts/generate-order-schema.ts; the contract is " +
      "described in docs and enforced by the worker, which also checks what JSON Schema cannot express " +
      "(money with at most 2 fraction digits, North American phone numbers, US state names or codes, " +
      "no control characters, requestedWindow.end after start, email or phone present).",
    ...rest,
  };
}

export function writeOrderEventJsonSchema(): void {
  writeFileSync(orderEventSchemaPath, `${JSON.stringify(buildOrderEventJsonSchema(), null, 2)}\n`);
  // Let Biome lay the file out so `biome ci .` accepts it as generated.
  execFileSync(path.join(repoRoot, "node_modules", ".bin", "biome"), ["format", "--write", orderEventSchemaPath], {
    stdio: "ignore",
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  writeOrderEventJsonSchema();
  console.log(`Wrote ${path.relative(repoRoot, orderEventSchemaPath)}`);
}
