/**
 * Job notes (jpm `Jobs_CreateNote`, `Jobs_GetNotes`). `Jpm.V2.NoteResponse` has no id, so notes are
 * told apart by their text only. A note on an unknown job is a 404, as the spec documents.
 */
import { z } from "zod";
import { parseBody } from "../body.ts";
import { paginate } from "../paging.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import { type JobNoteRecord, nowIso } from "../state.ts";

/** `Jpm.V2.JobNoteCreateRequest`. */
const noteCreateSchema = z.object({ text: z.string(), pinToTop: z.boolean().nullish() });

const noteView = (n: JobNoteRecord) => ({
  text: n.text,
  isPinned: n.isPinned,
  createdById: n.createdById,
  createdOn: n.createdOn,
  modifiedOn: n.modifiedOn,
});

function createNote(ctx: HandlerContext): HandlerResult {
  const job = requireRecord(ctx.state.jobs, pathId(ctx), "Job");
  const input = parseBody(noteCreateSchema, ctx.body);
  const at = nowIso();
  const note: JobNoteRecord = {
    jobId: job.id,
    text: input.text,
    isPinned: input.pinToTop ?? false,
    createdById: ctx.state.apiUserId,
    createdOn: at,
    modifiedOn: at,
  };
  ctx.state.jobNotes.push(note);
  return { status: 200, body: noteView(note) };
}

function listNotes(ctx: HandlerContext): HandlerResult {
  const job = requireRecord(ctx.state.jobs, pathId(ctx), "Job");
  const notes = ctx.state.jobNotes.filter((n) => n.jobId === job.id);
  return { status: 200, body: paginate(notes, ctx.query, noteView) };
}

export const jobNoteRoutes: Route[] = [
  route("GET", "jpm", "/jobs/{id}/notes", "Jobs_GetNotes", listNotes),
  route("POST", "jpm", "/jobs/{id}/notes", "Jobs_CreateNote", createNote),
];
