/**
 * Issue 12, orders that are valid or nearly and used to fail quietly, through `npm start` end to
 * end (fauxqs, dynalite, the sandbox): a company order keeps the person who ordered, a negative
 * unit price is refused with its field path, and a requested window that was over before the
 * order was placed is booked by the configured schedule instead of in the past, and one- and
 * two-character SKUs (below pricebook `searchText`'s 2-character minimum) are found or created once.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runStart } from "../../local/start.ts";
import { startTestSandbox, type TestSandbox } from "../support/sandbox.ts";

interface SummaryRow {
  orderKey: string | null;
  status: string;
  customerId: number | null;
  jobId: number | null;
  reason: string | null;
  detail: string | null;
}

const person = { firstName: "Testa", lastName: "Companycontact" };
const company = "Test Dental Group PC";

function order(orderId: string, overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    schemaVersion: 1,
    orderId,
    store: "hostile-test",
    orderType: "product",
    purchaseType: "one_time",
    placedAt: "2026-11-20T10:00:00-06:00",
    currency: "USD",
    customer: { ...person, email: `${orderId.toLowerCase()}.buyer@example.com` },
    billingAddress: { street: `${orderId.length} Hostile Test Road`, city: "Springfield", state: "IL", zip: "62704" },
    lines: [{ sku: "TEST-HOSTILE-1", name: "Test filter", quantity: 1, unitPrice: "10.00" }],
    ...overrides,
  };
}

let sandbox: TestSandbox;
let rows: SummaryRow[];
let output: string;

beforeAll(async () => {
  // Prepare
  sandbox = await startTestSandbox();
  const file = join(mkdtempSync(join(tmpdir(), "hostile-orders-")), "orders.json");
  const orders = [
    order("H-COMPANY", {
      customer: { ...person, company, email: "testa.companycontact@example.com", phone: "(555) 010-0199 x12" },
    }),
    order("H-NEGATIVE", {
      lines: [
        { sku: "TEST-HOSTILE-1", name: "Test filter", quantity: 1, unitPrice: "10.00" },
        { sku: "TEST-HOSTILE-DISCOUNT", name: "Test discount", quantity: 1, unitPrice: "-5.00" },
      ],
    }),
    order("H-PAST-WINDOW", {
      orderType: "service",
      requestedWindow: { start: "2020-01-06T08:00:00-06:00", end: "2020-01-06T12:00:00-06:00" },
      lines: [{ sku: "TEST-HOSTILE-SVC", name: "Test tune-up", quantity: 1, unitPrice: "89.00" }],
    }),
    order("H-SHORT-SKU", {
      lines: [
        { sku: "Z", name: "Test one-character item", quantity: 1, unitPrice: "3.00" },
        { sku: "Q7", name: "Test two-character item", quantity: 2, unitPrice: "4.00" },
      ],
    }),
  ];
  writeFileSync(file, JSON.stringify(orders));
  let out = "";
  let err = "";
  // Act
  const code = await runStart(["--orders", file, "--json"], {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env: {},
    serviceTitan: {
      apiUrl: sandbox.apiUrl,
      authUrl: sandbox.authUrl,
      tenantId: sandbox.tenantId,
      ...sandbox.credentials,
    },
  });
  output = `${out}\n${err}`;
  expect(code, err).not.toBe(2);
  rows = (JSON.parse(out) as { orders: SummaryRow[] }).orders;
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  sandbox?.assertContract();
});

describe("npm start with nearly valid orders", () => {
  it("keeps the person who placed a company order on the customer's contacts and the job", () => {
    // Assess
    const row = rows.find((r) => r.orderKey === "hostile-test:H-COMPANY");
    expect(row?.status).toBe("synced");
    const customer = sandbox.state.customers.get(row?.customerId ?? -1);
    expect(customer).toMatchObject({ name: company, type: "Commercial" });
    const contacts = [...sandbox.state.customerContacts.values()].filter((c) => c.customerId === customer?.id);
    expect(contacts.map((c) => [c.type, c.value, c.memo]).sort()).toEqual([
      ["Email", "testa.companycontact@example.com", "Testa Companycontact"],
      ["Phone", "5550100199", "Testa Companycontact, ext. 12"],
    ]);
    expect(sandbox.state.jobs.get(row?.jobId ?? -1)?.summary).toContain(
      "Ordered by Testa Companycontact for Test Dental Group PC",
    );
    expect(output).not.toContain(person.lastName);
  });

  it("refuses a negative unit price permanently, naming the field, and writes nothing for it", () => {
    // Assess
    const row = rows.find((r) => r.orderKey === "hostile-test:H-NEGATIVE");
    expect(row).toMatchObject({ status: "dlq", reason: "CONTRACT_VIOLATION", jobId: null });
    expect(row?.detail).toContain("lines.1.unitPrice");
    const items = [...sandbox.state.materials.values()].filter((m) => m.code.startsWith("TEST-HOSTILE-DISCOUNT"));
    expect(items).toEqual([]);
  });

  it("books a requested window that was over before the order was placed by the configured schedule", () => {
    // Assess: placed Friday 2026-11-20; service schedule: 2 business days later at 12:00 Chicago (CST)
    const row = rows.find((r) => r.orderKey === "hostile-test:H-PAST-WINDOW");
    expect(row?.status).toBe("synced");
    const appointment = [...sandbox.state.appointments.values()].find((a) => a.jobId === row?.jobId);
    expect(Date.parse(appointment?.start ?? "")).toBe(Date.parse("2026-11-24T18:00:00Z"));
    expect(Date.parse(appointment?.arrivalWindowStart ?? "")).toBe(Date.parse("2026-11-24T18:00:00Z"));
  });

  it("syncs one- and two-character SKUs, creating each pricebook item once", () => {
    // Assess
    const row = rows.find((r) => r.orderKey === "hostile-test:H-SHORT-SKU");
    expect(row?.status).toBe("synced");
    const codes = [...sandbox.state.materials.values()].map((m) => m.code).filter((c) => c === "Z" || c === "Q7");
    expect(codes.sort()).toEqual(["Q7", "Z"]);
    const invoice = sandbox.state.invoices.get(sandbox.state.jobs.get(row?.jobId ?? -1)?.invoiceId ?? -1);
    expect(invoice?.items.map((i) => [i.quantity, i.unitPriceCents]).sort()).toEqual([
      [1, 300],
      [2, 400],
    ]);
  });
});
