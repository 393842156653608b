/**
 * The `dlq-replay` Lambda's event: a filter over the dead letters, checked with zod like every
 * other input. An invalid event is refused with the field paths at fault before anything moves.
 */
import * as z from "zod";
import { InvalidMessageError, ReasonCode } from "../errors.ts";
import { formatIssues, issuePaths } from "../validation/issues.ts";
import type { ReplayFilter } from "./replay.ts";

const reasonCodes = Object.values(ReasonCode) as [ReasonCode, ...ReasonCode[]];
/** SQS keeps a message at most 14 days, so an older or newer window matches nothing. */
const maxAgeMinutes = 60 * 24 * 14;

export const dlqReplayEventSchema = z.strictObject({
  orderId: z.string().min(1).max(64).optional(),
  store: z.string().min(1).max(64).optional(),
  reason: z.enum(reasonCodes).optional(),
  olderThanMinutes: z.number().nonnegative().max(maxAgeMinutes).optional(),
  newerThanMinutes: z.number().positive().max(maxAgeMinutes).optional(),
  limit: z.number().int().positive().max(100_000).optional(),
  dryRun: z.boolean().optional(),
});
export type DlqReplayEvent = z.infer<typeof dlqReplayEventSchema>;

export interface ReplayRequest {
  filter: ReplayFilter;
  dryRun: boolean;
}

/** The event as a `ReplayFilter`; an `InvalidMessageError` naming the bad fields otherwise. */
export function parseReplayRequest(event: unknown): ReplayRequest {
  const parsed = dlqReplayEventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    throw new InvalidMessageError(
      ReasonCode.ContractViolation,
      `Invalid replay request: ${formatIssues(parsed.error.issues)}`,
      issuePaths(parsed.error.issues),
    );
  }
  const request = parsed.data;
  return {
    filter: {
      ...(request.orderId === undefined ? {} : { orderId: request.orderId }),
      ...(request.store === undefined ? {} : { store: request.store }),
      ...(request.reason === undefined ? {} : { reason: request.reason }),
      ...(request.olderThanMinutes === undefined ? {} : { olderThanMs: request.olderThanMinutes * 60_000 }),
      ...(request.newerThanMinutes === undefined ? {} : { newerThanMs: request.newerThanMinutes * 60_000 }),
      ...(request.limit === undefined ? {} : { limit: request.limit }),
    },
    dryRun: request.dryRun ?? false,
  };
}
