/** Job shapes (jpm-v2.json): jobs and job types. */
import * as z from "zod";
import {
  externalDataCreateSchema,
  externalDataListSchema,
  idListSchema,
  idSchema,
  lenientString,
  optionalString,
} from "./common.ts";

/** Values the spec lists for `priority` (a plain string in the model). */
export const jobPriorities = ["Low", "Normal", "High", "Urgent"] as const;
export type JobPriority = (typeof jobPriorities)[number];

/** `Jpm.V2.JobResponse` (the parts the worker uses). */
export const jobSchema = z.object({
  id: idSchema,
  jobNumber: optionalString,
  customerId: idSchema,
  locationId: idSchema,
  /** Required in the spec: the job's invoice exists as soon as the job does. */
  invoiceId: idSchema,
  jobStatus: lenientString,
  tagTypeIds: idListSchema,
  externalData: externalDataListSchema,
  /** HTML. */
  summary: optionalString,
});
export type Job = z.output<typeof jobSchema>;

/** `Jpm.V2.JobTypeResponse`. */
export const jobTypeSchema = z.object({
  id: idSchema,
  name: lenientString,
  active: z.boolean(),
  businessUnitIds: idListSchema,
  /** Applied by ServiceTitan to every job booked with this type. */
  tagTypeIds: idListSchema,
  priority: optionalString,
  /** Average duration in seconds. */
  duration: z
    .number()
    .nullish()
    .transform((value) => value ?? undefined),
});
export type JobType = z.output<typeof jobTypeSchema>;

/** `Jpm.V2.AppointmentInformation`: absolute UTC date-times. */
export const appointmentRequestSchema = z.object({
  start: z.string().min(1),
  end: z.string().min(1),
  arrivalWindowStart: z.string().optional(),
  arrivalWindowEnd: z.string().optional(),
  technicianIds: z.array(idSchema).optional(),
});
export type AppointmentRequest = z.input<typeof appointmentRequestSchema>;

/** `Jpm.V2.CustomFieldModel`. */
const jobCustomFieldSchema = z.object({ typeId: idSchema, value: z.string().optional() });

/**
 * `Jpm.V2.JobCreateRequest`. `campaignId` is required by the spec, and ServiceTitan answers 422
 * without it (third-party probe).
 */
export const createJobRequestSchema = z.object({
  customerId: idSchema,
  locationId: idSchema,
  businessUnitId: idSchema,
  jobTypeId: idSchema,
  priority: z.string().min(1),
  campaignId: idSchema,
  appointments: z.array(appointmentRequestSchema).min(1),
  /** HTML. */
  summary: z.string().optional(),
  customFields: z.array(jobCustomFieldSchema).optional(),
  tagTypeIds: z.array(idSchema).optional(),
  externalData: externalDataCreateSchema.optional(),
  customerPo: z.string().optional(),
  soldById: idSchema.optional(),
  noCharge: z.boolean().optional(),
  invoiceSignatureIsRequired: z.boolean().optional(),
});
export type CreateJobRequest = z.input<typeof createJobRequestSchema>;

/** `Jpm.V2.JobNoteCreateRequest`. */
export const createJobNoteRequestSchema = z.object({
  /** Plain text. */
  text: z.string().min(1),
  pinToTop: z.boolean().optional(),
});
export type CreateJobNoteRequest = z.input<typeof createJobNoteRequestSchema>;

/** `Jpm.V2.NoteResponse` (notes have no id in the spec). */
export const jobNoteSchema = z.object({ text: lenientString, isPinned: z.boolean().optional() });
export type JobNote = z.output<typeof jobNoteSchema>;

/** `Jpm.V2.UpdateJobRequest`: only the tag list (a full list: it replaces the job's tags). */
export const updateJobTagsRequestSchema = z.object({ tagTypeIds: z.array(idSchema) });

/**
 * `Jpm.V2.JobStatus`. `JobResponse.jobStatus` itself is a plain string in the spec, so the worker
 * compares it with these case-insensitively and treats any other value as "not Scheduled".
 */
export const JobStatus = {
  Scheduled: "Scheduled",
  Dispatched: "Dispatched",
  InProgress: "InProgress",
  Hold: "Hold",
  Completed: "Completed",
  Canceled: "Canceled",
} as const;
export type JobStatus = (typeof JobStatus)[keyof typeof JobStatus];

/** `Jpm.V2.CancelJobRequest`: both members required. */
export const cancelJobRequestSchema = z.object({
  reasonId: idSchema,
  /** Multiline text; the worker writes only the store and order id (no personal data). */
  memo: z.string().min(1),
});
export type CancelJobRequest = z.input<typeof cancelJobRequestSchema>;

/** `Jpm.V2.JobCancelReasonResponse`. */
export const jobCancelReasonSchema = z.object({ id: idSchema, name: lenientString, active: z.boolean() });
export type JobCancelReason = z.output<typeof jobCancelReasonSchema>;
