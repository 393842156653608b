/**
 * One CloudWatch dashboard per environment: throughput, why orders fail, how customers were
 * matched, ServiceTitan load and the queues. Per-dimension series (reason, matchedBy) use SEARCH so
 * a reason code added later shows up without a redeploy.
 */
import { Duration } from "aws-cdk-lib";
import {
  type Alarm,
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IWidget,
  MathExpression,
  Stats,
} from "aws-cdk-lib/aws-cloudwatch";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { MetricDimension, MetricName, metricsNamespace } from "../../lib/observability/metrics.ts";
import { serviceDimension } from "../worker-environment.ts";
import { indexLagMetric, indexLagThreshold, serviceTitan429Percent, workerMetric } from "./sync-alarms.ts";

const period = Duration.minutes(5);

export interface SyncDashboardProps {
  readonly envName: string;
  readonly serviceName: string;
  readonly ordersQueue: IQueue;
  readonly dlq: IQueue;
  readonly orderSyncFunction: IFunction;
  readonly indexRefreshFunction: IFunction;
  readonly indexRefreshInterval: Duration;
  readonly alarms: readonly Alarm[];
}

export class SyncDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SyncDashboardProps) {
    super(scope, id);
    const service = props.serviceName;
    const byDimension = (metricName: MetricName, dimension: string): MathExpression =>
      new MathExpression({
        expression: `SEARCH('{${metricsNamespace},${dimension},${serviceDimension}} MetricName="${metricName}" ${serviceDimension}="${service}"', 'Sum', ${period.toSeconds()})`,
        usingMetrics: {},
        period,
      });
    const fn = props.orderSyncFunction;

    const widgets: IWidget[][] = [
      [new AlarmStatusWidget({ title: "Alarms", alarms: [...props.alarms], width: 24, height: 3 })],
      [
        new GraphWidget({
          title: "Orders synced",
          left: [
            workerMetric(service, MetricName.OrdersSynced, "Synced"),
            workerMetric(service, MetricName.OrdersDuplicate, "Duplicates (already synced)"),
          ],
          width: 8,
        }),
        new GraphWidget({
          title: "Permanent failures (DLQ) by reason",
          left: [byDimension(MetricName.OrdersFailedPermanent, MetricDimension.Reason)],
          width: 8,
        }),
        new GraphWidget({
          title: "Transient failures (retried) by reason",
          left: [byDimension(MetricName.OrdersFailedTransient, MetricDimension.Reason)],
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: "Customers matched by",
          left: [byDimension(MetricName.CustomerMatched, MetricDimension.MatchedBy)],
          width: 8,
        }),
        new GraphWidget({
          title: "ServiceTitan calls",
          left: [
            workerMetric(service, MetricName.ServiceTitanCalls, "Calls"),
            workerMetric(service, MetricName.ServiceTitan429, "429 responses"),
          ],
          right: [serviceTitan429Percent(service)],
          width: 8,
        }),
        new GraphWidget({
          title: "Queue depth",
          left: [
            props.ordersQueue.metricApproximateNumberOfMessagesVisible({ period, label: "Orders waiting" }),
            props.ordersQueue.metricApproximateNumberOfMessagesNotVisible({ period, label: "Orders in flight" }),
            props.dlq.metricApproximateNumberOfMessagesVisible({ period, label: "DLQ" }),
          ],
          right: [props.ordersQueue.metricApproximateAgeOfOldestMessage({ period, label: "Oldest order age (s)" })],
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: "Order-sync function",
          left: [
            fn.metricInvocations({ period, label: "Invocations" }),
            fn.metricErrors({ period, label: "Errors" }),
            fn.metricThrottles({ period, label: "Throttles" }),
          ],
          right: [fn.metricDuration({ period, statistic: Stats.percentile(95), label: "Duration p95 (ms)" })],
          width: 24,
        }),
      ],
      [
        new GraphWidget({
          title: "Customer index lag behind ServiceTitan (s)",
          left: [indexLagMetric(service, props.indexRefreshInterval)],
          leftAnnotations: [
            { value: indexLagThreshold(props.indexRefreshInterval).toSeconds(), label: "IndexLag alarm" },
          ],
          width: 12,
        }),
        new GraphWidget({
          title: "Customer index refresh function",
          left: [
            props.indexRefreshFunction.metricInvocations({ period, label: "Invocations" }),
            props.indexRefreshFunction.metricErrors({ period, label: "Errors" }),
          ],
          right: [
            props.indexRefreshFunction.metricDuration({ period, statistic: "Maximum", label: "Duration max (ms)" }),
          ],
          width: 12,
        }),
      ],
    ];

    this.dashboard = new Dashboard(this, "Dashboard", {
      dashboardName: `OrderSync-${props.envName}`,
      defaultInterval: Duration.hours(24),
      widgets,
    });
  }
}
