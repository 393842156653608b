/**
 * Jobs and job types (jpm-v2.json `Jobs_Create`, `Jobs_GetList`, `Jobs_Get`, `Jobs_Update`,
 * `JobTypes_GetList`). Creating a job also creates its appointments and its invoice
 * (`JobResponse.invoiceId` is required by the spec).
 *
 * A create without `campaignId` is answered **422** (3P live observation, api-notes §2). Unknown or
 * inactive customer / location / business unit / job type / campaign / technician / tag type ids are
 * a 400 naming the field (a location of another customer is refused too). Tag types configured on
 * the job type and business unit are added to the job, as ServiceTitan documents for both.
 */
import { z } from "zod";
import { int64, isoDateTime, parseBody } from "../body.ts";
import {
  applyExternalDataUpdate,
  byIds,
  dateFilter,
  externalDataFromCreate,
  matchesActive,
  matchesExternalData,
  projectExternalData,
  readExternalDataQuery,
} from "../filters.ts";
import { createInvoiceForJob, totalCents } from "../invoices.ts";
import { orderItems, paginate, type SortKey, sortItems, standardSortFields } from "../paging.ts";
import { ApiProblem } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import {
  type AppointmentRecord,
  allocateId,
  type JobRecord,
  type JobTypeRecord,
  nowIso,
  type SandboxState,
} from "../state.ts";
import { checkTagTypes, ErrorCollector, unique } from "./common.ts";
import { externalDataCreateSchema, externalDataUpdateSchema } from "./external-data-schemas.ts";

export const jobPriorities = ["Low", "Normal", "High", "Urgent"] as const;
const jobStatuses = ["Scheduled", "Dispatched", "InProgress", "Hold", "Completed", "Canceled"] as const;

const appointmentSchema = z.object({
  start: isoDateTime,
  end: isoDateTime,
  arrivalWindowStart: isoDateTime.nullish(),
  arrivalWindowEnd: isoDateTime.nullish(),
  technicianIds: z.array(int64).nullish(),
});

const leadSourceSchema = z.object({ jobId: int64.nullish(), employeeId: int64.nullish() });
const customFieldSchema = z.object({ typeId: int64, value: z.string().nullish() });

/** `Jpm.V2.JobCreateRequest`. */
const jobCreateSchema = z.object({
  customerId: int64,
  locationId: int64,
  projectId: int64.nullish(),
  businessUnitId: int64,
  jobGeneratedLeadSource: leadSourceSchema.nullish(),
  jobTypeId: int64,
  priority: z.string().trim().min(1),
  campaignId: int64,
  appointments: z.array(appointmentSchema).min(1, "At least one appointment is required."),
  summary: z.string().nullish(),
  customFields: z.array(customFieldSchema).nullish(),
  tagTypeIds: z.array(int64).nullish(),
  externalData: externalDataCreateSchema.nullish(),
  invoiceSignatureIsRequired: z.boolean().nullish(),
  customerPo: z.string().nullish(),
  soldById: int64.nullish(),
  partnerLeadCallId: int64.nullish(),
  leadId: int64.nullish(),
  bookingId: int64.nullish(),
  noCharge: z.boolean().nullish(),
});

/** `Jpm.V2.UpdateJobRequest`. */
const jobUpdateSchema = z.object({
  customerId: int64.optional(),
  locationId: int64.optional(),
  businessUnitId: int64.optional(),
  jobGeneratedLeadSource: leadSourceSchema.nullish(),
  jobTypeId: int64.optional(),
  priority: z.string().trim().min(1).optional(),
  campaignId: int64.optional(),
  summary: z.string().optional(),
  shouldUpdateInvoiceItems: z.boolean().optional(),
  customFields: z.array(customFieldSchema).optional(),
  tagTypeIds: z.array(int64).optional(),
  externalData: externalDataUpdateSchema.optional(),
  customerPo: z.string().optional(),
  soldById: int64.nullish(),
  isAutoDispatched: z.boolean().optional(),
  summaryOfWork: z.string().optional(),
  noCharge: z.boolean().optional(),
});

