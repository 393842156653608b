/**
 * Figures 1 and 2: ServiceTitan calls and DynamoDB requests per order, by scenario, counted from
 * the sandbox's exchange log and the ledger's request counters. Everything runs sequentially in one
 * container (one runner lane, one record at a time) against an in-process sandbox with no latency,
 * so the counts are exact and identical on every run.
 *
 * The container's first order pays the token, the reference-data check and the look-up of its SKU;
 * those are reported as warm-up. Every scenario order after it uses the same, now cached, SKU, so
 * what is left is the order's own work.
 */
import { resolve } from "node:path";
import { loadSyncConfigFile } from "../lib/config/parse-config.ts";
import type { SyncConfig } from "../lib/config/schema.ts";
import type { OrderEventInput } from "../lib/order/event-schema.ts";
import type { RecordOutcome, WorkerDependencies } from "../lib/worker/process-batch.ts";
import { type LocalSession, startLocalSession } from "../local/session.ts";
import { defaultSeed, seedContacts, seedIds, startSandbox } from "../sandbox/server.ts";
import type { Exchange, FaultRule, Sandbox } from "../sandbox/types.ts";
import {
  countByOperation,
  isPricebookLookup,
  isReferenceExchange,
  isTokenExchange,
  reconcileCalls,
} from "./exchanges.ts";
import {
  benchOrder,
  knownLine,
  membershipLine,
  newCustomerOrder,
  newSkuLine,
  paidOnlineOrder,
  returningCustomerOrder,
  returningPoolSeed,
  shopifyPaidEvent,
  subscriptionOrder,
} from "./orders.ts";

export const repoRoot = resolve(import.meta.dirname, "..");

/**
 * The example config with payment recording on (`money.payments.record`): only orders with a
 * `payment` block (scenarios h, h2) record one, so the other scenarios are unaffected. Product orders
 * with a `BENCH-DIAG-…` SKU become bookings (scenarios k, k2): the others stay jobs.
 */
export function exampleConfig(): SyncConfig {
  const config = loadSyncConfigFile(resolve(repoRoot, "local/examples/config.json"));
  return {
    ...config,
    money: { ...config.money, payments: { record: seedIds.paymentTypes.onlineStore } },
    bookings: {
      ...config.bookings,
      providerTagId: seedIds.bookingProviderTags.onlineStore,
      product: { createAs: "job", skuRules: [{ sku: "BENCH-DIAG-*", createAs: "booking" }] },
    },
  };
}

/** A diagnostic visit: its order becomes a booking (see `exampleConfig`). */
const diagnosticLine = { sku: "BENCH-DIAG-VISIT", name: "Diagnostic visit", quantity: 1, unitPrice: "79.00" };

export interface DynamoRequests {
  reads: number;
  writes: number;
  /** Of `writes`: creation-lock puts (only when a customer, location or pricebook item is created). */
  lockWrites: number;
}

export interface OrderCalls {
  id: string;
  label: string;
  /** Final status of the order's message (`synced` expected). */
  status: string;
  /** ServiceTitan API calls the order caused (token requests included, if any). */
  calls: number;
  byOperation: Record<string, number>;
  tokenCalls: number;
  referenceCalls: number;
  pricebookLookups: number;
  /** externalData look-ups and invoice reads before the first line write (see `exchanges.ts`). */
  reconcileCalls: number;
  dynamo: DynamoRequests;
  /** SKUs of the order the pricebook doesn't have yet: each costs a look-up and a create. */
  newSkus: number;
}

export interface RetryCalls extends OrderCalls {
  /** Calls of the attempt that failed, before the retry. */
  firstAttemptCalls: number;
}

export interface CallsPerOrderResult {
  /** The container's first order: its warm-up share (token, reference data, SKU look-up) and the rest. */
  warmUp: OrderCalls & { warmUpCalls: number };
  scenarios: OrderCalls[];
  /** Reconcile-only calls summed over every fresh scenario order (target 0). */
  firstAttemptReconcileCalls: number;
  /** Calls the redelivery of an interrupted order costs, per kind of interruption. */
  retries: RetryCalls[];
}

const tags = seedIds.tagTypes;
const knownSku = knownLine(0);

/** A pool customer with nothing odd about it: one email, one phone, one location, already tagged. */
const cleanReturning = 0;

interface Harness {
  sandbox: Sandbox;
  session: LocalSession;
  container: WorkerDependencies;
  /** Log index (and status) at the moment each message's first outcome was recorded. */
  firstOutcomeAt: Map<string, { logIndex: number; dynamo: DynamoRequests; status: string }>;
}

