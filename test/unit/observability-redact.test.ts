/**
 * `redact()`: personal-data keys at any depth, email/phone patterns inside strings, arrays, errors
 * (with causes and own properties) and cycles — and the ids, codes and timestamps logs need survive.
 */
import { describe, expect, it } from "vitest";
import { InvalidMessageError, ReasonCode, ServiceTitanRejectedError } from "../../lib/errors.ts";
import { maskString, redact, redactedValue } from "../../lib/observability/redact.ts";

const fakeEmail = "testy.mctestface@example.com";
const fakePhones = [
  "(555) 010-0142",
  "(555) 201-0142",
  "555.201.0142",
  "+1 555 201 0142",
  "5552010142",
  "555-0123",
  "555-201-0142 x12",
];

describe("maskString", () => {
  it.each(fakePhones)("masks the phone %s", (phone) => {
    // Act
    const masked = maskString(`call ${phone} today`);
    // Assess
    expect(masked).toBe("call [redacted-phone] today");
  });

  it("masks emails anywhere in a string", () => {
    // Act
    const masked = maskString(`Customer <${fakeEmail}> and other.person+tag@example.test wrote`);
    // Assess
    expect(masked).toBe("Customer <[redacted-email]> and [redacted-email] wrote");
  });

  it("leaves ids, timestamps, epoch values, UUIDs and money alone", () => {
    // Prepare
    const safe = [
      "2026-11-20T15:04:05-05:00",
      "order 1042 at 1763668800 (ms 1763668800123)",
      "traceId 123e4567-e89b-12d3-a456-426614174000",
      "Root=1-5759e988-bd862e3fe1be46a994272793",
      "job 12345678 invoice 87654321 total 53.13",
      "lines.3.unitPrice",
    ];
    // Act
    const masked = safe.map(maskString);
    // Assess
    expect(masked).toEqual(safe);
  });
});

describe("redact", () => {
  it("replaces personal-data keys at any depth, in objects and arrays", () => {
    // Prepare
    const order = {
      orderId: "1042",
      store: "acme-filters",
      customer: {
        firstName: "Testy",
        lastName: "McTestface",
        email: fakeEmail,
        phone: "(555) 201-0142",
        company: "Acme",
      },
      billingAddress: { street: "1 Test Way", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62704" },
      contacts: [{ type: "Email", value: fakeEmail }],
      lines: [{ sku: "FLT-1", name: "Pleated filter", quantity: 2 }],
      notes: "Gate code 1234",
      nested: { deeper: { even_deeper: { first_name: "Testy", Street: "1 Test Way" } } },
    };
    // Act
    const result = redact(order) as typeof order;
    // Assess
    expect(result.orderId).toBe("1042");
    expect(result.store).toBe("acme-filters");
    expect(result.customer).toEqual({
      firstName: redactedValue,
      lastName: redactedValue,
      email: redactedValue,
      phone: redactedValue,
      company: redactedValue,
    });
    expect(result.billingAddress).toBe(redactedValue);
    expect(result.contacts).toEqual([{ type: "Email", value: redactedValue }]);
    expect(result.lines).toEqual([{ sku: "FLT-1", name: redactedValue, quantity: 2 }]);
    expect(result.notes).toBe(redactedValue);
    expect(result.nested.deeper.even_deeper).toEqual({ first_name: redactedValue, Street: redactedValue });
    expect(JSON.stringify(result)).not.toMatch(/Testy|McTestface|example\.com|201-0142|Test Way|Gate code/);
  });

  it("masks patterns in strings under ordinary keys and in arrays of strings", () => {
    // Act
    const result = redact({ message: `mail ${fakeEmail}`, list: ["ok", "555.201.0142"] });
    // Assess
    expect(result).toEqual({ message: "mail [redacted-email]", list: ["ok", "[redacted-phone]"] });
  });

  it("turns errors into plain objects, masking messages and stacks, keeping class names and safe fields", () => {
    // Prepare
    const cause = new Error(`upstream echoed ${fakeEmail}`);
    const error = new ServiceTitanRejectedError(`Rejected customer 555-201-0142`, 422, {
      cause,
      traceId: "00-abc-01",
    });
    // Act
    const result = redact({ error }) as { error: Record<string, unknown> };
    // Assess
    expect(result.error.name).toBe("ServiceTitanRejectedError");
    expect(result.error.message).toBe("Rejected customer [redacted-phone]");
    expect(result.error.status).toBe(422);
    expect(result.error.reason).toBe(ReasonCode.ServiceTitanRejected);
    expect(result.error.details).toEqual({ status: 422, traceId: "00-abc-01" });
    expect((result.error.cause as Record<string, unknown>).message).toBe("upstream echoed [redacted-email]");
    expect(String(result.error.stack)).not.toContain("201-0142");
    expect(JSON.stringify(result)).not.toMatch(/example\.com|201-0142/);
  });

  it("keeps an error summary (field paths, reason) readable", () => {
    // Prepare
    const summary = new InvalidMessageError(ReasonCode.ContractViolation, "customer.email: invalid_format", [
      "customer.email",
    ]).toSummary();
    // Act
    const result = redact({ summary });
    // Assess
    expect(result).toEqual({ summary: { ...summary, details: { fieldPaths: ["customer.email"] } } });
  });

  it("survives cycles, bigint, dates and binary values", () => {
    // Prepare
    const cyclic: Record<string, unknown> = {
      id: 1,
      when: new Date(Date.UTC(2026, 0, 2)),
      big: 10n,
      raw: Buffer.from("x"),
    };
    cyclic.self = cyclic;
    // Act
    const result = redact(cyclic);
    // Assess
    expect(result).toEqual({ id: 1, when: "2026-01-02T00:00:00.000Z", big: "10", raw: "[binary]", self: "[circular]" });
  });
});
