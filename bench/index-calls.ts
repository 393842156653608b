/**
 * ServiceTitan calls per order with the customer index, after warm-up, one line of a known SKU:
 * batches of 10 orders (the Lambda's default batch size), so the catch-up a batch pays on its first
 * miss is spread over the batch as in production. Counted from the sandbox's exchange log.
 *
 *   npx tsx bench/index-calls.ts
 *
 * Until the sandbox serves all four export feeds (branch `idx-sandbox`), the index is filled from
 * the sandbox's records (`test/support/index-seed.ts`) and a catch-up's calls are those of the
 * feeds the sandbox has: the figures below count each batch's catch-up attempts in the log.
 */

import { startLocalSession } from "../local/session.ts";
import { defaultSeed, startSandbox } from "../sandbox/server.ts";
import { seedIndexFromSandbox } from "../test/support/index-seed.ts";
import { exampleConfig } from "./calls-per-order.ts";
import { countByOperation } from "./exchanges.ts";
import { knownLine, newCustomerOrder, returningCustomerOrder, returningPoolSeed } from "./orders.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const batch = 10;

async function measure(contactManagement: boolean) {
  const seed = defaultSeed();
  seed.customers.push(...returningPoolSeed(batch));
  const sandbox = await startSandbox({ seed, latencyMs: 0 });
  const base = exampleConfig();
  const config = { ...base, customerIndex: { ...base.customerIndex, contactManagement, catchUpIntervalSeconds: 0 } };
  const session = await startLocalSession({
    config,
    serviceTitan: {
      apiUrl: sandbox.apiUrl,
      authUrl: sandbox.authUrl,
      tenantId: sandbox.tenantId,
      ...sandbox.credentials,
    },
    runnerConcurrency: 1,
    recordConcurrency: 1,
    batchSize: batch,
  });
  try {
    await seedIndexFromSandbox(session.customerIndex, sandbox.state);
    const run = async (events: object[]) => {
      const start = sandbox.log.length;
      await session.send(events.map((e) => JSON.stringify(e)));
      await session.runUntilDrained({ deadlineMs: 120_000 });
      const exchanges = sandbox.log.slice(start);
      return { perOrder: exchanges.length / events.length, byOperation: countByOperation(exchanges) };
    };
    await run([newCustomerOrder("IDX-WARM", 70_000, [knownLine(0)])]);
    const newCustomers = await run(
      Array.from({ length: batch }, (_, i) => newCustomerOrder(`IDX-NEW-${i}`, 70_001 + i, [knownLine(0)])),
    );
    const returning = await run(
      Array.from({ length: batch }, (_, i) => returningCustomerOrder(`IDX-RET-${i}`, i, [knownLine(0)])),
    );
    return { contactManagement, newCustomers, returning };
  } finally {
    await session.stop();
    await sandbox.stop();
  }
}

for (const cm of [false, true]) console.log(JSON.stringify(await measure(cm), null, 1));