function dynamoOf(container: WorkerDependencies): DynamoRequests {
  return {
    reads: container.ledger.stats.reads + container.creationLock.stats.reads,
    writes: container.ledger.stats.writes + container.creationLock.stats.writes,
    lockWrites: container.creationLock.stats.writes,
  };
}

const minus = (a: DynamoRequests, b: DynamoRequests): DynamoRequests => ({
  reads: a.reads - b.reads,
  writes: a.writes - b.writes,
  lockWrites: a.lockWrites - b.lockWrites,
});

function describeCalls(
  id: string,
  label: string,
  status: string,
  exchanges: readonly Exchange[],
  dynamo: DynamoRequests,
): OrderCalls {
  const byOperation = countByOperation(exchanges);
  return {
    id,
    label,
    status,
    calls: exchanges.length,
    byOperation,
    tokenCalls: exchanges.filter(isTokenExchange).length,
    referenceCalls: exchanges.filter(isReferenceExchange).length,
    pricebookLookups: exchanges.filter(isPricebookLookup).length,
    reconcileCalls: reconcileCalls(exchanges),
    dynamo,
    newSkus: 0,
  };
}

async function startHarness(): Promise<Harness> {
  const seed = defaultSeed();
  seed.customers.push(...returningPoolSeed(1));
  const sandbox = await startSandbox({ seed, latencyMs: 0 });
  const firstOutcomeAt: Harness["firstOutcomeAt"] = new Map();
  let container: WorkerDependencies | undefined;
  const session = await startLocalSession({
    config: exampleConfig(),
    serviceTitan: {
      apiUrl: sandbox.apiUrl,
      authUrl: sandbox.authUrl,
      tenantId: sandbox.tenantId,
      ...sandbox.credentials,
    },
    runnerConcurrency: 1,
    recordConcurrency: 1,
    batchSize: 1,
    // Short, so a redelivery after a simulated crash comes back within seconds; long enough that a
    // container's first order on a busy machine finishes before its message is delivered again.
    visibilityTimeoutSeconds: 5,
    // Longer than the visibility on purpose: the worker's invocation budget must not cut a loaded
    // machine's warm-up order short (a 2 s function would), while crashes still come back quickly.
    functionTimeoutMs: 10_000,
    retryBackoff: { baseSeconds: 1, maxSeconds: 1 },
    // A write with no definite answer holds the lease this long; short, so the retry comes at once.
    timing: { lateWriteMarginMs: 500 },
    telemetry: {
      observer: {
        recordDone(outcome: RecordOutcome) {
          if (firstOutcomeAt.has(outcome.messageId) || !container) return;
          firstOutcomeAt.set(outcome.messageId, {
            logIndex: sandbox.log.length,
            dynamo: dynamoOf(container),
            status: outcome.status,
          });
        },
      },
    },
  });
  container = session.containers[0];
  if (!container) throw new Error("the session has no container");
  return { sandbox, session, container, firstOutcomeAt };
}

/** A message that isn't our contract (a Shopify event): its body as sent, and a name for errors. */
interface RawMessage {
  orderId: string;
  body: Record<string, unknown>;
}

/** Sends one order, runs the worker until the queue is empty, returns its exchanges and DynamoDB use. */
async function runOrder(h: Harness, event: OrderEventInput | RawMessage) {
  const logStart = h.sandbox.log.length;
  const dynamoStart = dynamoOf(h.container);
  const [messageId = ""] = await h.session.send([JSON.stringify("body" in event ? event.body : event)]);
  const stats = await h.session.runUntilDrained({ deadlineMs: 60_000 });
  if (stats.stoppedBy !== "drained") throw new Error(`order ${event.orderId} did not finish (${stats.stoppedBy})`);
  const outcome = h.session.outcomes.get(messageId);
  const first = h.firstOutcomeAt.get(messageId);
  return {
    // The first outcome: on a loaded machine the visibility timeout can expire during a slow first
    // attempt, and the redelivery then reports `duplicate` for an order that synced.
    status: first?.status === "synced" ? first.status : (outcome?.status ?? "missing"),
    exchanges: h.sandbox.log.slice(logStart),
    dynamo: minus(dynamoOf(h.container), dynamoStart),
    logStart,
    dynamoStart,
    first,
  };
}

async function scenario(
  h: Harness,
  id: string,
  label: string,
  event: OrderEventInput | RawMessage,
  options: { newSkus?: number } = {},
): Promise<OrderCalls> {
  const run = await runOrder(h, event);
  return { ...describeCalls(id, label, run.status, run.exchanges, run.dynamo), newSkus: options.newSkus ?? 0 };
}

