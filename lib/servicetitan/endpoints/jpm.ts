/** Job endpoints (jpm-v2.json), relative to `/jpm/v2/tenant/{tenant}`. */
import type { ActiveFilter, ExternalDataFilter } from "../models/common.ts";
import {
  type CancelJobRequest,
  type CreateJobNoteRequest,
  type CreateJobRequest,
  cancelJobRequestSchema,
  createJobNoteRequestSchema,
  createJobRequestSchema,
  type Job,
  type JobCancelReason,
  type JobNote,
  type JobType,
  jobCancelReasonSchema,
  jobNoteSchema,
  jobSchema,
  jobTypeSchema,
  updateJobTagsRequestSchema,
} from "../models/jpm.ts";
import { listAll, type Page, pageOf } from "../pagination.ts";
import { type ServiceTitanHttp, StApi } from "../types.ts";
import {
  checkIds,
  emptyPage,
  externalDataQuery,
  idChunks,
  lookupMaxPages,
  lookupPageSize,
  matchesNothing,
  requestBody,
  segment,
} from "./request-helpers.ts";

export type {
  AppointmentRequest,
  CancelJobRequest,
  CreateJobNoteRequest,
  CreateJobRequest,
  Job,
  JobCancelReason,
  JobNote,
  JobPriority,
  JobType,
} from "../models/jpm.ts";

const api = StApi.jpm;
const jobPage = pageOf(jobSchema);
const jobTypePage = pageOf(jobTypeSchema);
const jobNotePage = pageOf(jobNoteSchema);
const jobCancelReasonPage = pageOf(jobCancelReasonSchema);

export { JobStatus } from "../models/jpm.ts";

/** `Jobs_Create` (200): the reply carries `invoiceId`, the invoice the order lines go on. */
export async function createJob(http: ServiceTitanHttp, body: CreateJobRequest): Promise<Job> {
  const operation = "Jobs_Create";
  return http.request({
    method: "POST",
    api,
    path: "/jobs",
    body: requestBody(createJobRequestSchema, body, operation),
    response: jobSchema,
    operation,
  });
}

export interface JobFilter {
  /** At most 50. An empty list matches nothing (no call is made). */
  ids?: number[];
  customerId?: number;
  externalData?: ExternalDataFilter;
  page?: number;
  pageSize?: number;
}

/** `Jobs_GetList`; the externalData filter is how a retry finds the job a lost reply created. */
export async function listJobs(http: ServiceTitanHttp, filter: JobFilter = {}): Promise<Page<Job>> {
  if (matchesNothing(filter)) return emptyPage(filter.page, filter.pageSize);
  return http.request({
    method: "GET",
    api,
    path: "/jobs",
    query: {
      ids: checkIds(filter.ids),
      customerId: filter.customerId,
      ...externalDataQuery(filter.externalData),
      page: filter.page,
      pageSize: filter.pageSize,
    },
    response: jobPage,
    operation: "Jobs_GetList",
  });
}

/**
 * `JobTypes_GetList`, all pages. `ids` of any length are requested 50 at a time; an empty `ids`
 * list returns [] without a call.
 */
export async function listJobTypes(
  http: ServiceTitanHttp,
  filter: { ids?: readonly number[]; active?: ActiveFilter } = {},
): Promise<JobType[]> {
  const read = (ids: readonly number[] | undefined) =>
    listAll(
      (page) =>
        http.request({
          method: "GET",
          api,
          path: "/job-types",
          query: { ids, active: filter.active, page, pageSize: lookupPageSize },
          response: jobTypePage,
          operation: "JobTypes_GetList",
        }),
      { maxPages: lookupMaxPages },
    );
  if (filter.ids === undefined) return read(undefined);
  const chunks = await Promise.all(idChunks(filter.ids).map(read));
  return chunks.flat();
}

/**
 * `Jobs_CreateNote`: a plain-text note on the job, where the office reads what needs its attention.
 * Notes carry no externalData and the reply no id, so a caller that must not add a note twice
 * looks for its text with `listJobNotes` first.
 */
export async function createJobNote(http: ServiceTitanHttp, jobId: number, body: CreateJobNoteRequest): Promise<void> {
  const operation = "Jobs_CreateNote";
  await http.request({
    method: "POST",
    api,
    path: `/jobs/${segment(jobId)}/notes`,
    body: requestBody(createJobNoteRequestSchema, body, operation),
    response: jobNoteSchema,
    operation,
  });
}

/** `Jobs_GetNotes`, all pages (a job has a handful). */
export async function listJobNotes(http: ServiceTitanHttp, jobId: number): Promise<JobNote[]> {
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api,
        path: `/jobs/${segment(jobId)}/notes`,
        query: { page, pageSize: lookupPageSize },
        response: jobNotePage,
        operation: "Jobs_GetNotes",
      }),
    { maxPages: lookupMaxPages },
  );
}

/**
 * `Jobs_Update` with `tagTypeIds` only. The list REPLACES the job's tags, so callers pass the tags
 * the job has now (read it first) plus theirs; job types and business units add tags of their own.
 */
export async function setJobTags(http: ServiceTitanHttp, jobId: number, tagTypeIds: readonly number[]): Promise<Job> {
  const operation = "Jobs_Update";
  return http.request({
    method: "PATCH",
    api,
    path: `/jobs/${segment(jobId)}`,
    body: requestBody(updateJobTagsRequestSchema, { tagTypeIds: [...tagTypeIds] }, operation),
    response: jobSchema,
    operation,
  });
}

/** `Jobs_Get`: one job, read fresh (its status decides whether a cancellation may cancel it). */
export async function getJob(http: ServiceTitanHttp, jobId: number): Promise<Job> {
  return http.request({
    method: "GET",
    api,
    path: `/jobs/${segment(jobId)}`,
    response: jobSchema,
    operation: "Jobs_Get",
  });
}

/**
 * `Jobs_Cancel` (PUT `/jobs/{id}/cancel`, 200 with no body). ServiceTitan's help: a job with a
 * payment can't be cancelled, and cancelling deletes the invoice's items (api-notes §0 item 11).
 * Not retried, like every write: the caller reads the job's status before calling it again.
 */
export async function cancelJob(http: ServiceTitanHttp, jobId: number, body: CancelJobRequest): Promise<void> {
  const operation = "Jobs_Cancel";
  await http.request({
    method: "PUT",
    api,
    path: `/jobs/${segment(jobId)}/cancel`,
    body: requestBody(cancelJobRequestSchema, body, operation),
    operation,
  });
}

/** `JobCancelReasons_GetList`, all pages (it takes no `ids` filter; a tenant has a handful). */
export async function listJobCancelReasons(
  http: ServiceTitanHttp,
  filter: { active?: ActiveFilter } = {},
): Promise<JobCancelReason[]> {
  return listAll(
    (page) =>
      http.request({
        method: "GET",
        api,
        path: "/job-cancel-reasons",
        query: { active: filter.active, page, pageSize: lookupPageSize },
        response: jobCancelReasonPage,
        operation: "JobCancelReasons_GetList",
      }),
    { maxPages: lookupMaxPages },
  );
}
