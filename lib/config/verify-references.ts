/**
 * Checks every id the mapping config names against the tenant, once per container.
 *
 * ServiceTitan validates some ids on job create (400/404) but silently ignores others (a tag type id
 * that doesn't exist is dropped; see api-notes "unknown fields silently ignored"), so a typo would
 * quietly produce untagged records. Failing at start with the config key that is wrong turns that
 * into a clear, permanent error the operator can fix and replay.
 */
import { ConfigError, isPermanent, ReasonCode } from "../errors.ts";
import { verifyMembershipPlans } from "../memberships/verify-plans.ts";
import { listPaymentTypes } from "../servicetitan/endpoints/accounting.ts";
import { listBookingProviderTags } from "../servicetitan/endpoints/bookings.ts";
import { listJobCancelReasons, listJobTypes } from "../servicetitan/endpoints/jpm.ts";
import { listPricebookItems, type PricebookKind } from "../servicetitan/endpoints/pricebook.ts";
import {
  listArrivalWindows,
  listBusinessUnits,
  listCampaigns,
  listTagTypes,
  listTechnicians,
} from "../servicetitan/endpoints/settings.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";
import type { OrderKindConfig, SyncConfig } from "./schema.ts";

/** A dispatch arrival window as time of day, resolved from ServiceTitan's `start`/`duration`. */
export interface ArrivalWindowTimes {
  startMinutes: number;
  durationMinutes: number;
}

export interface VerifiedReferences {
  arrivalWindows: ReadonlyMap<number, ArrivalWindowTimes>;
  /** `memberships.plans`: duration/billing option id → its sale price in cents. */
  membershipSalePrices: ReadonlyMap<number, number>;
}

interface Reference {
  key: string;
  id: number;
}

const orderKinds = ["product", "service"] as const;

function referencesOf(config: SyncConfig) {
  const of = (pick: (kind: OrderKindConfig, prefix: string) => Reference[]) =>
    orderKinds.flatMap((kind) => pick(config[kind], kind));
  /** The `bookings.<kind>` overrides of an order kind's ids. */
  const bookingOverride = (name: "businessUnitId" | "jobTypeId" | "campaignId") =>
    orderKinds.flatMap((kind) => {
      const id = config.bookings[kind][name];
      return id === undefined ? [] : [{ key: `bookings.${kind}.${name}`, id }];
    });
  return {
    businessUnits: [
      ...of((k, p) => [{ key: `${p}.businessUnitId`, id: k.businessUnitId }]),
      ...config.memberships.plans.flatMap((plan, i) =>
        plan.businessUnitId ? [{ key: `memberships.plans[${i}].businessUnitId`, id: plan.businessUnitId }] : [],
      ),
      ...bookingOverride("businessUnitId"),
    ],
    jobTypes: [...of((k, p) => [{ key: `${p}.jobTypeId`, id: k.jobTypeId }]), ...bookingOverride("jobTypeId")],
    campaigns: [...of((k, p) => [{ key: `${p}.campaignId`, id: k.campaignId }]), ...bookingOverride("campaignId")],
    bookingProviderTags:
      config.bookings.providerTagId === undefined
        ? []
        : [{ key: "bookings.providerTagId", id: config.bookings.providerTagId }],
    technicians: of((k, p) => (k.technicianId ? [{ key: `${p}.technicianId`, id: k.technicianId }] : [])),
    arrivalWindows: of((k, p) =>
      k.schedule.arrivalWindow.arrivalWindowId
        ? [{ key: `${p}.schedule.arrivalWindow.arrivalWindowId`, id: k.schedule.arrivalWindow.arrivalWindowId }]
        : [],
    ),
    paymentTypes: config.money.payments.record
      ? [{ key: "money.payments.record", id: config.money.payments.record }]
      : [],
    pricebookItems: [
      ...(["shippingItem", "discountItem"] as const).flatMap((name) => {
        const item = config.money[name];
        return item ? [{ key: `money.${name}.skuId`, id: item.skuId, kind: item.kind }] : [];
      }),
      // A membership's sale task is a pricebook service.
      ...config.memberships.plans.map((plan, i) => ({
        key: `memberships.plans[${i}].saleTaskId`,
        id: plan.saleTaskId,
        kind: "service" as const,
      })),
    ],
    cancelReasons: config.cancellations.reasonId
      ? [{ key: "cancellations.reasonId", id: config.cancellations.reasonId }]
      : [],
    tagTypes: [
      ...(["totalMismatchJobTagTypeId", "paidOnlineJobTagTypeId"] as const).flatMap((name) => {
        const id = config.money[name];
        return id ? [{ key: `money.${name}`, id }] : [];
      }),
      ...(["leftAloneJobTagTypeId", "refundJobTagTypeId"] as const).flatMap((name) => {
        const id = config.cancellations[name];
        return id ? [{ key: `cancellations.${name}`, id }] : [];
      }),
      ...of((k, p) => [
        ...k.customerTagTypeIds.oneTime.map((id, i) => ({ key: `${p}.customerTagTypeIds.oneTime[${i}]`, id })),
        ...k.customerTagTypeIds.subscription.map((id, i) => ({
          key: `${p}.customerTagTypeIds.subscription[${i}]`,
          id,
        })),
        ...k.locationTagTypeIds.oneTime.map((id, i) => ({ key: `${p}.locationTagTypeIds.oneTime[${i}]`, id })),
        ...k.locationTagTypeIds.subscription.map((id, i) => ({
          key: `${p}.locationTagTypeIds.subscription[${i}]`,
          id,
        })),
        ...k.jobTagTypeIds.map((id, i) => ({ key: `${p}.jobTagTypeIds[${i}]`, id })),
      ]),
    ],
  };
}