/** Runs an order whose first attempt is interrupted; reports what the redelivery costs. */
async function retryScenario(
  h: Harness,
  id: string,
  label: string,
  event: OrderEventInput,
  interrupt: { fault?: FaultRule; crashAfterInvocation?: boolean },
): Promise<RetryCalls> {
  if (interrupt.fault) h.sandbox.faults.add(interrupt.fault);
  if (interrupt.crashAfterInvocation) h.session.crashAfterNextInvocation();
  const run = await runOrder(h, event);
  h.sandbox.faults.clear();
  if (!run.first) throw new Error(`order ${event.orderId} recorded no outcome`);
  const firstAttempt = h.sandbox.log.slice(run.logStart, run.first.logIndex);
  const retry = h.sandbox.log.slice(run.first.logIndex);
  const retryDynamo = minus(dynamoOf(h.container), run.first.dynamo);
  return { ...describeCalls(id, label, run.status, retry, retryDynamo), firstAttemptCalls: firstAttempt.length };
}

/**
 * The returning scenarios measure the steady state of a customer who already ordered online: the
 * seeded Testy and Quinn (customer and home location) get the tags a product one-time order adds.
 * Without them, a first online order of an existing customer pays one call per missing tag.
 */
function tagSeededCustomers(sandbox: Sandbox): void {
  const wanted = [
    [sandbox.state.customers.get(seedIds.customers.testy), tags.productOneTime],
    [sandbox.state.locations.get(seedIds.locations.testyHome), tags.onlineStoreLocation],
    [sandbox.state.customers.get(seedIds.customers.quinn), tags.productOneTime],
    [sandbox.state.locations.get(seedIds.locations.quinnHome), tags.onlineStoreLocation],
  ] as const;
  for (const [record, tagTypeId] of wanted) {
    if (!record) throw new Error("the default sandbox seed changed: a seeded customer or location is missing");
    if (!record.tagTypeIds.includes(tagTypeId)) record.tagTypeIds.push(tagTypeId);
  }
}

/** The office dispatches an order's job (found by its `orderKey` stamp) before its cancellation arrives. */
function dispatchJobOf(sandbox: Sandbox, orderId: string): void {
  const job = [...sandbox.state.jobs.values()].find((j) =>
    j.externalData.some((e) => e.key === "orderKey" && e.value.endsWith(`:${orderId}`)),
  );
  if (!job) throw new Error(`no job for bench order ${orderId}`);
  sandbox.office.setJobStatus(job.id, "Dispatched");
}

