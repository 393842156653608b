/**
 * Order events for tests, benchmarks and failure drills: valid wire-format events with obviously
 * fake data (Testy McTestface, @example.com, 555-01xx), and a catalogue of malformed bodies, each
 * tagged with the reason and field path the worker must report.
 */
import { randomUUID } from "node:crypto";
import { ReasonCode } from "../../lib/errors.ts";
import type { OrderEventInput } from "../../lib/order/event-schema.ts";
import { parseMoneyToCents } from "../../lib/order/money.ts";

/** Objects merge key by key; arrays and scalars replace; an explicit `undefined` removes the key. */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | undefined }
    : T;

export type OrderEventOverrides = DeepPartial<OrderEventInput>;

/** The personal values every factory event carries; tests assert none of them leaks into errors or logs. */
export const fakePerson = {
  firstName: "Testy",
  lastName: "McTestface",
  email: "testy.mctestface@example.com",
  phone: "(555) 010-0142",
  street: "742 Example Lane",
  serviceStreet: "1 Fixture Court",
} as const;

const runId = randomUUID().slice(0, 8);
let sequence = 0;

/** Unique per call and per test run (a random run prefix), well within the 64-character limit. */
export function nextOrderId(): string {
  sequence += 1;
  return `TEST-${runId}-${sequence}`;
}

function baseEvent(): OrderEventInput {
  return {
    schemaVersion: 1,
    orderId: nextOrderId(),
    store: "test-store",
    orderType: "product",
    purchaseType: "one_time",
    placedAt: "2026-03-04T15:04:05-06:00",
    currency: "USD",
    customer: {
      firstName: fakePerson.firstName,
      lastName: fakePerson.lastName,
      email: fakePerson.email,
      phone: fakePerson.phone,
    },
    billingAddress: {
      street: fakePerson.street,
      city: "Springfield",
      state: "IL",
      zip: "62704",
      country: "US",
    },
    lines: [
      { sku: "TEST-FLT-16x25x1", name: "Test pleated filter 16x25x1", quantity: 4, unitPrice: "12.50" },
      { sku: "TEST-COIL-CLEANER", name: "Test coil cleaner", quantity: 1, unitPrice: 9.99 },
    ],
    notes: "Leave at the side door (test order).",
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[key];
    else if (isPlainObject(value) && isPlainObject(merged[key])) {
      merged[key] = deepMerge(merged[key] as Record<string, unknown>, value);
    } else merged[key] = structuredClone(value);
  }
  return merged;
}

/** Totals as the storefront would charge them: no tax or shipping, so `total` = Σ quantity × unitPrice. */
function totalsFor(lines: OrderEventInput["lines"]): OrderEventInput["totals"] {
  let cents = 0;
  for (const line of lines) {
    const price = parseMoneyToCents(line.unitPrice);
    if (price === undefined || typeof line.quantity !== "number") return undefined;
    cents += Math.round(price * line.quantity);
  }
  const money = (value: number) => (value / 100).toFixed(2);
  return { subtotal: money(cents), tax: "0.00", shipping: "0.00", discount: "0.00", total: money(cents) };
}

/**
 * A valid wire-format event (what a storefront publishes): product, one-time, two lines, a fresh
 * `orderId`. `totals` is derived from the lines unless the overrides set (or remove) it.
 */
export function buildOrderEvent(overrides: OrderEventOverrides = {}): OrderEventInput {
  const event = deepMerge(baseEvent() as unknown as Record<string, unknown>, overrides) as unknown as OrderEventInput;
  if (!("totals" in overrides)) {
    const totals = totalsFor(event.lines);
    if (totals) event.totals = totals;
  }
  return event;
}

/** `buildOrderEvent` as the SQS message body. */
export function buildOrderBody(overrides: OrderEventOverrides = {}): string {
  return JSON.stringify(buildOrderEvent(overrides));
}

export function productOneTime(overrides: OrderEventOverrides = {}): OrderEventInput {
  return buildOrderEvent(deepMerge({ orderType: "product", purchaseType: "one_time" }, overrides));
}

export function productSubscription(overrides: OrderEventOverrides = {}): OrderEventInput {
  return buildOrderEvent(
    deepMerge(
      {
        orderType: "product",
        purchaseType: "subscription",
        lines: [
          { sku: "TEST-FLT-20x20x1-M11", name: "Test filter subscription 20x20x1", quantity: 2, unitPrice: "14.25" },
        ],
      },
      overrides,
    ),
  );
}

