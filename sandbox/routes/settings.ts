/**
 * Reference data the worker looks up (and caches): settings-v2.json `TagTypes_GetList`,
 * `BusinessUnits_GetList`, `Technicians_GetList`; marketing-v2.json `Campaigns_GetList`;
 * dispatch-v2.json `ArrivalWindows_GetList`. `name` filters are case-insensitive "contains" (spec).
 */
import {
  byIds,
  containsCi,
  dateFilter,
  matchesActive,
  projectExternalData,
  readExternalDataQuery,
} from "../filters.ts";
import { paginate, sortItems, standardSortFields } from "../paging.ts";
import type { HandlerContext, HandlerResult, Route } from "../router.ts";
import { route } from "../router.ts";
import type {
  ArrivalWindowRecord,
  BusinessUnitRecord,
  CampaignRecord,
  TagTypeRecord,
  TechnicianRecord,
} from "../state.ts";

function tagTypeView(t: TagTypeRecord) {
  return {
    id: t.id,
    name: t.name,
    color: t.color,
    code: t.code,
    importance: t.importance,
    isConversionOpportunity: t.isConversionOpportunity,
    allowToUseOnTimesheetActivity: false,
    isVisibleOnDispatchBoard: true,
    active: t.active,
    createdOn: t.createdOn,
    modifiedOn: t.modifiedOn,
  };
}

function listTagTypes({ state, query: q }: HandlerContext): HandlerResult {
  const active = q.active();
  const dated = dateFilter(q);
  const items = [...state.tagTypes.values()].filter((t) => matchesActive(t.active, active) && dated(t));
  const sorted = sortItems(items, q, { ...standardSortFields<TagTypeRecord>(), Name: (t) => t.name });
  return { status: 200, body: paginate(sorted, q, tagTypeView) };
}

function businessUnitView(b: BusinessUnitRecord, guid: string | undefined) {
  return {
    id: b.id,
    active: b.active,
    name: b.name,
    officialName: b.officialName,
    email: null,
    currency: b.currency,
    phoneNumber: null,
    invoiceHeader: null,
    invoiceMessage: null,
    defaultTaxRate: 0,
    authorizationParagraph: null,
    acknowledgementParagraph: null,
    address: null,
    materialSku: null,
    quickbooksClass: null,
    accountCode: null,
    franchiseId: null,
    conceptCode: null,
    corporateContractNumber: null,
    trade: null,
    division: null,
    tagTypeIds: [...b.tagTypeIds],
    tenant: null,
    createdOn: b.createdOn,
    modifiedOn: b.modifiedOn,
    externalData: projectExternalData(b.externalData, guid),
    certifiedSentriconSpecialistCode: null,
  };
}

function listBusinessUnits({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const name = q.string("name");
  const active = q.active();
  const ext = readExternalDataQuery(q, { lookup: false });
  const dated = dateFilter(q);
  const items = [...state.businessUnits.values()].filter(
    (b) => ids(b) && containsCi(b.name, name) && matchesActive(b.active, active) && dated(b),
  );
  const sorted = items.sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(sorted, q, (b) => businessUnitView(b, ext.guid)) };
}

function technicianView(t: TechnicianRecord) {
  return {
    id: t.id,
    userId: t.userId,
    name: t.name,
    roleIds: [],
    businessUnitId: t.businessUnitId,
    mainZoneId: null,
    zoneIds: [],
    createdOn: t.createdOn,
    modifiedOn: t.modifiedOn,
    email: t.email,
    phoneNumber: t.phoneNumber,
    loginName: null,
    home: null,
    dailyGoal: 0,
    isManagedTech: false,
    licenseType: null,
    customFields: [],
    active: t.active,
    aadUserId: null,
    burdenRate: 0,
    team: null,
    jobFilter: null,
    permissions: [],
    accountLocked: false,
    commissionRate: 0,
    currentValue: null,
    firstName: null,
    lastName: null,
    hourlyRate: 0,
    jobId: null,
    mobilePhone: null,
    outboundCallerId: null,
    payrollId: null,
    payrollProfileId: null,
    appoitmentId: null,
    shiftStart: null,
    shiftEnd: null,
    soldByRate: 0,
    startDate: null,
    status: "Idle",
    skills: [],
    positions: [],
    location: null,
    bio: null,
    memo: null,
  };
}

function listTechnicians({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const userIds = q.intList("userIds");
  const name = q.string("name");
  const active = q.active();
  const dated = dateFilter(q);
  const items = [...state.technicians.values()].filter(
    (t) =>
      ids(t) &&
      (userIds === undefined || userIds.includes(t.userId)) &&
      containsCi(t.name, name) &&
      matchesActive(t.active, active) &&
      dated(t),
  );
  const sorted = items.sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(sorted, q, technicianView) };
}

function campaignView(c: CampaignRecord) {
  return {
    id: c.id,
    name: c.name,
    modifiedOn: c.modifiedOn,
    createdOn: c.createdOn,
    active: c.active,
    isDefaultCampaign: c.isDefaultCampaign,
    category: null,
    source: null,
    otherSource: null,
    businessUnit: null,
    medium: null,
    otherMedium: null,
    campaignPhoneNumbers: [...c.campaignPhoneNumbers],
  };
}

function listCampaigns({ state, query: q }: HandlerContext): HandlerResult {
  const ids = byIds(q.intList("ids"));
  const name = q.string("name");
  const phone = q.string("campaignPhoneNumber");
  const active = q.active();
  const dated = dateFilter(q);
  const items = [...state.campaigns.values()].filter(
    (c) =>
      ids(c) &&
      containsCi(c.name, name) &&
      (phone === undefined || c.campaignPhoneNumbers.includes(phone)) &&
      matchesActive(c.active, active) &&
      dated(c),
  );
  const sorted = sortItems(items, q, { ...standardSortFields<CampaignRecord>(), Name: (c) => c.name });
  return { status: 200, body: paginate(sorted, q, campaignView) };
}

/** `start` and `duration` are .NET TimeSpan strings ("08:00:00"), the spec's `format: duration`. */
function arrivalWindowView(a: ArrivalWindowRecord) {
  return {
    id: a.id,
    start: a.start,
    duration: a.duration,
    businessUnitIds: [...a.businessUnitIds],
    active: a.active,
  };
}

function listArrivalWindows({ state, query: q }: HandlerContext): HandlerResult {
  const active = q.active();
  const createdBefore = q.date("createdBefore");
  const createdOnOrAfter = q.date("createdOnOrAfter");
  const items = [...state.arrivalWindows.values()].filter((a) => {
    const created = Date.parse(a.createdOn);
    return (
      matchesActive(a.active, active) &&
      (createdBefore === undefined || created < createdBefore) &&
      (createdOnOrAfter === undefined || created >= createdOnOrAfter)
    );
  });
  const sorted = items.sort((a, b) => a.id - b.id);
  return { status: 200, body: paginate(sorted, q, arrivalWindowView) };
}

export const settingsRoutes: Route[] = [
  route("GET", "settings", "/tag-types", "TagTypes_GetList", listTagTypes),
  route("GET", "settings", "/business-units", "BusinessUnits_GetList", listBusinessUnits),
  route("GET", "settings", "/technicians", "Technicians_GetList", listTechnicians),
  route("GET", "marketing", "/campaigns", "Campaigns_GetList", listCampaigns),
  route("GET", "dispatch", "/arrival-windows", "ArrivalWindows_GetList", listArrivalWindows),
];
