/**
 * An order configured as a booking (`bookings.<orderType>`): matched, then filed as one booking on
 * ServiceTitan's Calls screen — never a job, and nothing else written.
 *
 * The customer: matching runs as for a job (index candidates confirmed live), but read-only. A
 * booking has no customer field; the CSR who accepts it picks or creates the customer in
 * ServiceTitan's own screen, so a customer or location created by the worker would be a second one
 * the moment the CSR creates theirs. The match only sets `isFirstTimeClient` and names the existing
 * customer in the summary, so the CSR books on that account.
 *
 * The money: a booking has no invoice. The lines, totals and the online payment are in its summary;
 * the job's invoice comes into being when the CSR books the job, and the office records the payment
 * there (the summary says so).
 *
 * Exactly once: the booking's `externalId` is the order key. Before creating, a resumed attempt looks
 * for a booking of the provider with that `externalId` (one call): an earlier attempt whose reply was
 * lost, or which died before the ledger recorded the booking. A fresh claim skips the look-up, as for
 * jobs: the ledger's create-if-absent proves no attempt ran before. Whether ServiceTitan itself refuses
 * a second booking with the same `externalId` is UNCONFIRMED; when a create is refused (4xx), the
 * worker looks once more and takes the booking it finds, so both answers end in exactly one booking.
 * The ledger's completion records the booking id (nothing follows the booking, so no separate
 * checkpoint is written).
 */
import type { SyncConfig } from "../config/schema.ts";
import type { ReferenceCheck } from "../config/verify-references.ts";
import type { BatchIndexView } from "../customer-index/batch-view.ts";
import { ConfigError, ReasonCode, ServiceTitanRejectedError } from "../errors.ts";
import type { SyncProgress } from "../ledger/ledger.ts";
import type { Order } from "../order/event-schema.ts";
import { matchCustomer } from "../pipeline/match-customer.ts";
import { type Booking, createBooking, listBookingsByExternalId } from "../servicetitan/endpoints/bookings.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import { type BookingMatch, bookingRequest } from "./booking-request.ts";

export interface SyncBookingDependencies {
  http: ServiceTitanHttp;
  config: SyncConfig;
  references: ReferenceCheck;
}

export interface BookingStep {
  orderKey: string;
  /** An earlier attempt may have filed the booking: look for it before creating. */
  resumed: boolean;
  /** Mutated: `bookingId`, its status as read, the match. */
  progress: SyncProgress;
  index?: BatchIndexView | undefined;
}

export async function syncBooking(deps: SyncBookingDependencies, order: Order, step: BookingStep): Promise<void> {
  const { http, config } = deps;
  const { progress, orderKey } = step;
  if (progress.bookingId !== undefined) return;
  const providerTagId = config.bookings.providerTagId;
  if (providerTagId === undefined) {
    // The schema requires it whenever an order can become a booking; reached only by a config built in code.
    throw new ConfigError(ReasonCode.ConfigInvalid, "bookings.providerTagId", "No booking provider tag configured");
  }
  const references = await deps.references.verified();

  const match = await matchOnce(deps, order, step);
  const booking =
    (step.resumed ? await findOrderBooking(http, providerTagId, orderKey) : undefined) ??
    (await createOnce(http, providerTagId, bookingRequest(config, references, order, orderKey, match)));
  Object.assign(progress, bookingProgress(booking));
}

/** The booking's id, and its status and job as just read (what `npm run status` shows). */
export function bookingProgress(booking: Booking): SyncProgress {
  return {
    bookingId: booking.id,
    bookingStatus: booking.status,
    ...(booking.jobId !== undefined ? { bookingJobId: booking.jobId } : {}),
    bookingReadAt: new Date().toISOString(),
  };
}

/** Matches the order's customer, read-only; a resumed attempt reuses the answer it recorded. */
async function matchOnce(
  deps: SyncBookingDependencies,
  order: Order,
  step: BookingStep,
): Promise<BookingMatch | undefined> {
  const { progress } = step;
  if (progress.firstTimeClient === true) return undefined;
  const { customerId, matchedBy } = progress;
  if (progress.firstTimeClient === false && customerId !== undefined && matchedBy && matchedBy !== "created") {
    return { customerId, matchedBy };
  }
  const sources = { http: deps.http, contactManagement: deps.config.customerIndex.contactManagement };
  const found = await matchCustomer({ ...sources, index: step.index }, order);
  const match = found ? { customerId: found.customer.id, matchedBy: found.matchedBy } : undefined;
  Object.assign(progress, { firstTimeClient: match === undefined }, match ?? {});
  return match;
}

/** The booking an earlier attempt of this order filed, if any (lowest id: the first one filed). */
export async function findOrderBooking(
  http: ServiceTitanHttp,
  providerTagId: number,
  orderKey: string,
): Promise<Booking | undefined> {
  const found = await listBookingsByExternalId(http, providerTagId, orderKey);
  return found.sort((a, b) => a.id - b.id)[0];
}

/**
 * Creates the booking. A refusal (4xx) may be ServiceTitan refusing a second booking with this
 * `externalId` (UNCONFIRMED whether it does): a booking found now is this order's; otherwise the
 * refusal stands.
 */
async function createOnce(
  http: ServiceTitanHttp,
  providerTagId: number,
  body: Parameters<typeof createBooking>[2],
): Promise<Booking> {
  try {
    return await createBooking(http, providerTagId, body);
  } catch (error) {
    if (!(error instanceof ServiceTitanRejectedError) || error.status >= 500) throw error;
    const existing = await findOrderBooking(http, providerTagId, body.externalId);
    if (existing === undefined) throw error;
    return existing;
  }
}
