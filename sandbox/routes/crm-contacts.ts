/**
 * The newer CRM contacts model (crm-v2.json `Contacts_*`): GUID contacts, contact methods and
 * relationships. Legacy customer/location contacts are mirrored into it (see contacts-model.ts).
 */
import { dateFilter } from "../filters.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import { notFound } from "../problem.ts";
import type { HandlerContext, HandlerResult, Route } from "../router.ts";
import { route } from "../router.ts";
import { type ContactMethodRecord, type ContactRelationshipRecord, contactTypes } from "../state.ts";
import { contactMethodView, contactRelationshipView, contactView } from "./crm-views.ts";

/** `value` is an exact match after trimming, case-insensitive (so emails match whatever their stored case/padding). */
function searchContactMethods({ state, query: q }: HandlerContext): HandlerResult {
  const contactId = q.guid("contactId");
  const referenceId = q.string("referenceId");
  const type = q.enumValue("type", contactTypes);
  const value = q.string("value")?.trim().toLowerCase();
  const dated = dateFilter(q);
  const items = [...state.contactMethods.values()].filter(
    (m) =>
      (contactId === undefined || m.contactId === contactId) &&
      (referenceId === undefined || m.referenceId === referenceId) &&
      (type === undefined || m.type === type) &&
      (value === undefined || m.value.trim().toLowerCase() === value) &&
      dated(m),
  );
  const sorted = sortItems(items, q, standardSortFields<ContactMethodRecord>());
  return { status: 200, body: paginate(sorted, q, contactMethodView) };
}

function getContact({ state, params }: HandlerContext): HandlerResult {
  const contact = state.contacts.get(params.id ?? "");
  if (!contact) throw notFound(`Contact ${params.id}`);
  return { status: 200, body: contactView(contact) };
}

function listRelationships({ state, params, query: q }: HandlerContext): HandlerResult {
  const contactId = params.contactId ?? "";
  if (!state.contacts.has(contactId)) throw notFound(`Contact ${contactId}`);
  const relatedEntityId = q.int("relatedEntityId");
  const typeSlug = q.string("typeSlug")?.trim().toLowerCase();
  const typeName = q.string("typeName")?.trim().toLowerCase();
  const dated = dateFilter(q);
  const items = [...state.contactRelationships.values()].filter(
    (r) =>
      r.contactId === contactId &&
      (relatedEntityId === undefined || r.relatedEntityId === relatedEntityId) &&
      (typeSlug === undefined || r.typeSlug === typeSlug) &&
      (typeName === undefined || r.typeName.toLowerCase() === typeName) &&
      dated(r),
  );
  const sorted = sortItems(items, q, { ID: (r: ContactRelationshipRecord) => r.id, CreatedOn: (r) => r.createdOn });
  return { status: 200, body: paginate(sorted, q, contactRelationshipView) };
}

export const contactRoutes: Route[] = [
  route("GET", "crm", "/contacts/contact-methods", "Contacts_SearchContactMethods", searchContactMethods),
  route(
    "GET",
    "crm",
    "/contacts/{contactId:guid}/relationships",
    "Contacts_GetContactRelationshipList",
    listRelationships,
  ),
  route("GET", "crm", "/contacts/{id:guid}", "Contacts_Get", getContact),
];