/** `Jpm.V2.JobResponse`. */
export function jobView(state: SandboxState, job: JobRecord, guid: string | undefined) {
  const invoice = state.invoices.get(job.invoiceId);
  return {
    id: job.id,
    jobNumber: job.jobNumber,
    projectId: job.projectId,
    customerId: job.customerId,
    locationId: job.locationId,
    jobStatus: job.jobStatus,
    completedOn: job.completedOn,
    businessUnitId: job.businessUnitId,
    jobTypeId: job.jobTypeId,
    priority: job.priority,
    campaignId: job.campaignId,
    appointmentCount: job.appointmentIds.length,
    firstAppointmentId: job.appointmentIds[0] ?? 0,
    lastAppointmentId: job.appointmentIds.at(-1) ?? 0,
    recallForId: null,
    warrantyId: null,
    jobGeneratedLeadSource: job.jobGeneratedLeadSource,
    noCharge: job.noCharge,
    notificationsEnabled: job.notificationsEnabled,
    createdOn: job.createdOn,
    createdById: job.createdById,
    modifiedOn: job.modifiedOn,
    tagTypeIds: [...job.tagTypeIds],
    leadCallId: null,
    partnerLeadCallId: job.partnerLeadCallId,
    bookingId: job.bookingId,
    soldById: job.soldById,
    customerPo: job.customerPo,
    invoiceId: job.invoiceId,
    membershipId: null,
    total: invoice ? totalCents(invoice) / 100 : null,
    createdFromEstimateId: null,
    estimateIds: [],
    equipmentIds: [],
    isAutoDispatched: null,
    summary: job.summary,
    customFields: job.customFields.map((f) => ({ typeId: f.typeId, name: f.name, value: f.value })),
    externalData: projectExternalData(job.externalData, guid),
    summaryOfWork: null,
  };
}

interface JobRefs {
  customerId?: number | undefined;
  locationId?: number | undefined;
  businessUnitId?: number | undefined;
  jobTypeId?: number | undefined;
  campaignId?: number | undefined;
  priority?: string | undefined;
  tagTypeIds?: number[] | null | undefined;
  soldById?: number | null | undefined;
}

/** Reference checks shared by create and update; returns the canonical priority spelling. */
function checkJobRefs(state: SandboxState, refs: JobRefs, errors: ErrorCollector): string | undefined {
  if (refs.customerId !== undefined) {
    const customer = state.customers.get(refs.customerId);
    if (!customer) errors.add("customerId", `Customer with id ${refs.customerId} not found.`);
    else if (!customer.active) errors.add("customerId", `Customer with id ${refs.customerId} is inactive.`);
  }
  if (refs.locationId !== undefined) {
    const location = state.locations.get(refs.locationId);
    if (!location) errors.add("locationId", `Location with id ${refs.locationId} not found.`);
    else if (refs.customerId !== undefined && location.customerId !== refs.customerId)
      errors.add("locationId", `Location ${refs.locationId} does not belong to customer ${refs.customerId}.`);
    else if (!location.active) errors.add("locationId", `Location with id ${refs.locationId} is inactive.`);
  }
  const checkActive = (
    map: Map<number, { active: boolean }>,
    id: number | undefined,
    field: string,
    what: string,
  ): void => {
    if (id === undefined) return;
    const record = map.get(id);
    if (!record) errors.add(field, `${what} with id ${id} not found.`);
    else if (!record.active) errors.add(field, `${what} with id ${id} is inactive.`);
  };
  checkActive(state.businessUnits, refs.businessUnitId, "businessUnitId", "Business unit");
  checkActive(state.jobTypes, refs.jobTypeId, "jobTypeId", "Job type");
  checkActive(state.campaigns, refs.campaignId, "campaignId", "Campaign");
  if (refs.soldById !== undefined && refs.soldById !== null && !state.technicians.has(refs.soldById)) {
    errors.add("soldById", `Technician with id ${refs.soldById} not found.`);
  }
  checkTagTypes(state, refs.tagTypeIds, "tagTypeIds", errors);
  if (refs.priority === undefined) return undefined;
  const priority = jobPriorities.find((p) => p.toLowerCase() === refs.priority?.toLowerCase());
  if (!priority) errors.add("priority", `Priority must be one of ${jobPriorities.join(", ")}.`);
  return priority;
}

function autoTags(state: SandboxState, jobTypeId: number, businessUnitId: number): number[] {
  return [
    ...(state.jobTypes.get(jobTypeId)?.tagTypeIds ?? []),
    ...(state.businessUnits.get(businessUnitId)?.tagTypeIds ?? []),
  ];
}

