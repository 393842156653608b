/** The configured ids checked against the tenant once per container (a narrow unit test over a fake client). */
import { describe, expect, it } from "vitest";
import type { SyncConfig } from "../../lib/config/schema.ts";
import { ReferenceCheck } from "../../lib/config/verify-references.ts";
import { ConfigError, ServiceTitanUnavailableError } from "../../lib/errors.ts";
import type { ServiceTitanHttp, StRequest } from "../../lib/servicetitan/types.ts";
import { exampleConfig } from "../support/world.ts";

const page = (data: unknown[]) => ({ page: 1, pageSize: 50, hasMore: false, data });
const named = (id: number) => ({ id, name: `Ref ${id}`, active: true });

/** Answers each reference list from `tenant`; counts calls; can fail the next N calls transiently. */
function fakeTenant(
  tenant: {
    arrivalWindows?: unknown[];
    campaigns?: number[];
    services?: number[];
    paymentTypes?: number[];
    cancelReasons?: number[];
    tagTypes?: number[];
  } = {},
) {
  let failNext = 0;
  const http: ServiceTitanHttp & { failNext(n: number): void } = {
    tenantId: "1",
    stats: { calls: 0, tokenRequests: 0, rateLimited: 0, retries: 0 },
    failNext(n) {
      failNext = n;
    },
    async request<T>(req: StRequest<T>): Promise<T> {
      http.stats.calls++;
      if (failNext > 0) {
        failNext--;
        throw new ServiceTitanUnavailableError("ST_UNAVAILABLE", "down", { status: 503 });
      }
      const body = (() => {
        if (req.path.startsWith("/business-units")) return page([501, 502].map(named));
        if (req.path.startsWith("/job-types"))
          return page([601, 602].map((id) => ({ ...named(id), businessUnitIds: [] })));
        if (req.path.startsWith("/campaigns")) return page((tenant.campaigns ?? [701]).map(named));
        if (req.path.startsWith("/technicians")) return page([{ ...named(801), userId: 1 }]);
        if (req.path.startsWith("/tag-types"))
          return page(
            (tenant.tagTypes ?? [1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109, 1110, 1111]).map((id) => ({
              ...named(id),
              code: "",
              color: "#000000",
            })),
          );
        if (req.path.startsWith("/arrival-windows"))
          return page(
            tenant.arrivalWindows ?? [
              { id: 901, start: "08:00:00", duration: "04:00:00", businessUnitIds: [], active: true },
            ],
          );
        if (req.path.startsWith("/services"))
          return page(
            (tenant.services ?? [5203, 5204, 5205, 5206]).map((id) => ({
              id,
              code: `SVC-${id}`,
              active: true,
              price: 0,
            })),
          );
        if (req.path.startsWith("/payment-types")) return page((tenant.paymentTypes ?? [1501]).map(named));
        // memberships.plans of the example config: types 1601 and 1602, each with its duration/billing option.
        const options = /^\/membership-types\/(\d+)\/duration-billing-items$/.exec(req.path);
        if (options)
          return [
            { id: options[1] === "1601" ? 1611 : 1621, active: true, billingFrequency: "Monthly", salePrice: 15 },
          ];
        if (req.path.startsWith("/membership-types")) return page([1601, 1602].map(named));
        if (req.path.startsWith("/job-cancel-reasons")) return page((tenant.cancelReasons ?? [1801]).map(named));
        throw new Error(`unexpected ${req.path}`);
      })();
      return (req.response ? req.response.parse(body) : body) as T;
    },
  };
  return http;
}

