import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { routes } from "../../sandbox/routes/index.ts";
import { implementedOperations } from "../../sandbox/server.ts";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const specDir = path.resolve(repoRoot, "../shared/servicetitan/openapi");
const specFiles: Record<string, string> = {
  crm: "crm-v2.json",
  jpm: "jpm-v2.json",
  pricebook: "pricebook-v2.json",
  accounting: "accounting-v2.json",
  settings: "settings-v2.json",
  marketing: "marketing-v2.json",
  dispatch: "dispatch-v2.json",
  memberships: "memberships-v2.json",
};
/** Operations only an older document describes (`openapi/SOURCES.md`): route → that document. */
const olderSpecFiles: Record<string, string> = {
  Payments_Create: path.resolve(repoRoot, "../shared/servicetitan/openapi-history/accounting-v2-2026-03.json"),
};
const haveSpecs = existsSync(specDir);
if (!haveSpecs) console.warn(`[sandbox-spec] SKIPPED: ServiceTitan OpenAPI documents not found at ${specDir}`);

interface SpecOperation {
  operationId?: string;
}
type SpecDoc = { paths: Record<string, Record<string, SpecOperation>> };

describe.skipIf(!haveSpecs)("sandbox routes against the ServiceTitan OpenAPI documents", () => {
  const docs = haveSpecs
    ? Object.fromEntries(
        Object.entries(specFiles).map(([api, file]) => [
          api,
          JSON.parse(readFileSync(path.join(specDir, file), "utf8")) as SpecDoc,
        ]),
      )
    : {};
  const olderDocs: Record<string, SpecDoc> = haveSpecs
    ? Object.fromEntries(
        Object.entries(olderSpecFiles).map(([operationId, file]) => [
          operationId,
          JSON.parse(readFileSync(file, "utf8")) as SpecDoc,
        ]),
      )
    : {};

  it("implements every operation the worker needs", () => {
    // Prepare
    const needed = [
      "Customers_GetList",
      "Customers_Create",
      "Customers_Get",
      "Customers_Update",
      "Customers_CreateTag",
      "BulkTags_AddTags",
      "Customers_GetContactList",
      "Customers_CreateContact",
      "Customers_GetModifiedContactsList",
      "Locations_GetList",
      "Locations_Create",
      "Locations_Update",
      "Locations_CreateTag",
      "Locations_GetContactList",
      "Locations_CreateContact",
      "Contacts_SearchContactMethods",
      "Contacts_GetContactRelationshipList",
      "Materials_GetList",
      "Materials_Create",
      "Equipment_GetList",
      "Equipment_Create",
      "Services_GetList",
      "Services_Create",
      "Jobs_Create",
      "Jobs_GetList",
      "Jobs_Get",
      "JobTypes_GetList",
      "Invoices_GetList",
      "Invoices_UpdateInvoiceItems",
      "Invoices_UpdateInvoice",
      "Payments_GetList",
      "Payments_Create",
      "PaymentTypes_GetList",
      "Jobs_CreateNote",
      "Jobs_GetNotes",
      "Jobs_Update",
      "Jobs_Cancel",
      "JobCancelReasons_GetList",
      "TagTypes_GetList",
      "BusinessUnits_GetList",
      "Technicians_GetList",
      "Campaigns_GetList",
      "ArrivalWindows_GetList",
      "MembershipTypes_GetList",
      "MembershipTypes_GetDurationBillingList",
      "CustomerMemberships_GetList",
      "CustomerMemberships_Create",
      "CustomerMemberships_Update",
    ];
    // Act
    const missing = needed.filter((op) => !implementedOperations.includes(op));
    // Assess
    expect(missing).toEqual([]);
  });

  it("routes each operationId with the spec's method and path", () => {
    // Prepare
    const mismatches: string[] = [];
    // Act
    for (const r of routes) {
      const doc = olderDocs[r.operationId] ?? docs[r.api];
      const specPath = `/tenant/{tenant}${r.path.replace(/\{(\w+):\w+\}/g, "{$1}")}`;
      const op = doc?.paths[specPath]?.[r.method.toLowerCase()];
      if (op?.operationId !== r.operationId) {
        mismatches.push(
          `${r.method} ${r.api}${specPath} → spec says ${op?.operationId ?? "nothing"}, route says ${r.operationId}`,
        );
      }
    }
    // Assess
    expect(mismatches).toEqual([]);
  });

  it("declares each operationId once", () => {
    // Prepare / Act
    const duplicates = implementedOperations.filter((op, i) => implementedOperations.indexOf(op) !== i);
    // Assess
    expect(duplicates).toEqual([]);
  });
});
