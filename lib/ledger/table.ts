/**
 * The ledger table's key schema, shared by the CDK stack and the local runtime so both create the
 * same table. One item per order (`pk = ORDER#{store}#{orderId}`) and short creation locks
 * (`pk = IDENTITY#…`, `LOCATION#…`, `SKU#…`), all single-item conditional writes: dynalite has no transactions and
 * DynamoDB transactions would double the write cost.
 */
export const ledgerPartitionKey = "pk";
/** Attribute holding epoch seconds after which DynamoDB TTL may delete the item (clean-up only). */
export const ledgerTtlAttribute = "expiresAt";

export const ledgerTableKeySchema: {
  AttributeDefinitions: { AttributeName: string; AttributeType: "S" }[];
  KeySchema: { AttributeName: string; KeyType: "HASH" }[];
} = {
  AttributeDefinitions: [{ AttributeName: ledgerPartitionKey, AttributeType: "S" }],
  KeySchema: [{ AttributeName: ledgerPartitionKey, KeyType: "HASH" }],
};