describe("ReferenceCheck", () => {
  it("resolves the configured arrival window and caches the answer for every later order", async () => {
    // Prepare
    const http = fakeTenant();
    const check = new ReferenceCheck(http, exampleConfig());

    // Act
    const first = await check.verified();
    const callsAfterFirst = http.stats.calls;
    await check.verified();

    // Assess
    expect(first.arrivalWindows.get(901)).toEqual({ startMinutes: 480, durationMinutes: 240 });
    expect(http.stats.calls).toBe(callsAfterFirst);
  });

  it("names the config key of an id the tenant doesn't have, and keeps that answer", async () => {
    // Prepare
    const http = fakeTenant({ campaigns: [702] });
    const check = new ReferenceCheck(http, exampleConfig());

    // Act
    const error = await check.verified().catch((e: unknown) => e);
    const calls = http.stats.calls;
    await check.verified().catch(() => undefined);

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe("product.campaignId,service.campaignId");
    expect((error as ConfigError).reason).toBe("CONFIG_ID_MISSING");
    expect(http.stats.calls).toBe(calls);
  });

  it("reports every missing id at once, each with its key", async () => {
    // Prepare: a job type, a campaign (used by both kinds) and a tag type the tenant doesn't have.
    const config = structuredClone(exampleConfig());
    config.product.jobTypeId = 699;
    config.service.customerTagTypeIds.oneTime = [1103, 1199];
    const check = new ReferenceCheck(fakeTenant({ campaigns: [702] }), config);

    // Act
    const error = await check.verified().catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).reason).toBe("CONFIG_ID_MISSING");
    expect((error as ConfigError).key).toBe(
      "product.jobTypeId,product.campaignId,service.campaignId,service.customerTagTypeIds.oneTime[1]",
    );
    expect((error as ConfigError).message).toBe(
      "Config names 4 ids the ServiceTitan tenant doesn't have (or are inactive): product.jobTypeId (job type 699), " +
        "product.campaignId (campaign 701), service.campaignId (campaign 701), " +
        "service.customerTagTypeIds.oneTime[1] (tag type 1199)",
    );
  });

  it("ignores an unreadable window nobody configured, but not an unreadable configured one", async () => {
    // Prepare
    const odd = { id: 999, start: "morning", duration: "??", businessUnitIds: [], active: true };
    const good = { id: 901, start: "PT8H", duration: "PT4H", businessUnitIds: [], active: true };
    const config: SyncConfig = exampleConfig();

    // Act
    const fine = await new ReferenceCheck(fakeTenant({ arrivalWindows: [odd, good] }), config).verified();
    const broken = await new ReferenceCheck(fakeTenant({ arrivalWindows: [{ ...odd, id: 901 }] }), config)
      .verified()
      .catch((e: unknown) => e);

    // Assess
    expect(fine.arrivalWindows.get(901)).toEqual({ startMinutes: 480, durationMinutes: 240 });
    expect((broken as ConfigError).key).toBe("product.schedule.arrivalWindow.arrivalWindowId");
  });

  it("forgets a transient failure so the next order checks again", async () => {
    // Prepare
    const http = fakeTenant();
    http.failNext(1);
    const check = new ReferenceCheck(http, exampleConfig());

    // Act
    const first = await check.verified().catch((e: unknown) => e);
    const second = await check.verified();

    // Assess
    expect(first).toBeInstanceOf(ServiceTitanUnavailableError);
    expect(second.arrivalWindows.has(901)).toBe(true);
  });

  it("checks the money items and the payment type, naming their keys", async () => {
    // Prepare
    const config: SyncConfig = { ...exampleConfig() };
    config.money = { ...config.money, payments: { record: 1599 } };

    // Act
    const noShipping = await new ReferenceCheck(fakeTenant({ services: [5204, 5205, 5206] }), exampleConfig())
      .verified()
      .catch((e: unknown) => e);
    const noPaymentType = await new ReferenceCheck(fakeTenant(), config).verified().catch((e: unknown) => e);
    const fine = await new ReferenceCheck(fakeTenant({ paymentTypes: [1599] }), config).verified();

    // Assess
    expect((noShipping as ConfigError).key).toBe("money.shippingItem.skuId");
    expect((noPaymentType as ConfigError).key).toBe("money.payments.record");
    expect(fine.arrivalWindows.has(901)).toBe(true);
  });

  it("checks the cancel reason and the cancellation tags, naming their keys", async () => {
    // Prepare
    const config = exampleConfig();

    // Act
    const noReason = await new ReferenceCheck(fakeTenant({ cancelReasons: [1802] }), config)
      .verified()
      .catch((e: unknown) => e);
    const noTags = await new ReferenceCheck(
      fakeTenant({ tagTypes: [1101, 1102, 1103, 1104, 1105, 1106, 1107, 1108, 1109] }),
      config,
    )
      .verified()
      .catch((e: unknown) => e);
    const { cancellations: _cancellations, ...withoutKey } = config;
    const withoutKeyCalls = fakeTenant({ cancelReasons: [] });
    await new ReferenceCheck(withoutKeyCalls, { ...withoutKey, cancellations: {} }).verified();
    const withKeyCalls = fakeTenant();
    await new ReferenceCheck(withKeyCalls, config).verified();

    // Assess
    expect((noReason as ConfigError).key).toBe("cancellations.reasonId");
    expect((noTags as ConfigError).key).toBe("cancellations.leftAloneJobTagTypeId,cancellations.refundJobTagTypeId");
    // Without the key, no cancel reason is configured, so none is listed.
    expect(withKeyCalls.stats.calls - withoutKeyCalls.stats.calls).toBe(1);
  });
});
