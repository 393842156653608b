/**
 * What a booking says (`Crm.V2.CreateBookingRequest`). A booking carries no customer id, location,
 * lines or money (api-notes §0.12): the CSR who accepts it picks or creates the customer in
 * ServiceTitan's own screen. So everything the office needs to book the right job — who, where, what
 * was ordered, what it cost and what was paid, which existing customer we matched — is in its fields
 * and its `summary`.
 */
import type { SyncConfig } from "../config/schema.ts";
import type { VerifiedReferences } from "../config/verify-references.ts";
import type { Order } from "../order/event-schema.ts";
import { escapeHtml } from "../pipeline/html.ts";
import { formatMoney, paidOnlineText } from "../pipeline/invoice-money.ts";
import { customerDisplayName, customerTypeFor, type MatchedBy } from "../pipeline/match-customer.ts";
import { toServiceTitanAddress } from "../pipeline/st-address.ts";
import { customerContacts } from "../pipeline/sync-customer.ts";
import { planAppointment } from "../schedule/appointment.ts";
import type { CreateBookingRequest } from "../servicetitan/endpoints/bookings.ts";

/** The customer our matching found (a booking never creates one), or none: a first-time client. */
export interface BookingMatch {
  customerId: number;
  matchedBy: Exclude<MatchedBy, "created">;
}

export function bookingRequest(
  config: SyncConfig,
  references: VerifiedReferences,
  order: Order,
  orderKey: string,
  match: BookingMatch | undefined,
): CreateBookingRequest {
  const kind = config[order.orderType];
  const overrides = config.bookings[order.orderType];
  return {
    source: order.store,
    name: customerDisplayName(order),
    address: toServiceTitanAddress(order.serviceAddress),
    contacts: customerContacts(order),
    customerType: customerTypeFor(order),
    start: bookingStart(config, references, order),
    summary: bookingSummary(order, match),
    campaignId: overrides.campaignId ?? kind.campaignId,
    businessUnitId: overrides.businessUnitId ?? kind.businessUnitId,
    jobTypeId: overrides.jobTypeId ?? kind.jobTypeId,
    priority: overrides.priority ?? kind.priority,
    isFirstTimeClient: match === undefined,
    isSendConfirmationEmail: config.bookings.sendConfirmationEmail,
    externalId: orderKey,
  };
}

/**
 * The start of the order's requested window, in UTC. Without a usable one (none, or one that ended
 * before the order was placed), the time the order kind's schedule would have given the job, so
 * the Calls screen still sorts the booking sensibly; the CSR sets the real time when accepting it.
 */
function bookingStart(config: SyncConfig, references: VerifiedReferences, order: Order): string {
  const schedule = config[order.orderType].schedule;
  const windowId = schedule.arrivalWindow.arrivalWindowId;
  return planAppointment({
    placedAt: order.placedAt,
    ...(order.requestedWindow ? { requestedWindow: order.requestedWindow } : {}),
    schedule: { ...schedule, source: "requested" },
    timeZone: config.tenantTimeZone,
    ...(windowId !== undefined ? { arrivalWindow: references.arrivalWindows.get(windowId) } : {}),
  }).start;
}

/**
 * The order as the CSR reads it: origin, the lines with prices, the totals, the payment and the
 * matched customer. HTML (`<br/>` between lines), escaped, like the job summary: when the CSR books
 * the job it is the text the job starts from.
 */
export function bookingSummary(order: Order, match: BookingMatch | undefined): string {
  const kind = order.orderType === "service" ? "Service order" : "Product order";
  const purchase = order.purchaseType === "subscription" ? "subscription" : "one-time";
  const money = (cents: number) => formatMoney(cents, order.currency);
  const { company, firstName, lastName } = order.customer;
  const totals = order.totals;
  const totalParts = [
    totals?.subtotal !== undefined ? `subtotal ${money(totals.subtotal)}` : undefined,
    totals?.shipping ? `shipping ${money(totals.shipping)}` : undefined,
    totals?.discount ? `discount -${money(totals.discount)}` : undefined,
    totals?.tax !== undefined ? `tax ${money(totals.tax)}` : undefined,
    totals?.total !== undefined ? `total ${money(totals.total)}` : undefined,
  ].filter((part) => part !== undefined);
  const lines = [
    `${kind} ${order.orderId} (${purchase}) from online store ${order.store}: a request to book, not yet scheduled`,
    ...(company ? [`Ordered by ${firstName} ${lastName} for ${company}`] : []),
    ...order.lines.map(
      (line) =>
        `${line.quantity} × ${line.name} (${line.sku}) at ${money(line.unitPriceCents)} = ${money(Math.round(line.quantity * line.unitPriceCents))}`,
    ),
    ...(totalParts.length > 0 ? [`Totals: ${totalParts.join(", ")}`] : []),
    ...(order.payment
      ? [`${paidOnlineText(order, order.payment)}. No invoice yet: record it on the job's invoice when booking`]
      : ["Not paid online"]),
    match
      ? `Existing ServiceTitan customer ${match.customerId} (matched by ${match.matchedBy.replace("_", " + ")})`
      : "No existing ServiceTitan customer matched: a first-time client",
  ];
  const notes = order.notes ? [`Customer notes: ${escapeHtml(order.notes).replace(/\r?\n/g, "<br/>")}`] : [];
  return [...lines.map(escapeHtml), ...notes].join("<br/>");
}
