import type { Address } from "../order/event-schema.ts";

/** ServiceTitan's `CustomerAddress`/`LocationAddress` shape (street, unit, city, state, zip, country). */
export function toServiceTitanAddress(address: Address) {
  return {
    street: address.street,
    ...(address.unit ? { unit: address.unit } : {}),
    city: address.city,
    state: address.state,
    zip: address.zip,
    country: address.country,
  };
}
