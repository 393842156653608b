/**
 * Runs the customer-index refresh on an EventBridge Scheduler rate. Each run reads every export feed
 * to its end from where the last one stopped, so a missed or failed run only delays the index: the
 * next one catches up. Hence no retries (a retry would overlap the next tick) and a short event age.
 *
 * The scheduler's role may invoke this one function and nothing else: `aws-scheduler-targets`'
 * `LambdaInvoke` would also grant its versions (`<arn>:*`), which the schedule never calls.
 */
import { Duration, Stack } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { type ISchedule, type IScheduleTarget, Schedule, ScheduleExpression } from "aws-cdk-lib/aws-scheduler";
import { Construct } from "constructs";

export interface IndexRefreshScheduleProps {
  readonly envName: string;
  readonly target: IFunction;
  readonly interval: Duration;
}

export class IndexRefreshSchedule extends Construct {
  readonly schedule: Schedule;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: IndexRefreshScheduleProps) {
    super(scope, id);
    this.role = new Role(this, "Role", {
      assumedBy: new ServicePrincipal("scheduler.amazonaws.com", {
        // Only schedules of this account may use the role (confused-deputy guard).
        conditions: { StringEquals: { "aws:SourceAccount": Stack.of(this).account } },
      }),
      description: "EventBridge Scheduler: invokes the customer-index refresh",
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: [props.target.functionArn] }),
    );
    const role = this.role;
    const target: IScheduleTarget = {
      bind: (_schedule: ISchedule) => ({
        arn: props.target.functionArn,
        role,
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: Duration.minutes(1).toSeconds() },
      }),
    };
    this.schedule = new Schedule(this, "Schedule", {
      scheduleName: `OrderSync-${props.envName}-IndexRefresh`,
      description: "Reads ServiceTitan's export feeds into the customer index",
      schedule: ScheduleExpression.rate(props.interval),
      target,
    });
  }
}
