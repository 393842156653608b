import { describe, expect, it } from "vitest";
import { orderCreatesAs, skuPatternRegExp } from "../../../lib/bookings/create-as.ts";
import { parseSyncConfig } from "../../../lib/config/parse-config.ts";
import type { SyncConfig } from "../../../lib/config/schema.ts";
import { ConfigError } from "../../../lib/errors.ts";
import { orderEventSchema } from "../../../lib/order/event-schema.ts";
import { buildOrderEvent, serviceOrder } from "../../support/order-factory.ts";
import { exampleConfig } from "../../support/world.ts";

function configWith(bookings: unknown): SyncConfig {
  const { deploy, ...config } = exampleConfig();
  return parseSyncConfig({ ...config, bookings });
}

const withSkus = (...skus: string[]) =>
  orderEventSchema.parse(
    buildOrderEvent({ lines: skus.map((sku) => ({ sku, name: sku, quantity: 1, unitPrice: "1.00" })) }),
  );

describe("bookings config", () => {
  it("defaults to jobs for every order when the key is absent", () => {
    // Prepare + Act
    const config = exampleConfig();

    // Assess
    expect(config.bookings.product).toEqual({ createAs: "job", skuRules: [] });
    expect(orderCreatesAs(config, orderEventSchema.parse(serviceOrder()))).toBe("job");
  });

  it("requires providerTagId, by its key, once an order can become a booking", () => {
    // Prepare + Act
    const missing = () => configWith({ product: { skuRules: [{ sku: "DIAG-*", createAs: "booking" }] } });

    // Assess
    expect(missing).toThrow(ConfigError);
    expect(missing).toThrow(/bookings\.providerTagId/);
    expect(() => configWith({ service: { createAs: "job" } })).not.toThrow();
  });

  it("names the rule's key for a SKU pattern with a space", () => {
    expect(() =>
      configWith({ providerTagId: 1, product: { skuRules: [{ sku: "A B", createAs: "booking" }] } }),
    ).toThrow(/bookings\.product\.skuRules\.0\.sku/);
  });
});

describe("orderCreatesAs", () => {
  const config = configWith({
    providerTagId: 1601,
    service: { createAs: "booking", skuRules: [{ sku: "FLT-*", createAs: "job" }] },
    product: {
      skuRules: [
        { sku: "DIAG-*", createAs: "booking" },
        { sku: "*", createAs: "job" },
      ],
    },
  });

  it("takes the first rule matching any line, without regard to case", () => {
    expect(orderCreatesAs(config, withSkus("FLT-1", "diag-furnace"))).toBe("booking");
    expect(orderCreatesAs(config, withSkus("FLT-1"))).toBe("job");
  });

  it("falls back to the order kind's createAs when no rule matches", () => {
    const service = orderEventSchema.parse(serviceOrder());
    expect(orderCreatesAs(config, service)).toBe("booking");
  });

  it("reads only * as a wildcard; other characters are literal", () => {
    expect(skuPatternRegExp("A.B*").test("A.B-12")).toBe(true);
    expect(skuPatternRegExp("A.B*").test("AxB-12")).toBe(false);
    expect(skuPatternRegExp("(X)+").test("(x)+")).toBe(true);
    expect(skuPatternRegExp("DIAG").test("DIAG-1")).toBe(false);
  });
});
