/**
 * New customer and location records, as `POST /customers` / `POST /locations` create them and as the
 * office does (office.ts): one place for the defaults ServiceTitan fills in. Addresses may omit
 * `country` (USA), `unit` and coordinates (null).
 */
import { addCustomerContact, addLocationContact, copyLocationContactToCustomer } from "../contacts-model.ts";
import { externalDataFromCreate } from "../filters.ts";
import {
  type Address,
  allocateId,
  type ContactType,
  type CustomerRecord,
  type CustomerType,
  type LocationRecord,
  type SandboxState,
} from "../state.ts";
import { customFieldsFrom, unique } from "./common.ts";

type Maybe<T> = T | null | undefined;

export interface NewAddress {
  street: string;
  unit?: Maybe<string>;
  city: string;
  state: string;
  zip: string;
  country?: Maybe<string>;
  latitude?: Maybe<number>;
  longitude?: Maybe<number>;
}

export interface NewContact {
  type: ContactType;
  value: string;
  memo?: Maybe<string>;
}

type NewExternalData = Maybe<{ applicationGuid: string; externalData: { key: string; value: string }[] }>;

export interface NewCustomerInput {
  name: string;
  type?: Maybe<CustomerType>;
  address: NewAddress;
  contacts?: Maybe<NewContact[]>;
  customFields?: Maybe<{ typeId: number; value: string }[]>;
  tagTypeIds?: Maybe<number[]>;
  externalData?: NewExternalData;
  doNotMail?: Maybe<boolean>;
  doNotService?: Maybe<boolean>;
  nationalAccount?: Maybe<boolean>;
  taxExempt?: Maybe<boolean>;
  paymentTermId?: Maybe<number>;
  creditLimit?: Maybe<number>;
  creditLimitBalance?: Maybe<number>;
}

export interface NewLocationInput {
  name: string;
  address: NewAddress;
  contacts?: Maybe<NewContact[]>;
  customFields?: Maybe<{ typeId: number; value: string }[]>;
  tagTypeIds?: Maybe<number[]>;
  externalData?: NewExternalData;
}

export function addressFrom(a: NewAddress): Address {
  return {
    street: a.street,
    unit: a.unit ?? null,
    city: a.city,
    state: a.state,
    zip: a.zip,
    country: a.country ?? "USA",
    latitude: a.latitude ?? null,
    longitude: a.longitude ?? null,
  };
}

/** Creates a customer with its own contacts (not its locations: `createLocationRecord` for each). */
export function createCustomerRecord(
  state: SandboxState,
  input: NewCustomerInput,
  at: string,
  createdById = state.apiUserId,
): CustomerRecord {
  const customer: CustomerRecord = {
    id: allocateId(state),
    active: true,
    name: input.name,
    type: input.type ?? "Residential",
    address: addressFrom(input.address),
    customFields: customFieldsFrom(input.customFields),
    balance: 0,
    taxExempt: input.taxExempt ?? false,
    tagTypeIds: unique(input.tagTypeIds ?? []),
    doNotMail: input.doNotMail ?? false,
    doNotService: input.doNotService ?? false,
    nationalAccount: input.nationalAccount ?? false,
    createdOn: at,
    createdById,
    modifiedOn: at,
    mergedToId: null,
    paymentTermId: input.paymentTermId ?? null,
    creditLimit: input.creditLimit ?? null,
    creditLimitBalance: input.creditLimitBalance ?? null,
    externalData: externalDataFromCreate(input.externalData),
  };
  state.customers.set(customer.id, customer);
  for (const contact of input.contacts ?? []) addCustomerContact(state, customer.id, contact, at);
  return customer;
}

/** Creates a location with its contacts; contacts of a new location are copied onto the customer too. */
export function createLocationRecord(
  state: SandboxState,
  customerId: number,
  l: NewLocationInput,
  at: string,
  createdById = state.apiUserId,
): LocationRecord {
  const location: LocationRecord = {
    id: allocateId(state),
    customerId,
    active: true,
    name: l.name,
    address: addressFrom(l.address),
    customFields: customFieldsFrom(l.customFields),
    createdOn: at,
    createdById,
    modifiedOn: at,
    mergedToId: null,
    zoneId: null,
    taxZoneId: null,
    taxExempt: false,
    tagTypeIds: unique(l.tagTypeIds ?? []),
    externalData: externalDataFromCreate(l.externalData),
  };
  state.locations.set(location.id, location);
  for (const contact of l.contacts ?? []) {
    addLocationContact(state, customerId, location.id, contact, at);
    copyLocationContactToCustomer(state, customerId, contact, at);
  }
  return location;
}
