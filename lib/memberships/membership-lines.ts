/**
 * Which lines of an order sell memberships (`memberships.plans`), and what is left for the job.
 *
 * A membership line is not an invoice line of the job: `POST /memberships/sale` creates the
 * membership together with its own sale invoice, priced by ServiceTitan from the sale task and the
 * duration/billing option. Putting the line on the job invoice as well would bill the customer twice.
 * So the job (and its invoice, totals check and recorded payment) sees the order without those
 * lines and their amount; an order made only of membership lines creates no job at all.
 *
 * Everything that makes a membership line unsellable is found here, before anything is written:
 * it fails permanently (`MEMBERSHIP_ORDER_INVALID`) naming the SKU and its config key.
 */
import type { MembershipPlan, SyncConfig } from "../config/schema.ts";
import { BusinessRuleError, ReasonCode } from "../errors.ts";
import type { Order, OrderLine } from "../order/event-schema.ts";

export interface MembershipLine {
  /** Index in `order.lines`. */
  index: number;
  line: OrderLine;
  plan: MembershipPlan;
  /** `memberships.plans[2]`: where the plan is configured, for errors and status. */
  planKey: string;
}

export interface OrderMemberships {
  /** The lines that sell memberships, in order. */
  lines: MembershipLine[];
  /**
   * The order as the job sees it: without the membership lines, their amount taken off `subtotal`,
   * `total` and the payment. Undefined when every line sells a membership: no job is created.
   */
  jobOrder: Order | undefined;
}

/** Splits the order's lines; throws `BusinessRuleError` for a membership line that can't be sold. */
export function orderMemberships(order: Order, config: SyncConfig): OrderMemberships {
  const plans = config.memberships.plans;
  const lines: MembershipLine[] = [];
  order.lines.forEach((line, index) => {
    const at = plans.findIndex((plan) => plan.sku === line.sku);
    const plan = plans[at];
    if (plan !== undefined) lines.push({ index, line, plan, planKey: `memberships.plans[${at}]` });
  });
  if (lines.length === 0) return { lines, jobOrder: order };
  assertSellable(order, lines);
  const jobLines = order.lines.filter((_, index) => !lines.some((m) => m.index === index));
  return { lines, jobOrder: jobLines.length === 0 ? undefined : withoutMembershipAmounts(order, lines, jobLines) };
}

function invalid(membership: MembershipLine, message: string): BusinessRuleError {
  return new BusinessRuleError(
    ReasonCode.MembershipOrderInvalid,
    `Line ${membership.index} (SKU ${membership.line.sku}, config ${membership.planKey}): ${message}`,
    { details: { sku: membership.line.sku, key: membership.planKey, line: membership.index } },
  );
}

function assertSellable(order: Order, lines: readonly MembershipLine[]): void {
  for (const membership of lines) {
    if (order.purchaseType !== "subscription") {
      // A one-time purchase of a mapped SKU is ambiguous (a prepaid plan, or a store mapping error);
      // selling it quietly as an ordinary line would skip the membership the config asks for.
      throw invalid(
        membership,
        "a membership SKU on a one_time order; send it as a subscription order or unmap the SKU",
      );
    }
    if (membership.line.quantity !== 1) {
      throw invalid(membership, "a membership line must have quantity 1 (one membership per customer and type)");
    }
    const twin = lines.find(
      (other) => other !== membership && other.plan.membershipTypeId === membership.plan.membershipTypeId,
    );
    if (twin !== undefined) {
      throw invalid(
        membership,
        `membership type ${membership.plan.membershipTypeId} is also sold by line ${twin.index}`,
      );
    }
  }
  const onlyMemberships = lines.length === order.lines.length;
  const first = lines[0];
  if (onlyMemberships && first && ((order.totals?.shipping ?? 0) > 0 || (order.totals?.discount ?? 0) > 0)) {
    // No job means no job invoice to carry them, and the sale invoice is priced by ServiceTitan.
    throw invalid(
      first,
      "an order of membership lines only can't carry shipping or a discount (there is no job invoice)",
    );
  }
}

function withoutMembershipAmounts(order: Order, lines: readonly MembershipLine[], jobLines: OrderLine[]): Order {
  const membershipCents = lines.reduce((sum, m) => sum + Math.round(m.line.quantity * m.line.unitPriceCents), 0);
  const less = (cents: number | undefined) => (cents === undefined ? undefined : Math.max(0, cents - membershipCents));
  const totals = order.totals && {
    ...order.totals,
    ...(order.totals.subtotal === undefined ? {} : { subtotal: less(order.totals.subtotal) }),
    ...(order.totals.total === undefined ? {} : { total: less(order.totals.total) }),
  };
  const payment = order.payment && { ...order.payment, amountCents: less(order.payment.amountCents) ?? 0 };
  return { ...order, lines: jobLines, ...(totals ? { totals } : {}), ...(payment ? { payment } : {}) };
}
