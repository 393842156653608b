/**
 * The published JSON Schema (`docs/order-event.schema.json`) is exactly what the generator makes
 * from the zod schema, and it accepts what the worker accepts: storefront developers validate with it.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { buildOrderEventJsonSchema, orderEventSchemaPath } from "../../scripts/generate-order-schema.ts";
import { buildOrderEvent, productSubscription, serviceOrder } from "../support/order-factory.ts";

// ajv and ajv-formats are CommonJS with `exports.default`; under NodeNext the default import is the module.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

const contractPath = path.resolve(import.meta.dirname, "../../../shared/contracts/order-event.md");
const contractPresent = existsSync(contractPath);
if (!contractPresent) console.warn(`Order contract not found at ${contractPath}: JSON Schema example check skipped`);

function committedSchema(): unknown {
  return JSON.parse(readFileSync(orderEventSchemaPath, "utf8"));
}

let compiled: ReturnType<InstanceType<typeof Ajv2020>["compile"]> | undefined;

/** Compiled once (strict mode: the published schema must be clean for storefront validators). */
function validator() {
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(ajv);
    compiled = ajv.compile(committedSchema() as object);
  }
  return compiled;
}

describe("docs/order-event.schema.json", () => {
  it("equals the schema generated from lib/order/event-schema.ts (run scripts/generate-order-schema.ts)", () => {
    // Act
    const fresh = buildOrderEventJsonSchema();

    // Assess
    expect(committedSchema()).toEqual(fresh);
  });

  it("names itself and describes the wire format", () => {
    // Act
    const schema = committedSchema() as Record<string, unknown>;

    // Assess
    expect(schema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $id: "urn:servicetitan-order-sync:order-event:1",
      title: expect.any(String),
      description: expect.any(String),
      type: "object",
    });
    expect(schema.required).toEqual(
      expect.arrayContaining([
        "schemaVersion",
        "orderId",
        "orderType",
        "purchaseType",
        "placedAt",
        "currency",
        "customer",
        "billingAddress",
        "lines",
      ]),
    );
    expect(schema.required).not.toContain("store");
  });

  it("accepts the factory's valid events", () => {
    // Prepare
    const validate = validator();

    // Act
    const results = [buildOrderEvent(), productSubscription(), serviceOrder()].map((event) => validate(event));

    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(results).toEqual([true, true, true]);
  });

  it.skipIf(!contractPresent)("accepts the contract's example", () => {
    // Prepare
    const validate = validator();
    const match = /```json\n([\s\S]*?)\n```/.exec(readFileSync(contractPath, "utf8"));

    // Act
    const valid = validate(JSON.parse(match?.[1] ?? "null"));

    // Assess
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it.each([
    ["a missing orderId", { orderId: undefined }],
    ["an unknown orderType", { orderType: "install" }],
    ["a 65-character orderId", { orderId: "x".repeat(65) }],
    ["101 lines", { lines: Array.from({ length: 101 }, () => ({ sku: "S", name: "N", quantity: 1, unitPrice: 1 })) }],
    ["zero quantity", { lines: [{ sku: "S", name: "N", quantity: 0, unitPrice: 1 }] }],
    ["a negative unit price", { lines: [{ sku: "S", name: "N", quantity: 1, unitPrice: -5 }] }],
    ["a negative unit price string", { lines: [{ sku: "S", name: "N", quantity: 1, unitPrice: "-5.00" }] }],
    ["a placedAt without offset", { placedAt: "2026-03-04T15:04:05" }],
  ])("rejects %s", (_label, overrides) => {
    // Prepare
    const validate = validator();
    const event = { ...buildOrderEvent(), ...overrides };

    // Act
    const valid = validate(JSON.parse(JSON.stringify(event)));

    // Assess
    expect(valid).toBe(false);
  });
});
