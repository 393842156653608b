/**
 * The customer index table: its name variable, key schema and item layout, shared by the CDK stack,
 * the local runtime (`local/aws.ts`) and the index adapter, so all three create and read the same
 * table. One item per ServiceTitan record the export feeds deliver, and a few state items:
 *
 * | `pk`                      | what it holds                                                     |
 * | ------------------------- | ----------------------------------------------------------------- |
 * | `CUSTOMER#{id}`           | `active`, `mergedToId`, bill-to address keys (hashed), `modifiedOn` |
 * | `LOCATION#{id}`           | `customerId`, `active`, `mergedToId`, address keys, `tagTypeIds`  |
 * | `CUSTOMER_CONTACT#{id}`   | `customerId`, `active`, the e-mail/phone key (hashed)             |
 * | `LOCATION_CONTACT#{id}`   | `locationId`, `active`, the e-mail/phone key (hashed)             |
 * | `FEED#{feed}`             | the feed's position (`continueFrom`), last read, counts           |
 * | `STATE#index`             | last complete refresh, key fingerprint                            |
 *
 * Look-ups go through the global secondary index `byLookupKey` on `lookupKey` (`EMAIL#…`, `PHONE#…`,
 * `ADDRESS#…`: HMAC-SHA256 hex, see `keys.ts`). An item whose value is gone or unusable is written
 * without `lookupKey`, which drops it from that sparse index: overwriting a contact therefore stops
 * its old value pointing at the customer, without knowing the old value. No readable e-mail, phone,
 * name or address is ever written.
 *
 * Every write is a single-item (conditional) put or update: dynalite has no transactions.
 */

/** Environment variable holding the table name (Lambda, local runner). */
export const customerIndexTableEnv = "CUSTOMER_INDEX_TABLE_NAME";
/** Local default table name (`local/aws.ts`). */
export const defaultCustomerIndexTableName = "order-sync-customer-index";

export const indexPartitionKey = "pk";
/** Attribute of the global secondary index; absent on items that must not be found by value. */
export const indexLookupAttribute = "lookupKey";
export const indexLookupIndexName = "byLookupKey";

export const customerIndexTableKeySchema: {
  AttributeDefinitions: { AttributeName: string; AttributeType: "S" }[];
  KeySchema: { AttributeName: string; KeyType: "HASH" }[];
  GlobalSecondaryIndexes: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: "HASH" }[];
    Projection: { ProjectionType: "ALL" };
  }[];
} = {
  AttributeDefinitions: [
    { AttributeName: indexPartitionKey, AttributeType: "S" },
    { AttributeName: indexLookupAttribute, AttributeType: "S" },
  ],
  KeySchema: [{ AttributeName: indexPartitionKey, KeyType: "HASH" }],
  GlobalSecondaryIndexes: [
    {
      IndexName: indexLookupIndexName,
      KeySchema: [{ AttributeName: indexLookupAttribute, KeyType: "HASH" }],
      // Items are a few ids and flags: projecting all of them costs little and saves a read per hit.
      Projection: { ProjectionType: "ALL" },
    },
  ],
};

/** The four CRM export feeds the index is built from (crm-v2.json `Export*` operations). */
export const Feed = {
  Customers: "customers",
  CustomerContacts: "customer-contacts",
  Locations: "locations",
  LocationContacts: "location-contacts",
} as const;
export type Feed = (typeof Feed)[keyof typeof Feed];
export const feeds: readonly Feed[] = Object.values(Feed);

export const RecordKind = {
  Customer: "customer",
  Location: "location",
  CustomerContact: "customerContact",
  LocationContact: "locationContact",
} as const;
export type RecordKind = (typeof RecordKind)[keyof typeof RecordKind];

/** Which record kind each feed delivers. */
export const feedRecordKind: Readonly<Record<Feed, RecordKind>> = {
  [Feed.Customers]: RecordKind.Customer,
  [Feed.CustomerContacts]: RecordKind.CustomerContact,
  [Feed.Locations]: RecordKind.Location,
  [Feed.LocationContacts]: RecordKind.LocationContact,
};

const recordPrefix: Readonly<Record<RecordKind, string>> = {
  customer: "CUSTOMER#",
  location: "LOCATION#",
  customerContact: "CUSTOMER_CONTACT#",
  locationContact: "LOCATION_CONTACT#",
};

export function recordPartitionKey(kind: RecordKind, id: number): string {
  return `${recordPrefix[kind]}${id}`;
}

export function feedPartitionKey(feed: Feed): string {
  return `FEED#${feed}`;
}

export const statePartitionKey = "STATE#index";
