/**
 * The payload hash decides duplicate vs conflict, so it must ignore serialisation accidents
 * (key order, money written as a string or a number, whitespace) and see every real change.
 * Pure computation: no AWS needed.
 */
import { describe, expect, it } from "vitest";
import { hashOrderPayload, orderKeyToString } from "../../lib/ledger/payload-hash.ts";
import { parseOrderMessage } from "../../lib/order/parse-message.ts";

const event = {
  schemaVersion: 1,
  orderId: "1042",
  store: "test-store",
  orderType: "product",
  purchaseType: "one_time",
  placedAt: "2026-11-20T15:04:05-05:00",
  currency: "USD",
  customer: { firstName: "Testy", lastName: "McTestface", email: "testy@example.com", phone: "(312) 555-0142" },
  billingAddress: { street: "1 Test Way", city: "Springfield", state: "IL", zip: "62704" },
  lines: [{ sku: "FLT-16x25x1-M11", name: "Pleated filter", quantity: 4, unitPrice: "12.50" }],
  totals: { subtotal: "50.00", total: "50.00" },
};

function hashOf(body: unknown): string {
  return hashOrderPayload(parseOrderMessage(JSON.stringify(body)));
}

/** The same object with every key order reversed, recursively. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([name, member]) => [name, reversedKeys(member)]),
  );
}

describe("hashOrderPayload", () => {
  it("is a sha256 hex digest, stable across calls", () => {
    // Prepare
    const order = parseOrderMessage(JSON.stringify(event));

    // Act
    const first = hashOrderPayload(order);
    const second = hashOrderPayload(structuredClone(order));

    // Assess
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });

  it("ignores key order, money formatting, whitespace and equivalent spellings", () => {
    // Prepare
    const reformatted = {
      ...(reversedKeys(event) as typeof event),
      lines: [{ unitPrice: 12.5, quantity: 4, name: "Pleated filter ", sku: " FLT-16x25x1-M11" }],
      totals: { total: 50, subtotal: "50" },
      customer: { ...event.customer, phone: "+1 312.555.0142" },
      billingAddress: { ...event.billingAddress, state: "Illinois", country: "USA" },
      currency: "usd",
    };

    // Act
    const original = hashOf(event);
    const equivalent = hashOf(reformatted);
    const asText = hashOrderPayload(parseOrderMessage(`  ${JSON.stringify(event, null, 2)}\n`));

    // Assess
    expect(equivalent).toBe(original);
    expect(asText).toBe(original);
  });

  it("changes when the content changes", () => {
    // Prepare
    const changes = [
      { ...event, lines: [{ ...event.lines[0], quantity: 5 }] },
      { ...event, lines: [{ ...event.lines[0], unitPrice: "12.51" }] },
      { ...event, customer: { ...event.customer, email: "testy2@example.com" } },
      { ...event, notes: "Leave at the back door" },
    ];

    // Act
    const original = hashOf(event);
    const hashes = changes.map(hashOf);

    // Assess
    for (const hash of hashes) expect(hash).not.toBe(original);
    expect(new Set(hashes).size).toBe(changes.length);
  });
});

describe("orderKeyToString", () => {
  it("joins store and orderId", () => {
    // Prepare
    const key = { store: "test-store", orderId: "1042" };

    // Act
    const text = orderKeyToString(key);

    // Assess
    expect(text).toBe("test-store:1042");
  });
});