function createJob({ state, body }: HandlerContext): HandlerResult {
  if (typeof body === "object" && body !== null && !Array.isArray(body)) {
    const campaignId = (body as Record<string, unknown>).campaignId;
    if (campaignId === undefined || campaignId === null) {
      throw new ApiProblem(422, "Unprocessable Entity", { campaignId: ["The CampaignId field is required."] });
    }
  }
  const input = parseBody(jobCreateSchema, body);
  const errors = new ErrorCollector();
  const priority = checkJobRefs(state, input, errors);
  input.appointments.forEach((a, i) => {
    if (Date.parse(a.end) <= Date.parse(a.start)) errors.add(`appointments[${i}].end`, "End must be after start.");
    for (const techId of a.technicianIds ?? []) {
      if (!state.technicians.has(techId))
        errors.add(`appointments[${i}].technicianIds`, `Technician with id ${techId} not found.`);
    }
  });
  errors.throwIfAny();

  const at = nowIso(state);
  const id = allocateId(state);
  const job: JobRecord = {
    id,
    jobNumber: String(id),
    projectId: input.projectId ?? null,
    customerId: input.customerId,
    locationId: input.locationId,
    jobStatus: "Scheduled",
    completedOn: null,
    businessUnitId: input.businessUnitId,
    jobTypeId: input.jobTypeId,
    priority: priority ?? input.priority,
    campaignId: input.campaignId,
    appointmentIds: [],
    jobGeneratedLeadSource: input.jobGeneratedLeadSource
      ? {
          jobId: input.jobGeneratedLeadSource.jobId ?? null,
          employeeId: input.jobGeneratedLeadSource.employeeId ?? null,
        }
      : null,
    noCharge: input.noCharge ?? false,
    notificationsEnabled: true,
    createdOn: at,
    createdById: state.apiUserId,
    modifiedOn: at,
    tagTypeIds: unique([...(input.tagTypeIds ?? []), ...autoTags(state, input.jobTypeId, input.businessUnitId)]),
    partnerLeadCallId: input.partnerLeadCallId ?? null,
    bookingId: input.bookingId ?? null,
    soldById: input.soldById ?? null,
    customerPo: input.customerPo ?? "",
    invoiceId: 0,
    summary: input.summary ?? null,
    customFields: (input.customFields ?? []).map((f) => ({
      typeId: f.typeId,
      name: `Custom field ${f.typeId}`,
      value: f.value ?? "",
    })),
    externalData: externalDataFromCreate(input.externalData),
  };
  input.appointments.forEach((a, i) => {
    const appointment: AppointmentRecord = {
      id: allocateId(state),
      jobId: id,
      appointmentNumber: `${job.jobNumber}-${i + 1}`,
      start: new Date(a.start).toISOString(),
      end: new Date(a.end).toISOString(),
      arrivalWindowStart: a.arrivalWindowStart ? new Date(a.arrivalWindowStart).toISOString() : null,
      arrivalWindowEnd: a.arrivalWindowEnd ? new Date(a.arrivalWindowEnd).toISOString() : null,
      technicianIds: unique(a.technicianIds ?? []),
      status: "Scheduled",
      createdOn: at,
      modifiedOn: at,
    };
    state.appointments.set(appointment.id, appointment);
    job.appointmentIds.push(appointment.id);
  });
  state.jobs.set(id, job);
  job.invoiceId = createInvoiceForJob(state, job, at).id;
  return { status: 200, body: jobView(state, job, input.externalData?.applicationGuid) };
}

function updateJob(ctx: HandlerContext): HandlerResult {
  const { state } = ctx;
  const job = requireRecord(state.jobs, pathId(ctx), "Job");
  const input = parseBody(jobUpdateSchema, ctx.body);
  const errors = new ErrorCollector();
  const priority = checkJobRefs(
    state,
    { ...input, customerId: input.customerId ?? (input.locationId !== undefined ? job.customerId : undefined) },
    errors,
  );
  errors.throwIfAny();
  if (input.customerId !== undefined) job.customerId = input.customerId;
  if (input.locationId !== undefined) job.locationId = input.locationId;
  if (input.businessUnitId !== undefined) job.businessUnitId = input.businessUnitId;
  if (input.jobTypeId !== undefined) job.jobTypeId = input.jobTypeId;
  if (priority !== undefined) job.priority = priority;
  if (input.campaignId !== undefined) job.campaignId = input.campaignId;
  if (input.summary !== undefined) job.summary = input.summary;
  if (input.customerPo !== undefined) job.customerPo = input.customerPo;
  if (input.soldById !== undefined) job.soldById = input.soldById;
  if (input.noCharge !== undefined) job.noCharge = input.noCharge;
  // Full lists: they replace (spec descriptions).
  if (input.tagTypeIds !== undefined) job.tagTypeIds = unique(input.tagTypeIds);
  if (input.customFields !== undefined) {
    job.customFields = input.customFields.map((f) => ({
      typeId: f.typeId,
      name: `Custom field ${f.typeId}`,
      value: f.value ?? "",
    }));
  }
  if (input.externalData !== undefined)
    job.externalData = applyExternalDataUpdate(job.externalData, input.externalData);
  job.modifiedOn = nowIso(state);
  return { status: 200, body: jobView(state, job, input.externalData?.applicationGuid) };
}

