/**
 * What the worker leaves on a job for the office to read: a tag and a plain-text note. Both are
 * safe to repeat. `Jobs_Update` replaces the whole tag list, so a tag is added to the tags read
 * from the job just before. Notes have no id and no externalData (`Jpm.V2.NoteResponse`), so a
 * note that an earlier, crashed attempt may have written is found by the marker its text starts with.
 */
import { createJobNote, type Job, listJobNotes, listJobs, setJobTags } from "../servicetitan/endpoints/jpm.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";

/**
 * Adds the tag unless the job has it. `job`: the job as just read, when the caller has it (saves
 * the read).
 */
export async function addJobTag(
  http: ServiceTitanHttp,
  jobId: number,
  tagTypeId: number,
  job?: Pick<Job, "tagTypeIds">,
): Promise<void> {
  const current = job?.tagTypeIds ?? (await listJobs(http, { ids: [jobId] })).data[0]?.tagTypeIds ?? [];
  if (current.includes(tagTypeId)) return;
  await setJobTags(http, jobId, [...current, tagTypeId]);
}

/**
 * Adds the note unless `mayExist` and a note of the job already contains `marker` (an earlier
 * attempt wrote it before the ledger recorded it). A first attempt pays no look-up.
 */
export async function addJobNoteOnce(
  http: ServiceTitanHttp,
  jobId: number,
  note: { text: string; marker: string; mayExist: boolean },
): Promise<void> {
  if (note.mayExist) {
    const notes = await listJobNotes(http, jobId);
    if (notes.some((existing) => existing.text.includes(note.marker))) return;
  }
  await createJobNote(http, jobId, { text: note.text });
}
