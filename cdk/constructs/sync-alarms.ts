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

export interface SyncAlarmsProps {
  readonly envName: string;
  readonly serviceName: string;
  readonly ordersQueue: IQueue;
  readonly dlq: IQueue;
  readonly orderSyncFunction: IFunction;
  readonly dlqReplayFunction: IFunction;
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
    ): void => {
      const alarm = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: evaluation.periods,
        datapointsToAlarm: evaluation.datapoints,
        treatMissingData: TreatMissingData.NOT_BREACHING,
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
  }
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
