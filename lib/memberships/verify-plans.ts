/**
 * The start-up check of `memberships.plans`: each membership type exists and is active, and each
 * duration/billing option is one of ITS type's active options. `POST /memberships/sale` names no
 * membership type — the duration/billing option decides it — so an option of another type would sell
 * the wrong membership without an error. The sale task (an active pricebook service) and the optional
 * business unit are checked with the other ids (`lib/config/verify-references.ts`).
 *
 * Cost: one call for the types plus one per configured type, once per container.
 */
import type { SyncConfig } from "../config/schema.ts";
import { decimalToCents } from "../order/money.ts";
import { listDurationBillingItems, listMembershipTypes } from "../servicetitan/endpoints/memberships.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";

export interface MissingPlanReference {
  key: string;
  id: number;
  what: string;
}

export interface VerifiedPlans {
  missing: MissingPlanReference[];
  /** Duration/billing option id → its sale price in cents (what the sale invoice is expected to charge). */
  salePrices: Map<number, number>;
}

export async function verifyMembershipPlans(http: ServiceTitanHttp, config: SyncConfig): Promise<VerifiedPlans> {
  const plans = config.memberships.plans;
  const salePrices = new Map<number, number>();
  if (plans.length === 0) return { missing: [], salePrices };
  const typeIds = [...new Set(plans.map((plan) => plan.membershipTypeId))];
  const types = new Set((await listMembershipTypes(http, { ids: typeIds, active: "True" })).map((type) => type.id));
  const options = new Map(
    await Promise.all(
      typeIds
        .filter((id) => types.has(id))
        .map(async (id) => [id, await listDurationBillingItems(http, id, { active: "True" })] as const),
    ),
  );
  const missing: MissingPlanReference[] = [];
  plans.forEach((plan, index) => {
    const key = `memberships.plans[${index}]`;
    if (!types.has(plan.membershipTypeId)) {
      missing.push({ key: `${key}.membershipTypeId`, id: plan.membershipTypeId, what: "membership type" });
      return;
    }
    const option = options.get(plan.membershipTypeId)?.find((item) => item.id === plan.durationBillingId);
    if (option === undefined) {
      missing.push({
        key: `${key}.durationBillingId`,
        id: plan.durationBillingId,
        what: `duration/billing option of membership type ${plan.membershipTypeId}`,
      });
      return;
    }
    const cents = decimalToCents(option.salePrice);
    if (Number.isFinite(cents)) salePrices.set(option.id, cents);
  });
  return { missing, salePrices };
}