function listJobs({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const number = q.string("number");
  const ints = Object.fromEntries(
    [
      "customerId",
      "locationId",
      "jobTypeId",
      "campaignId",
      "businessUnitId",
      "invoiceId",
      "technicianId",
      "projectId",
      "bookingId",
      "soldById",
    ].map((name) => [name, q.int(name)] as const),
  );
  const jobStatus = q.enumValue("jobStatus", jobStatuses);
  const priority = q.string("priority")?.trim().toLowerCase();
  const tagTypeIds = q.intList("tagTypeIds");
  const ext = readExternalDataQuery(q);
  const dated = dateFilter(q);
  const field = (job: JobRecord, name: string): number | null => {
    if (name === "technicianId") return null;
    return (job as unknown as Record<string, number | null>)[name] ?? null;
  };
  const items = [...state.jobs.values()].filter((job) => {
    for (const [name, value] of Object.entries(ints)) {
      if (value === undefined) continue;
      if (name === "technicianId") {
        const assigned = job.appointmentIds.some((a) => state.appointments.get(a)?.technicianIds.includes(value));
        if (!assigned) return false;
      } else if (field(job, name) !== value) return false;
    }
    return (
      ids(job) &&
      (number === undefined || job.jobNumber === number) &&
      (jobStatus === undefined || job.jobStatus === jobStatus) &&
      (priority === undefined || job.priority.toLowerCase() === priority) &&
      (tagTypeIds === undefined || tagTypeIds.some((t) => job.tagTypeIds.includes(t))) &&
      matchesExternalData(job.externalData, ext) &&
      dated(job)
    );
  });
  const sorted = sortItems(items, q, {
    ...standardSortFields<JobRecord>(),
    Priority: (j) => jobPriorities.indexOf(j.priority as (typeof jobPriorities)[number]),
  });
  return { status: 200, body: paginate(sorted, q, (job) => jobView(state, job, ext.guid)) };
}

function getJob(ctx: HandlerContext): HandlerResult {
  const job = requireRecord(ctx.state.jobs, pathId(ctx), "Job");
  return { status: 200, body: jobView(ctx.state, job, ctx.query.guid("externalDataApplicationGuid")) };
}

/** `Jpm.V2.JobTypeResponse`. */
function jobTypeView(t: JobTypeRecord, guid: string | undefined) {
  return {
    id: t.id,
    name: t.name,
    businessUnitIds: [...t.businessUnitIds],
    skills: [],
    tagTypeIds: [...t.tagTypeIds],
    priority: t.priority,
    duration: t.duration,
    soldThreshold: null,
    class: t.class,
    summary: t.summary,
    noCharge: t.noCharge,
    enforceRecurringServiceEventSelection: null,
    invoiceSignaturesRequired: false,
    modifiedOn: t.modifiedOn,
    createdOn: t.createdOn,
    externalData: projectExternalData(t.externalData, guid),
    active: t.active,
    isSmartDispatched: false,
    defaultEstimateSoldAction: "None",
    customFieldTypeIds: [],
  };
}

function listJobTypes({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const name = q.string("name")?.trim().toLowerCase();
  const priority = q.string("priority")?.trim().toLowerCase();
  const minDuration = q.int("minDuration");
  const maxDuration = q.int("maxDuration");
  const active = q.active();
  const ext = readExternalDataQuery(q, { lookup: false });
  const dated = dateFilter(q);
  const items = [...state.jobTypes.values()].filter(
    (t) =>
      ids(t) &&
      (name === undefined || t.name.toLowerCase().includes(name)) &&
      (priority === undefined || t.priority.toLowerCase() === priority) &&
      (minDuration === undefined || t.duration >= minDuration) &&
      (maxDuration === undefined || t.duration <= maxDuration) &&
      matchesActive(t.active, active) &&
      dated(t),
  );
  const fields: Record<string, SortKey<JobTypeRecord>> = standardSortFields<JobTypeRecord>();
  const sorted = orderItems(items, q, fields);
  return { status: 200, body: paginate(sorted, q, (t) => jobTypeView(t, ext.guid)) };
}

export const jpmRoutes: Route[] = [
  route("GET", "jpm", "/jobs", "Jobs_GetList", listJobs),
  route("POST", "jpm", "/jobs", "Jobs_Create", createJob),
  route("GET", "jpm", "/jobs/{id}", "Jobs_Get", getJob),
  route("PATCH", "jpm", "/jobs/{id}", "Jobs_Update", updateJob),
  route("GET", "jpm", "/job-types", "JobTypes_GetList", listJobTypes),
];
