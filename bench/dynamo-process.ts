/**
 * dynalite alone in its own process, with the ledger and customer index tables: the backfill figure
 * measures the refresh's memory, not the emulator's. Reports its endpoint when ready.
 */
import { startLocalDynamo } from "../local/aws.ts";
import { serveParent } from "./child.ts";

async function main(): Promise<void> {
  const dynamo = await startLocalDynamo();
  dynamo.client.destroy();
  serveParent({ endpoint: dynamo.endpoint }, {}, () => dynamo.stop());
}

await main();
