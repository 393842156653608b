/**
 * Step 4: the job, with the business unit, job type, campaign, priority, technician and job tags
 * configured for the order's kind, one appointment (and arrival window) planned in the tenant's
 * time zone, and the order key in `externalData` — the stamp a retry uses to find a job whose create
 * reply was lost, since ServiceTitan has no idempotency key.
 */

import type { SyncConfig } from "../config/schema.ts";
import type { VerifiedReferences } from "../config/verify-references.ts";
import type { Order } from "../order/event-schema.ts";
import { planAppointment } from "../schedule/appointment.ts";
import { createJob, type Job, listJobs } from "../servicetitan/endpoints/jpm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { ExternalDataKey, externalDataFilter, externalDataStamp, stampedForContent } from "./external-data.ts";
import { escapeHtml } from "./html.ts";

export async function createOrderJob(
  http: ServiceTitanHttp,
  config: SyncConfig,
  references: VerifiedReferences,
  order: Order,
  ids: { customerId: number; locationId: number },
  orderKey: string,
  payloadHash?: string,
): Promise<Job> {
  const kind = config[order.orderType];
  const windowId = kind.schedule.arrivalWindow.arrivalWindowId;
  const appointment = planAppointment({
    placedAt: order.placedAt,
    ...(order.requestedWindow ? { requestedWindow: order.requestedWindow } : {}),
    schedule: kind.schedule,
    timeZone: config.tenantTimeZone,
    ...(windowId !== undefined && references.arrivalWindows.has(windowId)
      ? { arrivalWindow: references.arrivalWindows.get(windowId) }
      : {}),
  });
  return createJob(http, {
    customerId: ids.customerId,
    locationId: ids.locationId,
    businessUnitId: kind.businessUnitId,
    jobTypeId: kind.jobTypeId,
    priority: kind.priority,
    campaignId: kind.campaignId,
    appointments: [{ ...appointment, ...(kind.technicianId ? { technicianIds: [kind.technicianId] } : {}) }],
    summary: jobSummary(order),
    tagTypeIds: kind.jobTagTypeIds,
    externalData: externalDataStamp(config, ExternalDataKey.OrderKey, orderKey, payloadHash),
  });
}

/**
 * The job an earlier attempt of this order created, if its reply was lost before the ledger recorded
 * it — made for this content only: a job of an earlier version of the order is not this one's.
 */
export async function findOrderJob(
  http: ServiceTitanHttp,
  config: SyncConfig,
  orderKey: string,
  payloadHash: string,
): Promise<Job | undefined> {
  const page = await listJobs(http, { externalData: externalDataFilter(config, ExternalDataKey.OrderKey, orderKey) });
  return page.data.filter((job) => stampedForContent(job, payloadHash)).sort((a, b) => a.id - b.id)[0];
}

/**
 * Order number, purchase type, for a company order the person who ordered (a matched company
 * customer gets no new contacts, so the job is where the office sees whom to ask for), and the
 * customer's notes; HTML-escaped (the summary is HTML).
 */
export function jobSummary(order: Order): string {
  const kind = order.orderType === "service" ? "Service order" : "Product order";
  const purchase = order.purchaseType === "subscription" ? "subscription" : "one-time";
  const { company, firstName, lastName } = order.customer;
  return [
    `${kind} ${escapeHtml(order.orderId)} (${purchase}) from online store ${escapeHtml(order.store)}`,
    ...(company ? [`Ordered by ${escapeHtml(`${firstName} ${lastName}`)} for ${escapeHtml(company)}`] : []),
    ...(order.notes ? [`Customer notes: ${escapeHtml(order.notes).replace(/\r?\n/g, "<br/>")}`] : []),
  ].join("<br/>");
}
