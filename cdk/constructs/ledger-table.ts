/**
 * The step ledger: one item per order plus short identity locks, all single-item conditional
 * writes (see `lib/ledger/table.ts`, which the local runtime uses to create the same key schema).
 */
import { RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, Table } from "aws-cdk-lib/aws-dynamodb";
import { Construct } from "constructs";
import { ledgerPartitionKey, ledgerTtlAttribute } from "../../lib/ledger/table.ts";

export interface LedgerTableProps {
  /** RETAIN in production: the ledger is what makes a redelivered order a no-op in ServiceTitan. */
  readonly production: boolean;
}

export class LedgerTable extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: LedgerTableProps) {
    super(scope, id);
    this.table = new Table(this, "Table", {
      partitionKey: { name: ledgerPartitionKey, type: AttributeType.STRING },
      // Orders arrive in bursts (sales, subscription renewals); nothing to provision for.
      billingMode: BillingMode.PAY_PER_REQUEST,
      // TTL is clean-up only: the worker decides expiry itself (DynamoDB deletes up to days late).
      timeToLiveAttribute: ledgerTtlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.production,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
