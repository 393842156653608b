/** vitest globalSetup: fails a CI run at once when ../shared is missing (see shared-documents.ts). */
import { checkSharedDocuments } from "./shared-documents.ts";

export default function setup(): void {
  checkSharedDocuments(process.env);
}