const uniqueIds = (refs: readonly Reference[]) => [...new Set(refs.map((r) => r.id))];

interface MissingReference extends Reference {
  what: string;
}

function missingOf(refs: readonly Reference[], found: ReadonlySet<number>, what: string): MissingReference[] {
  return refs.filter((ref) => !found.has(ref.id)).map((ref) => ({ ...ref, what }));
}

/**
 * Every missing id at once, each with its key: an operator fixing the config one id per deployment
 * (and one failed order per try) would need as many rounds as there are typos.
 */
function requireNoneMissing(missing: readonly MissingReference[]): void {
  if (missing.length === 0) return;
  const keys = missing.map((ref) => ref.key);
  const listed = missing.map((ref) => `${ref.key} (${ref.what} ${ref.id})`).join(", ");
  throw new ConfigError(
    ReasonCode.ConfigIdMissing,
    keys.join(","),
    missing.length === 1
      ? `Config ${missing[0]?.key} names ${missing[0]?.what} ${missing[0]?.id}, which the ServiceTitan tenant doesn't have (or it is inactive)`
      : `Config names ${missing.length} ids the ServiceTitan tenant doesn't have (or are inactive): ${listed}`,
    { details: { keys } },
  );
}

/** One call per reference kind (ids filters take up to 50 ids), all in parallel. */
export async function verifyReferences(http: ServiceTitanHttp, config: SyncConfig): Promise<VerifiedReferences> {
  const refs = referencesOf(config);
  const idsOf = (items: readonly { id: number }[]) => new Set(items.map((item) => item.id));
  const [
    businessUnits,
    jobTypes,
    campaigns,
    technicians,
    arrivalWindows,
    tagTypes,
    paymentTypes,
    items,
    plans,
    providerTags,
    reasons,
  ] = await Promise.all([
    listBusinessUnits(http, { ids: uniqueIds(refs.businessUnits), active: "True" }),
    listJobTypes(http, { ids: uniqueIds(refs.jobTypes), active: "True" }),
    listCampaigns(http, { ids: uniqueIds(refs.campaigns), active: "True" }),
    refs.technicians.length > 0
      ? listTechnicians(http, { ids: uniqueIds(refs.technicians), active: "True" })
      : Promise.resolve([]),
    refs.arrivalWindows.length > 0 ? listArrivalWindows(http, { active: "True" }) : Promise.resolve([]),
    refs.tagTypes.length > 0 ? listTagTypes(http, { ids: uniqueIds(refs.tagTypes) }) : Promise.resolve([]),
    refs.paymentTypes.length > 0
      ? listPaymentTypes(http, { ids: uniqueIds(refs.paymentTypes), active: "True" })
      : Promise.resolve([]),
    activePricebookItems(http, refs.pricebookItems),
    verifyMembershipPlans(http, config),
    activeBookingProviderTags(http, refs.bookingProviderTags),
    refs.cancelReasons.length > 0 ? listJobCancelReasons(http, { active: "True" }) : Promise.resolve([]),
  ]);
  requireNoneMissing([
    ...missingOf(refs.businessUnits, idsOf(businessUnits), "business unit"),
    ...missingOf(refs.jobTypes, idsOf(jobTypes), "job type"),
    ...missingOf(refs.campaigns, idsOf(campaigns), "campaign"),
    ...missingOf(refs.technicians, idsOf(technicians), "technician"),
    ...missingOf(refs.arrivalWindows, idsOf(arrivalWindows), "arrival window"),
    ...missingOf(refs.tagTypes, idsOf(tagTypes), "tag type"),
    ...missingOf(refs.paymentTypes, idsOf(paymentTypes), "payment type"),
    ...missingOf(refs.bookingProviderTags, providerTags, "booking provider tag"),
    ...missingOf(refs.cancelReasons, idsOf(reasons), "job cancel reason"),
    ...refs.pricebookItems.flatMap((ref) =>
      missingOf([ref], items.get(ref.kind) ?? new Set(), `${ref.kind} pricebook item`),
    ),
    ...plans.missing,
  ]);
  const readableWindows = new Map<number, ArrivalWindowTimes>();
  for (const w of arrivalWindows) {
    if (w.startMinutes !== undefined && w.durationMinutes !== undefined) {
      readableWindows.set(w.id, { startMinutes: w.startMinutes, durationMinutes: w.durationMinutes });
    }
  }
  const unreadable = refs.arrivalWindows.find((ref) => !readableWindows.has(ref.id));
  if (unreadable) {
    throw new ConfigError(
      ReasonCode.ConfigIdMissing,
      unreadable.key,
      `Config ${unreadable.key} names arrival window ${unreadable.id}, whose start or duration ServiceTitan returned in a form the worker can't read`,
    );
  }
  return { arrivalWindows: readableWindows, membershipSalePrices: plans.salePrices };
}