export async function measureCallsPerOrder(): Promise<CallsPerOrderResult> {
  const h = await startHarness();
  try {
    const warm = await runOrder(h, newCustomerOrder("CPO-WARMUP", 60_000, [knownSku]));
    const warmCalls = describeCalls("warm-up", "first order of a container", warm.status, warm.exchanges, warm.dynamo);
    const warmUp = {
      ...warmCalls,
      warmUpCalls: warmCalls.tokenCalls + warmCalls.referenceCalls + warmCalls.pricebookLookups,
    };

    tagSeededCustomers(h.sandbox);
    const scenarios: OrderCalls[] = [];
    scenarios.push(await scenario(h, "a", "new customer", newCustomerOrder("CPO-A", 60_001, [knownSku])));
    scenarios.push(
      await scenario(
        h,
        "b",
        "returning, by email, same address, tagged",
        returningCustomerOrder("CPO-B", cleanReturning, [knownSku]),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "b2",
        "returning by email: seeded Testy (merged duplicate shares the email)",
        benchOrder({
          orderId: "CPO-B2",
          customer: { firstName: "Testy", lastName: "McTestface", email: seedContacts.mergedEmail },
          billingAddress: { street: "18 Orchard Lane", unit: "Apt 2", city: "Springfield", state: "IL", zip: "62701" },
          lines: [knownSku],
        }),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "c",
        "returning, by phone (seeded Quinn)",
        benchOrder({
          orderId: "CPO-C",
          customer: { firstName: "Quinn", lastName: "Placeholder", phone: seedContacts.quinnPhone },
          billingAddress: { street: "42 Sample Street", city: "Shelbyville", state: "IL", zip: "62565" },
          lines: [knownSku],
        }),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "d",
        "returning, by name + address (seeded Quinn, unknown email)",
        benchOrder({
          orderId: "CPO-D",
          customer: { firstName: "Quinn", lastName: "Placeholder", email: "quinn.new-address@example.test" },
          billingAddress: { street: "42 Sample Street", city: "Shelbyville", state: "IL", zip: "62565" },
          lines: [knownSku],
        }),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "e",
        "returning, by email, at a new service address",
        returningCustomerOrder("CPO-E", cleanReturning, [knownSku], {
          serviceAddress: { street: "7 Newplace Court", city: "Springfield", state: "IL", zip: "62704" },
        }),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "f",
        "returning, by email, same address, a SKU new to the pricebook",
        returningCustomerOrder("CPO-F", cleanReturning, [newSkuLine("BENCH-NEW-SKU-F")]),
        { newSkus: 1 },
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "g",
        "returning, by email, same address, a one-character SKU new to the pricebook",
        returningCustomerOrder("CPO-G", cleanReturning, [newSkuLine("G")]),
        { newSkus: 1 },
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "h",
        "new customer, paid online: lines + shipping + discount + ServiceTitan's tax, payment recorded",
        paidOnlineOrder("CPO-H", 60_002, [knownLine(0, 4)], { taxAsServiceTitan: true }),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "h2",
        "as h, but the store's tax differs from ServiceTitan's: flagged (job note + job tag)",
        paidOnlineOrder("CPO-H2", 60_003, [knownLine(0, 4)], { taxAsServiceTitan: false }),
      ),
    );
    scenarios.push(
      await scenario(h, "s", "new customer, Shopify orders/paid through EventBridge: as a, plus its payment", {
        orderId: "shopify 7000000001",
        body: shopifyPaidEvent(7_000_000_001, 60_006, [knownSku]),
      }),
    );
    scenarios.push(
      await scenario(
        h,
        "m",
        "new customer, membership subscription only: membership sold (its own invoice), no job",
        subscriptionOrder("CPO-M", 60_004, [membershipLine]),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "m2",
        "as m, the next period's order: renewal noted on the membership, nothing sold",
        subscriptionOrder("CPO-M2", 60_004, [membershipLine]),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "m3",
        "new customer, filters + membership: job for the filters, membership sold",
        subscriptionOrder("CPO-M3", 60_005, [knownSku, membershipLine]),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "k",
        "booking: new customer (match, then Bookings_Create)",
        newCustomerOrder("CPO-K", 60_007, [diagnosticLine]),
      ),
    );
    scenarios.push(
      await scenario(
        h,
        "k2",
        "booking: returning, by email (matched read-only)",
        returningCustomerOrder("CPO-K2", cleanReturning, [diagnosticLine]),
      ),
    );
    scenarios.push(
      await scenario(h, "x", "cancellation of a (new customer) order whose job is still Scheduled: job cancelled", {
        ...newCustomerOrder("CPO-A", 60_001, [knownSku]),
        event: "order.cancelled",
      }),
    );
    dispatchJobOf(h.sandbox, "CPO-B");
    scenarios.push(
      await scenario(
        h,
        "x2",
        "cancellation of a (returning) order whose job is Dispatched: left alone, tagged and noted",
        { ...returningCustomerOrder("CPO-B", cleanReturning, [knownSku]), event: "order.cancelled" },
      ),
    );
    const firstAttemptReconcileCalls = [warmUp, ...scenarios].reduce((sum, s) => sum + s.reconcileCalls, 0);

    const retries: RetryCalls[] = [];
    retries.push(
      await retryScenario(
        h,
        "crash-after-complete",
        "killed after completing, before SQS deleted the message",
        newCustomerOrder("CPO-R1", 60_011, [knownSku]),
        { crashAfterInvocation: true },
      ),
    );
    retries.push(
      await retryScenario(
        h,
        "lost-job-reply",
        "new customer: job created, reply lost",
        newCustomerOrder("CPO-R2", 60_012, [knownSku]),
        { fault: { operationId: "Jobs_Create", times: 1, action: { type: "commit-then-fail" } } },
      ),
    );
    retries.push(
      await retryScenario(
        h,
        "lost-line-reply",
        "returning: invoice line added, reply lost",
        returningCustomerOrder("CPO-R3", cleanReturning, [knownSku]),
        { fault: { operationId: "Invoices_UpdateInvoiceItems", times: 1, action: { type: "commit-then-fail" } } },
      ),
    );
    retries.push(
      await retryScenario(
        h,
        "lost-sale-reply",
        "new customer: membership sold, reply lost",
        subscriptionOrder("CPO-R4", 60_013, [membershipLine]),
        { fault: { operationId: "CustomerMemberships_Create", times: 1, action: { type: "commit-then-fail" } } },
      ),
    );
    retries.push(
      await retryScenario(
        h,
        "lost-booking-reply",
        "booking filed, reply lost",
        newCustomerOrder("CPO-R5", 60_014, [diagnosticLine]),
        { fault: { operationId: "Bookings_Create", times: 1, action: { type: "commit-then-fail" } } },
      ),
    );
    return { warmUp, scenarios, firstAttemptReconcileCalls, retries };
  } finally {
    await h.session.stop();
    await h.sandbox.stop();
  }
}
