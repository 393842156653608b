/**
 * Test scaffolding until the sandbox serves all four CRM export feeds (branch `idx-sandbox`): fills
 * the customer index from the sandbox's records through the same row mappers the refresh uses, and
 * marks every feed read to its end — what a backfill would leave. Tests then change the sandbox
 * behind the index's back (merges, deactivations, edited contacts) exactly as the office would.
 */
import type { CustomerIndex } from "../../lib/customer-index/environment.ts";
import {
  customerContactRecordOf,
  customerRecordOf,
  locationContactRecordOf,
  locationRecordOf,
} from "../../lib/customer-index/feed-rows.ts";
import { feeds } from "../../lib/customer-index/table.ts";
import {
  exportCustomerContactSchema,
  exportCustomerSchema,
  exportLocationContactSchema,
  exportLocationSchema,
} from "../../lib/servicetitan/models/crm-export.ts";
import type { SandboxState } from "../../sandbox/state.ts";

export async function seedIndexFromSandbox(index: CustomerIndex, state: SandboxState): Promise<void> {
  const { keys, store } = index;
  // Each sandbox record read as the feed row ServiceTitan would send (the export schemas parse them).
  const records = [
    ...[...state.customers.values()].map((c) => customerRecordOf(keys, exportCustomerSchema.parse(c)).record),
    ...[...state.locations.values()].map((l) => locationRecordOf(keys, exportLocationSchema.parse(l)).record),
    ...[...state.customerContacts.values()].map(
      (c) => customerContactRecordOf(keys, exportCustomerContactSchema.parse({ ...c, active: true })).record,
    ),
    ...[...state.locationContacts.values()].map(
      (c) => locationContactRecordOf(keys, exportLocationContactSchema.parse({ ...c, active: true })).record,
    ),
  ];
  for (const record of records) await store.putRecord(record);
  const readAt = new Date().toISOString();
  await store.recordKeyFingerprint(keys.fingerprint);
  for (const feed of feeds) {
    const current = await store.getFeedState(feed);
    await store.advanceFeed(feed, {
      from: current.position,
      to: "seeded",
      readAt,
      reachedEnd: true,
      newRecords: 0,
      skippedRows: 0,
    });
  }
}