/** The configured shipping/discount items that exist and are active, by kind (one call per kind used). */
async function activePricebookItems(
  http: ServiceTitanHttp,
  refs: readonly (Reference & { kind: PricebookKind })[],
): Promise<Map<PricebookKind, Set<number>>> {
  const kinds = [...new Set(refs.map((ref) => ref.kind))];
  const found = await Promise.all(
    kinds.map(async (kind) => {
      const ids = uniqueIds(refs.filter((ref) => ref.kind === kind));
      const page = await listPricebookItems(http, kind, { ids, active: "True", pageSize: ids.length });
      return [kind, new Set(page.data.map((item) => item.id))] as const;
    }),
  );
  return new Map(found);
}

/**
 * The configured Booking Provider tag, when it exists and is active (`BookingProviderTags_GetList`
 * has no `active` filter, so the flag is read). An inactive provider is not usable: whether
 * ServiceTitan still accepts bookings under it is unknown, and the office would not expect them.
 */
async function activeBookingProviderTags(http: ServiceTitanHttp, refs: readonly Reference[]): Promise<Set<number>> {
  if (refs.length === 0) return new Set();
  const page = await listBookingProviderTags(http, { ids: uniqueIds(refs) });
  return new Set(page.data.filter((tag) => tag.active).map((tag) => tag.id));
}

/**
 * Verifies once per container and shares the answer with every order (0 reference-data calls per
 * order after warm-up). A permanent failure (a missing id) is cached too: the config can't change
 * inside a container, and a fixed config arrives with a new deployment (new containers). A transient
 * failure is forgotten so the next order tries again.
 */
export class ReferenceCheck {
  #pending: Promise<VerifiedReferences> | undefined;
  constructor(
    private readonly http: ServiceTitanHttp,
    private readonly config: SyncConfig,
  ) {}

  verified(): Promise<VerifiedReferences> {
    this.#pending ??= verifyReferences(this.http, this.config).catch((error: unknown) => {
      if (!isPermanent(error)) this.#pending = undefined;
      throw error;
    });
    return this.#pending;
  }
}
