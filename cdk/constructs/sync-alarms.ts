/**
 * The alarms an operator acts on, all to the alarm topic (ALARM and OK). Missing data is "not
 * breaching": no orders means no datapoints, which is not an outage.
 */
import { Duration } from "aws-cdk-lib";
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { IQueue } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { MetricName, metricsNamespace } from "../../lib/observability/metrics.ts";
import { serviceDimension } from "../worker-environment.ts";

const period = Duration.minutes(5);

/**
 * Oldest order still waiting: beyond this the worker is stuck or far behind (a healthy order syncs
 * in seconds; retries back off by the visibility timeout).
 */
export const oldestOrderAgeThreshold: Duration = Duration.minutes(30);

/**
 * Percentage of ServiceTitan calls answered 429. The client waits out `Retry-After`, so a few are
 * harmless; a sustained share means this app's 60 calls/s per tenant is exhausted (the worker's
 * containers split it, see `ST_MAX_CALLS_PER_SECOND`) and `deploy.maxConcurrency` should come down.
 */
export const serviceTitan429PercentThreshold = 10;

/**
 * The index is behind by three refresh intervals (at least 15 minutes): two scheduled refreshes in a
 * row failed or didn't run. Meanwhile matching still confirms every candidate live, but customers
 * the office created since then are found by phone or name + address only, not by e-mail.
 */
export function indexLagThreshold(refreshInterval: Duration): Duration {
  return Duration.seconds(Math.max(15 * 60, 3 * refreshInterval.toSeconds()));
}

/** Long enough to hold at least one scheduled refresh, whatever the interval. */
export function indexLagPeriod(refreshInterval: Duration): Duration {
  return Duration.seconds(Math.max(period.toSeconds(), 2 * refreshInterval.toSeconds()));
}

export interface SyncAlarmsProps {
  readonly envName: string;
  readonly serviceName: string;
  readonly ordersQueue: IQueue;
  readonly dlq: IQueue;
  readonly orderSyncFunction: IFunction;
  readonly dlqReplayFunction: IFunction;
  readonly indexRefreshFunction: IFunction;
  readonly indexRefreshInterval: Duration;
  readonly topic: ITopic;
}

export class SyncAlarms extends Construct {
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: SyncAlarmsProps) {
    super(scope, id);
    const prefix = `OrderSync-${props.envName}`;
    const action = new SnsAction(props.topic);

    const add = (
      alarmId: string,
      metric: IMetric,
      threshold: number,
      description: string,
      evaluation: { periods: number; datapoints: number } = { periods: 1, datapoints: 1 },
      missingData: TreatMissingData = TreatMissingData.NOT_BREACHING,
    ): void => {
      const alarm = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: evaluation.periods,
        datapointsToAlarm: evaluation.datapoints,
        treatMissingData: missingData,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    add(
      "DlqNotEmpty",
      props.dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: "Maximum" }),
      1,
      "Orders failed permanently and wait in the DLQ: inspect the reason attribute, fix, then replay.",
    );
    add(
      "OldestOrderAge",
      props.ordersQueue.metricApproximateAgeOfOldestMessage({ period, statistic: "Maximum" }),
      oldestOrderAgeThreshold.toSeconds(),
      `The oldest order has waited over ${oldestOrderAgeThreshold.toMinutes()} minutes: the worker is stuck, failing transiently or far behind.`,
      { periods: 2, datapoints: 2 },
    );
    add(
      "OrderSyncErrors",
      props.orderSyncFunction.metricErrors({ period, statistic: "Sum" }),
      1,
      "The order-sync function crashed or timed out (per-order failures are reported, not errors): the whole batch is retried.",
    );
    add(
      "OrderSyncThrottles",
      props.orderSyncFunction.metricThrottles({ period, statistic: "Sum" }),
      1,
      "Lambda throttled the order-sync function: the account's concurrency is exhausted.",
    );
    add(
      "DlqReplayErrors",
      props.dlqReplayFunction.metricErrors({ period, statistic: "Sum" }),
      1,
      "A DLQ replay invocation failed.",
    );
    add(
      "ServiceTitan429Rate",
      serviceTitan429Percent(props.serviceName),
      serviceTitan429PercentThreshold,
      `Over ${serviceTitan429PercentThreshold}% of ServiceTitan calls were rate limited (429): lower deploy.maxConcurrency, or check what else uses this app's credentials on the tenant.`,
      { periods: 3, datapoints: 2 },
    );
    const lagThreshold = indexLagThreshold(props.indexRefreshInterval);
    add(
      "IndexLag",
      indexLagMetric(props.serviceName, props.indexRefreshInterval),
      lagThreshold.toSeconds(),
      `The customer index is over ${lagThreshold.toMinutes()} minutes behind ServiceTitan (or no refresh reported its lag): new customers are matched by e-mail only once it catches up. Check the IndexRefresh function's logs; npm run index -- --status shows each feed.`,
      { periods: 2, datapoints: 2 },
      // Only a refresh that ran reports its lag: silence means the schedule or the function is broken.
      TreatMissingData.BREACHING,
    );
    add(
      "IndexRefreshErrors",
      props.indexRefreshFunction.metricErrors({ period, statistic: "Sum" }),
      1,
      "The customer-index refresh crashed or timed out; the next scheduled run resumes from the saved feed positions.",
      { periods: 3, datapoints: 2 },
    );
  }
}

/** The largest lag the index reported (seconds behind ServiceTitan), over a period holding a refresh. */
export function indexLagMetric(serviceName: string, refreshInterval: Duration): Metric {
  return new Metric({
    namespace: metricsNamespace,
    metricName: MetricName.IndexLagSeconds,
    dimensionsMap: { [serviceDimension]: serviceName },
    statistic: "Maximum",
    period: indexLagPeriod(refreshInterval),
    label: "Index lag (s)",
  });
}

export function workerMetric(
  serviceName: string,
  metricName: MetricName,
  label: string,
  dimensions: Record<string, string> = {},
): Metric {
  return new Metric({
    namespace: metricsNamespace,
    metricName,
    dimensionsMap: { [serviceDimension]: serviceName, ...dimensions },
    statistic: "Sum",
    period,
    label,
  });
}

export function serviceTitan429Percent(serviceName: string): MathExpression {
  return new MathExpression({
    expression: "IF(calls > 0, 100 * throttled / calls, 0)",
    usingMetrics: {
      calls: workerMetric(serviceName, MetricName.ServiceTitanCalls, "ServiceTitan calls"),
      throttled: workerMetric(serviceName, MetricName.ServiceTitan429, "ServiceTitan 429"),
    },
    period,
    label: "ServiceTitan 429 %",
  });
}
