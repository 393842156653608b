/** The test worlds' config with bookings switched on: service orders and `DIAG-*` SKUs become bookings. */
import type { SyncConfig } from "../../lib/config/schema.ts";
import { seedIds } from "../../sandbox/seed.ts";
import { worldConfig } from "./world.ts";

export function bookingConfig(bookings: Partial<SyncConfig["bookings"]> = {}): SyncConfig {
  const config = worldConfig();
  return {
    ...config,
    bookings: {
      providerTagId: seedIds.bookingProviderTags.onlineStore,
      sendConfirmationEmail: true,
      product: { createAs: "job", skuRules: [{ sku: "DIAG-*", createAs: "booking" }] },
      service: { createAs: "booking", skuRules: [], priority: "Urgent" },
      ...bookings,
    },
  };
}