/** A service visit at a different service address, with the arrival window the customer picked. */
export function serviceOrder(overrides: OrderEventOverrides = {}): OrderEventInput {
  return buildOrderEvent(
    deepMerge(
      {
        orderType: "service",
        purchaseType: "one_time",
        serviceAddress: {
          street: fakePerson.serviceStreet,
          city: "Shelbyville",
          state: "Illinois",
          zip: "62565-0101",
          country: "US",
        },
        lines: [{ sku: "TEST-SVC-TUNEUP", name: "Test furnace tune-up", quantity: 1, unitPrice: "89.00" }],
        requestedWindow: { start: "2026-03-09T08:00:00-05:00", end: "2026-03-09T12:00:00-05:00" },
        notes: "Dog in the yard (test order).",
      },
      overrides,
    ),
  );
}

/** A malformed body and what `parseOrderMessage` must report for it. */
export interface BadOrderBody {
  /** Unique, human-readable label ("lines.0.quantity = 0"). */
  name: string;
  body: string;
  reason:
    | typeof ReasonCode.InvalidJson
    | typeof ReasonCode.ContractViolation
    | typeof ReasonCode.UnsupportedSchemaVersion;
  /** A field path `InvalidMessageError.fieldPaths` must contain ("$" for the whole body). */
  path: string;
}

const remove = Symbol("remove");

/** Sets (or removes) a dotted path ("lines.0.quantity"), creating objects on the way. */
function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split(".");
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1] as string;
  if (value === remove) delete node[last];
  else node[last] = value;
}

