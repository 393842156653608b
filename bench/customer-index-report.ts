/**
 * The customer index figures (7–9) as text: calls per order by tenant kind, the backfill and the
 * index lag, each with the target where it has one.
 */
import type { BackfillResult, IndexCallsResult, IndexLagResult } from "./customer-index.ts";

export interface CustomerIndexFigures {
  callsWithoutContactManagement?: IndexCallsResult;
  callsWithContactManagement?: IndexCallsResult;
  backfill?: BackfillResult;
  lag?: IndexLagResult;
}

export const customerIndexTargets = {
  maxCallsPerOrder: 5,
  maxBackfillCalls: 400,
  maxBackfillRssGrowthMb: 200,
} as const;

const verdict = (ok: boolean) => (ok ? "ok" : "OVER TARGET");

export function renderCustomerIndexFigures(figures: CustomerIndexFigures): string {
  const lines: string[] = [];
  for (const result of [figures.callsWithoutContactManagement, figures.callsWithContactManagement]) {
    if (!result) continue;
    const kind = result.contactManagement ? "with Contact Management" : "without Contact Management";
    for (const batch of [result.returningByEmail, result.newCustomers]) {
      const per = batch.callsPerOrder.toFixed(1);
      const ok = batch.callsPerOrder <= customerIndexTargets.maxCallsPerOrder && batch.synced === batch.orders;
      lines.push(
        `7  ${kind}, ${batch.label}: ${per} calls/order (${batch.calls} for ${batch.orders} orders, ${batch.feedCalls} catch-up feed reads; matched ${JSON.stringify(batch.matchedBy)}) target ≤ ${customerIndexTargets.maxCallsPerOrder}: ${verdict(ok)}`,
      );
    }
  }
  const b = figures.backfill;
  if (b) {
    lines.push(
      `8  backfill of ${b.customers} customers at ${b.feedPageSize} rows/page: ${b.serviceTitanCalls} ServiceTitan calls (target ≤ ${customerIndexTargets.maxBackfillCalls}: ${verdict(b.serviceTitanCalls <= customerIndexTargets.maxBackfillCalls)}), ${b.wallSeconds} s, ${b.feedRows} feed rows, ${b.records} records, ${b.skippedRows} skipped, ${b.dynamoWrites} DynamoDB writes, RSS ${b.rssBeforeMb} → peak ${b.rssPeakMb} MB (growth ${b.rssGrowthMb} MB, target < ${customerIndexTargets.maxBackfillRssGrowthMb}: ${verdict(b.rssGrowthMb < customerIndexTargets.maxBackfillRssGrowthMb)}), complete: ${b.backfillComplete}`,
    );
  }
  const l = figures.lag;
  if (l) {
    lines.push(
      `9  index lag: ${(l.lagMs / 1000).toFixed(1)} s from an office-created customer to the first order matching it (matched by ${l.matchedBy ?? "nothing"}${l.matchedTheOfficeCustomer ? ", the office's customer" : ", NOT the office's customer"}; ${l.serviceTitanCalls} calls)`,
    );
  }
  return `${lines.join("\n")}\n`;
}
