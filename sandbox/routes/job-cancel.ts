/**
 * Cancelling jobs (jpm `Jobs_Cancel`, `JobCancelReasons_GetList`).
 *
 * `PUT /jobs/{id}/cancel` takes `{ reasonId, memo }` (both required) and answers 200 with no body.
 * What ServiceTitan documents in its help (api-notes §0 item 11): a job with a payment can't be
 * cancelled, and cancelling deletes the invoice's items. What it answers for a job that is already
 * cancelled or completed is UNCONFIRMED; the sandbox refuses both with a 400 (`SandboxState`'s
 * `cancelRefusals` switches each refusal off), as refusing is the answer a worker must survive.
 * An unknown job is a 404, an unknown or inactive reason a 400 naming `reasonId`.
 */
import { z } from "zod";
import { int64, parseBody } from "../body.ts";
import { dateFilter, matchesActive } from "../filters.ts";
import { orderItems, paginate, standardSortFields } from "../paging.ts";
import { ApiProblem } from "../problem.ts";
import { ActiveFilter } from "../query.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import { allocateId, type JobCancelReasonRecord, nowIso } from "../state.ts";
import { ErrorCollector } from "./common.ts";

/** `Jpm.V2.CancelJobRequest`. */
const cancelJobSchema = z.object({ reasonId: int64, memo: z.string() });

function cancelJob(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const job = requireRecord(state.jobs, pathId(ctx), "Job");
  const input = parseBody(cancelJobSchema, ctx.body);
  const errors = new ErrorCollector();
  const reason = state.jobCancelReasons.get(input.reasonId);
  if (!reason?.active) errors.add("reasonId", `Job cancel reason with id ${input.reasonId} not found.`);
  errors.throwIfAny();
  const refusals = state.cancelRefusals;
  if (job.jobStatus === "Canceled" && refusals.canceled) {
    throw new ApiProblem(400, "The job is already canceled.", { id: [`Job ${job.id} is canceled.`] });
  }
  if (job.jobStatus === "Completed" && refusals.completed) {
    throw new ApiProblem(400, "A completed job can't be canceled.", { id: [`Job ${job.id} is completed.`] });
  }
  const paid = [...state.payments.values()].some(
    (payment) => payment.active && payment.splits.some((split) => split.invoiceId === job.invoiceId),
  );
  if (paid && refusals.paid) {
    throw new ApiProblem(400, "A job with payments can't be canceled.", { id: [`Job ${job.id} has payments.`] });
  }
  const at = nowIso(state);
  job.jobStatus = "Canceled";
  job.modifiedOn = at;
  for (const appointmentId of job.appointmentIds) {
    const appointment = state.appointments.get(appointmentId);
    if (appointment) Object.assign(appointment, { status: "Canceled", modifiedOn: at });
  }
  const invoice = state.invoices.get(job.invoiceId);
  if (invoice) Object.assign(invoice, { items: [], modifiedOn: at });
  state.jobCancelLogs.push({
    id: allocateId(state),
    jobId: job.id,
    reasonId: input.reasonId,
    memo: input.memo,
    createdOn: at,
    createdById: state.apiUserId,
  });
  return { status: 200 };
}

const reasonView = (r: JobCancelReasonRecord) => ({
  id: r.id,
  name: r.name,
  active: r.active,
  createdOn: r.createdOn,
  modifiedOn: r.modifiedOn,
});

function listCancelReasons({ state, query: q }: HandlerContext): HandlerResult {
  // This operation's `active` defaults to both (spec: "active and inactive items will be returned by default").
  const active = q.enumValue("active", Object.values(ActiveFilter)) ?? ActiveFilter.Any;
  const dated = dateFilter(q);
  const items = [...state.jobCancelReasons.values()].filter((r) => matchesActive(r.active, active) && dated(r));
  return { status: 200, body: paginate(orderItems(items, q, standardSortFields()), q, reasonView) };
}

export const jobCancelRoutes: Route[] = [
  route("GET", "jpm", "/job-cancel-reasons", "JobCancelReasons_GetList", listCancelReasons),
  route("PUT", "jpm", "/jobs/{id}/cancel", "Jobs_Cancel", cancelJob),
];