function describe(value: unknown): string {
  if (value === remove) return "missing";
  const json = JSON.stringify(value) ?? String(value);
  const escaped = json.replace(/[^\x20-\x7E]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return escaped.length > 40 ? `${escaped.slice(0, 30)}… (${json.length} chars)` : escaped;
}

function mutated(
  field: string,
  value: unknown,
  options: { base?: () => OrderEventInput; path?: string; reason?: BadOrderBody["reason"]; label?: string } = {},
): BadOrderBody {
  const event = (options.base ?? buildOrderEvent)() as unknown as Record<string, unknown>;
  setPath(event, field, value);
  return {
    name: `${field} = ${options.label ?? describe(value)}`,
    body: JSON.stringify(event),
    reason: options.reason ?? ReasonCode.ContractViolation,
    path: options.path ?? field,
  };
}

const repeat = (length: number, char = "x") => char.repeat(length);

/** Fields that hold strings on the wire (the first line's fields stand for every line). */
const stringFields = [
  "orderId",
  "store",
  "orderType",
  "purchaseType",
  "placedAt",
  "currency",
  "customer.firstName",
  "customer.lastName",
  "customer.company",
  "customer.email",
  "customer.phone",
  "billingAddress.street",
  "billingAddress.unit",
  "billingAddress.city",
  "billingAddress.state",
  "billingAddress.zip",
  "billingAddress.country",
  "lines.0.sku",
  "lines.0.name",
  "lines.0.description",
  "lines.0.itemKind",
  "notes",
] as const;

/**
 * Several hundred distinct malformed bodies (broken JSON, wrong types, missing fields, oversized
 * strings, hostile unicode, out-of-range values), each deliverable through SQS (non-empty, only
 * characters SQS accepts, far below 256 KiB). Bodies larger than the worker's limit are in
 * `oversizedOrderBodies` because SQS itself may refuse them.
 */
export function* badOrderBodies(): Generator<BadOrderBody> {
  yield* brokenJson();
  yield* notAnObject();
  yield* schemaVersions();
  yield* missingFields();
  yield* wrongTypes();
  yield* oversizedStrings();
  yield* hostileUnicode();
  yield* badEnums();
  yield* badMoney();
  yield* badQuantities();
  yield* badLineCounts();
  yield* badAddresses();
  yield* badContacts();
  yield* badDates();
}

function* brokenJson(): Generator<BadOrderBody> {
  const literals: [string, string][] = [
    ["whitespace only", " "],
    ["newline only", "\n"],
    ["lone opening brace", "{"],
    ["lone closing brace", "}"],
    ["lone bracket", "["],
    ["trailing comma", '{"schemaVersion": 1,}'],
    ["single quotes", "{'schemaVersion': 1}"],
    ["unquoted key", "{schemaVersion: 1}"],
    ["NaN literal", '{"schemaVersion": NaN}'],
    ["undefined literal", '{"schemaVersion": undefined}'],
    ["Infinity literal", '{"quantity": Infinity}'],
    ["leading zero", '{"schemaVersion": 01}'],
    ["bare fraction", '{"quantity": .5}'],
    ["line comment", '{"schemaVersion": 1} // v1'],
    ["block comment", '/* order */ {"schemaVersion": 1}'],
    ["unterminated string", '{"orderId": "1042}'],
    ["invalid escape", '{"orderId": "10\\x42"}'],
    ["raw tab in string", '{"orderId": "10\t42"}'],
    ["raw newline in string", '{"orderId": "10\n42"}'],
    ["byte order mark", '\uFEFF{"schemaVersion": 1}'],
    ["two documents", '{"schemaVersion": 1} {"schemaVersion": 1}'],
    ["extra closing brace", '{"schemaVersion": 1}}'],
    ["truncated null", "nul"],
    ["truncated true", "tru"],
    ["bare word", "undefined"],
    ["XML", "<order><orderId>1042</orderId></order>"],
    ["form encoding", "orderId=1042&store=test-store"],
    ["missing colon", '{"schemaVersion" 1}'],
    ["missing comma", '{"schemaVersion": 1 "orderId": "1"}'],
    ["hex number", '{"schemaVersion": 0x1}'],
    ["plus sign", '{"schemaVersion": +1}'],
    ["python None", '{"customer": None}'],
  ];
  for (const [name, body] of literals)
    yield { name: `broken JSON: ${name}`, body, reason: ReasonCode.InvalidJson, path: "$" };

  const valid = buildOrderBody();
  for (let i = 1; i <= 15; i++) {
    const length = Math.max(2, Math.floor((valid.length * i) / 16));
    yield {
      name: `broken JSON: truncated at ${i}/16`,
      body: valid.slice(0, length),
      reason: ReasonCode.InvalidJson,
      path: "$",
    };
  }
}

function* notAnObject(): Generator<BadOrderBody> {
  const bodies: [string, string][] = [
    ["null", "null"],
    ["empty array", "[]"],
    ["number", "42"],
    ["string", '"order"'],
    ["true", "true"],
    ["false", "false"],
    ["array of object", "[{}]"],
    ["array of order", `[${buildOrderBody()}]`],
  ];
  for (const [name, body] of bodies) {
    yield { name: `not an object: ${name}`, body, reason: ReasonCode.ContractViolation, path: "$" };
  }
}

function* schemaVersions(): Generator<BadOrderBody> {
  for (const version of [2, 0, -1, 1.5, 100, 1000, "1", "v1", null, true, [1], { major: 1 }]) {
    yield mutated("schemaVersion", version, { reason: ReasonCode.UnsupportedSchemaVersion });
  }
  yield mutated("schemaVersion", remove);
}

function* missingFields(): Generator<BadOrderBody> {
  const required = [
    "orderId",
    "orderType",
    "purchaseType",
    "placedAt",
    "currency",
    "customer",
    "billingAddress",
    "lines",
    "customer.firstName",
    "customer.lastName",
    "billingAddress.street",
    "billingAddress.city",
    "billingAddress.state",
    "billingAddress.zip",
    "lines.0.sku",
    "lines.0.name",
    "lines.0.quantity",
    "lines.0.unitPrice",
  ];
  for (const field of required) yield mutated(field, remove);
  for (const field of ["serviceAddress.street", "serviceAddress.city", "serviceAddress.zip", "requestedWindow.start"]) {
    yield mutated(field, remove, { base: serviceOrder });
  }
  yield mutated("requestedWindow.end", remove, { base: serviceOrder });
  yield {
    ...mutated("customer.phone", remove, {
      base: () => buildOrderEvent({ customer: { email: undefined } }),
      path: "customer.email",
    }),
    name: "customer: neither email nor phone",
  };
}

/** Optional fields where `null` (and `""`) mean "not given" and are accepted. */
export const nullableOptionalFields: ReadonlySet<string> = new Set([
  "customer.company",
  "customer.email",
  "customer.phone",
  "billingAddress.unit",
  "serviceAddress",
  "serviceAddress.unit",
  "lines.0.description",
  "notes",
]);

function* wrongTypes(): Generator<BadOrderBody> {
  const notStrings: unknown[] = [42, true, null, [], {}];
  for (const field of stringFields)
    for (const value of notStrings)
      if (!(value === null && nullableOptionalFields.has(field))) yield mutated(field, value);
  for (const value of ["4", true, null, [], {}]) yield mutated("lines.0.quantity", value);
  for (const value of [true, null, [], {}]) yield mutated("lines.0.unitPrice", value);
  for (const value of [true, null, {}]) yield mutated("totals.total", value);
  for (const value of ["Testy McTestface", 42, [], null]) yield mutated("customer", value);
  for (const value of [fakePerson.street, [], null, 7]) yield mutated("billingAddress", value);
  for (const value of ["same as billing", []]) yield mutated("serviceAddress", value);
  for (const value of [{}, "filters", null, 42]) yield mutated("lines", value);
  for (const value of [42, "filter", null, []]) yield mutated("lines.0", value);
  for (const value of ["59.99", [], null]) yield mutated("totals", value);
  for (const value of ["tomorrow morning", [], null]) yield mutated("requestedWindow", value, { base: serviceOrder });
}

function* oversizedStrings(): Generator<BadOrderBody> {
  const limits: [string, number][] = [
    ["orderId", 64],
    ["store", 64],
    ["customer.firstName", 100],
    ["customer.lastName", 100],
    ["customer.company", 200],
    ["customer.phone", 40],
    ["billingAddress.street", 200],
    ["billingAddress.unit", 50],
    ["billingAddress.city", 100],
    ["billingAddress.state", 40],
    ["billingAddress.zip", 12],
    ["lines.0.sku", 64],
    ["lines.0.name", 255],
    ["lines.0.description", 2000],
    ["notes", 2000],
    ["lines.0.unitPrice", 32],
  ];
  for (const [field, max] of limits) {
    const char = field === "customer.phone" || field.endsWith("zip") || field.endsWith("unitPrice") ? "5" : "x";
    yield mutated(field, repeat(max + 1, char), { label: `${max + 1} characters` });
  }
  yield mutated("customer.email", `${repeat(245, "t")}@example.com`, { label: "257-character email" });
}

function* hostileUnicode(): Generator<BadOrderBody> {
  const loneSurrogates: [string, string][] = [
    ["orderId", "TEST-\uD800-1"],
    ["store", "test\uDFFFstore"],
    ["customer.firstName", "Tes\uD83Dty"],
    ["customer.lastName", "McTest\uDC00face"],
    ["customer.company", "Test\uDBFFCo"],
    ["billingAddress.street", "742 Example \uD800Lane"],
    ["billingAddress.unit", "Apt \uDFFF2"],
    ["billingAddress.city", "Spring\uD800field"],
    ["lines.0.sku", "TEST-\uDC00-SKU"],
    ["lines.0.name", "Test \uD800filter"],
    ["lines.0.description", "Line one\nline \uDFFFtwo"],
    ["notes", "Reversed pair \uDE00\uD83D here"],
    ["customer.email", "testy\uD800@example.com"],
    ["billingAddress.state", "I\uD800L"],
    ["billingAddress.zip", "627\uDC0004"],
  ];
  for (const [field, value] of loneSurrogates) yield mutated(field, value, { label: "lone surrogate" });

  const controls: [string, string][] = [
    ["customer.firstName", "Tes\u0000ty"],
    ["customer.lastName", "McTest\u0007face"],
    ["billingAddress.street", "742 Example\u001B[31m Lane"],
    ["billingAddress.city", "Spring\u007Ffield"],
    ["orderId", "TEST\u0085-1"],
    ["lines.0.sku", "TEST\u009B-SKU"],
    ["lines.0.name", "Test\u0008 filter"],
    ["lines.0.description", "Has a NUL \u0000 inside"],
    ["notes", "Bell \u0007 in notes"],
    ["customer.company", "Test\u000BCo"],
    ["billingAddress.unit", "Apt\u000C2"],
    ["store", "test\u0001store"],
  ];
  for (const [field, value] of controls) yield mutated(field, value, { label: `control character in ${field}` });

  const lineBreaks: [string, string][] = [
    ["customer.firstName", "Testy\nMcTestface"],
    ["billingAddress.street", "742 Example Lane\r\nApt 2"],
    ["billingAddress.city", "Spring\tfield"],
    ["lines.0.name", "Test\u2028filter"],
    ["orderId", "TEST\u2029-1"],
    ["customer.lastName", "McTest\rface"],
    ["lines.0.sku", "TEST\n-SKU"],
    ["customer.company", "Test\u2028Co"],
  ];
  for (const [field, value] of lineBreaks) yield mutated(field, value, { label: `line break in ${field}` });

  const bidi: [string, string][] = [
    ["customer.firstName", "Testy\u202Eecafts"],
    ["customer.lastName", "\u202DMcTestface\u202C"],
    ["billingAddress.street", "742 \u202EenaL elpmaxE"],
    ["billingAddress.city", "Spring\u2067field\u2069"],
    ["customer.company", "Test \u202BCo\u202C"],
    ["notes", "Notes with \u202E override"],
    ["lines.0.sku", "TEST\u2066-SKU\u2069"],
    ["lines.0.name", "Test \u202Afilter\u202C"],
    ["orderId", "TEST-\u2068-1\u2069"],
  ];
  for (const [field, value] of bidi) yield mutated(field, value, { label: `bidi control in ${field}` });

  const invisible: [string, string][] = [
    ["orderId", "TEST-\u200B1"],
    ["orderId", "TEST-\u200D1"],
    ["orderId", "TEST-\uFEFF1"],
    ["orderId", "TEST-\u00AD1"],
    ["orderId", "TEST-\u20601"],
    ["store", "test-\u200Bstore"],
    ["lines.0.sku", "TEST-\u200CSKU"],
    ["lines.0.sku", "TEST-\u200ESKU"],
  ];
  for (const [field, value] of invisible) {
    yield mutated(field, value, { label: `invisible U+${(value.codePointAt(5) ?? 0).toString(16).toUpperCase()}` });
  }
}

function* badEnums(): Generator<BadOrderBody> {
  for (const value of ["Product", "install", "", "products", "SERVICE"]) yield mutated("orderType", value);
  for (const value of ["one-time", "recurring", "Subscription", ""]) yield mutated("purchaseType", value);
  for (const value of ["part", "labor", "Material", ""]) yield mutated("lines.0.itemKind", value);
  for (const value of ["US", "USDD", "$", "U$D", "12A", "", "dollar"]) yield mutated("currency", value);
}

function* badMoney(): Generator<BadOrderBody> {
  const prices: unknown[] = [
    "1.005",
    "19.999",
    19.999,
    "1,000.00",
    "$19.99",
    "19.99 USD",
    "1e3",
    "abc",
    "",
    " ",
    "Infinity",
    1e21,
    "0x10",
    "12.",
    ".5",
    "+5",
    "- 5",
    "1000000000.00",
    0.1 + 0.2,
    "NaN",
    "12.5.0",
    "\u0661\u0662",
  ];
  for (const value of prices) yield mutated("lines.0.unitPrice", value);
  for (const value of [-5, "-5.00", -0.01]) yield mutated("lines.0.unitPrice", value);
  for (const value of ["1.005", 3.333, "$5"]) yield mutated("totals.total", value);
  yield mutated("totals.tax", "-0.001");
}

function* badQuantities(): Generator<BadOrderBody> {
  for (const value of [0, -1, -0.5, 1_000_001, 1e308, 2.5e6]) yield mutated("lines.0.quantity", value);
  const fiveLines = () =>
    buildOrderEvent({
      lines: Array.from({ length: 5 }, (_, i) => ({
        sku: `TEST-SKU-${i}`,
        name: `Test item ${i}`,
        quantity: 1,
        unitPrice: "1.00",
      })),
    });
  yield mutated("lines.3.quantity", 0, { base: fiveLines });
  yield mutated("lines.4.unitPrice", "1.001", { base: fiveLines });
  yield mutated("lines.2.sku", "", { base: fiveLines });
}

function* badLineCounts(): Generator<BadOrderBody> {
  const line = (i: number) => ({ sku: `TEST-SKU-${i}`, name: `Test item ${i}`, quantity: 1, unitPrice: "1.00" });
  yield mutated("lines", [], { label: "no lines" });
  for (const count of [101, 150, 500]) {
    yield mutated(
      "lines",
      Array.from({ length: count }, (_, i) => line(i)),
      { label: `${count} lines` },
    );
  }
}

function* badAddresses(): Generator<BadOrderBody> {
  const zips = ["1234", "123456", "62704-12", "6270A", "62704-123", "ABCDE", "", "62704 1234 5", "62704-12345"];
  for (const value of [...zips, "62704\u20131234", "\uFF16\uFF12\uFF17\uFF10\uFF14"])
    yield mutated("billingAddress.zip", value);
  yield mutated("serviceAddress.zip", "0000", { base: serviceOrder });
  const states = ["XX", "Ill", "Illinoiss", "", "I L", "ZZ", "Ontario", "ON", "BC", "Mexico", "I.L.L."];
  for (const value of states) yield mutated("billingAddress.state", value);
  for (const value of ["CA", "Canada", "MX", "GB", "", "U.K."]) yield mutated("billingAddress.country", value);
  yield mutated("serviceAddress.country", "Canada", { base: serviceOrder });
  yield mutated("billingAddress.street", "   ", { label: "blank street" });
  yield mutated("billingAddress.city", "", { label: "empty city" });
}

function* badContacts(): Generator<BadOrderBody> {
  const emails = [
    "not-an-email",
    "testy@",
    "@example.com",
    "testy@@example.com",
    "testy mctestface@example.com",
    "testy@example",
    "testy@example..com",
    "testy@-example.com",
    "testy.@example.com",
    ".testy@example.com",
    "testy@example.c",
    "t\u00E9sty@example.com",
    "<testy@example.com>",
  ];
  for (const value of emails) yield mutated("customer.email", value);
  const phones = [
    "12345",
    "555-0101",
    "+44 20 7946 0958",
    "+33 1 23 45 67 89",
    "not a phone",
    "",
    "(((",
    "555-010-010",
    "555-010-01011234",
    "+1 555 010 010",
    "0101",
    "1 (800) FLOWERS",
  ];
  for (const value of phones) if (value !== "") yield mutated("customer.phone", value);
}

function* badDates(): Generator<BadOrderBody> {
  const placedAt: unknown[] = [
    "2026-11-20",
    "2026-11-20T15:04:05",
    "yesterday",
    "2026-13-01T00:00:00Z",
    "2026-02-30T00:00:00Z",
    "20/11/2026",
    "2026-11-20T25:00:00Z",
    "2026-11-20T15:04Z",
    "2026-11-20 15:04:05Z",
    "2026-11-20T15:04:05+0500",
    "",
    1_700_000_000,
  ];
  for (const value of placedAt) yield mutated("placedAt", value);
  const window = (start: string, end: string) => () => serviceOrder({ requestedWindow: { start, end } });
  yield {
    ...mutated("requestedWindow.end", "2026-03-09T07:00:00-05:00", { base: serviceOrder }),
    name: "requestedWindow: end before start",
  };
  yield {
    ...mutated("requestedWindow.end", "2026-03-09T08:00:00-05:00", { base: serviceOrder }),
    name: "requestedWindow: end equals start",
  };
  yield {
    ...mutated("requestedWindow.end", "2026-03-09T13:00:00Z", {
      base: window("2026-03-09T08:30:00-05:00", "2026-03-09T12:00:00-05:00"),
    }),
    name: "requestedWindow: end before start across offsets",
  };
  yield mutated("requestedWindow.start", "soon", { base: serviceOrder });
  yield mutated("requestedWindow.end", "2026-03-09", { base: serviceOrder });
}

/** Bodies over the worker's 256 KiB limit (path "$"); SQS may refuse them before the worker sees them. */
export function oversizedOrderBodies(): BadOrderBody[] {
  const padded = (bytes: number) => JSON.stringify({ ...buildOrderEvent(), padding: repeat(bytes) });
  return [
    { name: "body over 256 KiB", body: padded(300 * 1024), reason: ReasonCode.ContractViolation, path: "$" },
    { name: "body just over 256 KiB", body: padded(256 * 1024), reason: ReasonCode.ContractViolation, path: "$" },
  ];
}
