/**
 * Pricebook materials, equipment and services (pricebook-v2.json `Materials_*`, `Equipment_*`,
 * `Services_*`). Creates answer **201** (spec). There is no exact code filter: `searchText` is a
 * case-insensitive partial match over code, display name and description (spec), so "FLT-16x25x1"
 * also finds "FLT-16x25x1-M11" and callers must compare `code` themselves.
 *
 * Whether ServiceTitan refuses a second item with the same `code` is undocumented (UNCONFIRMED).
 * By default the sandbox accepts duplicates, so the worker is tested without relying on a refusal;
 * with `uniquePricebookCodes` on, `code` is unique per item kind, compared case-insensitively, and a
 * duplicate is a **400** with `errors.code` (the spec documents only 400 for creates). Ids come from
 * the shared counter, so they are distinct across all SKU kinds, as the invoice's `skuId` requires.
 */
import { z } from "zod";
import { decimal, int64, parseBody } from "../body.ts";
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
import { paginate, type SortKey, sortItems, standardSortFields } from "../paging.ts";
import { validationProblem } from "../problem.ts";
import { type HandlerContext, type HandlerResult, pathId, type Route, requireRecord, route } from "../router.ts";
import { allocateId, nowIso, type SandboxState, type SkuKind, type SkuRecord, skuMap } from "../state.ts";
import { externalDataCreateSchema, externalDataUpdateSchema } from "./external-data-schemas.ts";

const nullableText = z.string().nullish();

/** The fields the sandbox keeps from `MaterialCreateRequest` / `EquipmentCreateRequest` / `ServiceCreateRequest`. */
const skuCreateSchema = z.object({
  code: z.string().trim().min(1),
  displayName: nullableText,
  description: z.string().min(1),
  cost: decimal.nullish(),
  active: z.boolean().nullish(),
  price: decimal.nullish(),
  memberPrice: decimal.nullish(),
  addOnPrice: decimal.nullish(),
  addOnMemberPrice: decimal.nullish(),
  hours: decimal.nullish(),
  bonus: decimal.nullish(),
  commissionBonus: decimal.nullish(),
  paysCommission: z.boolean().nullish(),
  deductAsJobCost: z.boolean().nullish(),
  unitOfMeasure: nullableText,
  isInventory: z.boolean().nullish(),
  account: nullableText,
  costOfSaleAccount: nullableText,
  assetAccount: nullableText,
  taxable: z.boolean().nullish(),
  categories: z.array(int64).nullish(),
  externalData: externalDataCreateSchema.nullish(),
  chargeableByDefault: z.boolean().nullish(),
  isOtherDirectCost: z.boolean().nullish(),
  manufacturer: nullableText,
  model: nullableText,
  isLabor: z.boolean().nullish(),
});

const skuUpdateSchema = skuCreateSchema
  .omit({ externalData: true })
  .partial()
  .extend({ externalData: externalDataUpdateSchema.nullish() });

type SkuInput = z.output<typeof skuUpdateSchema>;

const kindLabel: Record<SkuKind, string> = { material: "Material", equipment: "Equipment", service: "Service" };

function materialView(s: SkuRecord, guid: string | undefined) {
  return {
    id: s.id,
    code: s.code,
    displayName: s.displayName,
    description: s.description,
    cost: s.cost,
    active: s.active,
    price: s.price,
    memberPrice: s.memberPrice,
    addOnPrice: s.addOnPrice,
    addOnMemberPrice: s.addOnMemberPrice,
    hours: s.hours,
    bonus: s.bonus,
    commissionBonus: s.commissionBonus,
    paysCommission: s.paysCommission,
    deductAsJobCost: s.deductAsJobCost,
    unitOfMeasure: s.unitOfMeasure,
    isInventory: s.isInventory,
    account: s.account,
    costOfSaleAccount: s.costOfSaleAccount,
    assetAccount: s.assetAccount,
    taxable: s.taxable,
    primaryVendor: null,
    otherVendors: [],
    categories: [...s.categories],
    assets: [],
    modifiedOn: s.modifiedOn,
    source: null,
    externalId: null,
    externalData: projectExternalData(s.externalData, guid),
    isConfigurableMaterial: false,
    chargeableByDefault: s.chargeableByDefault,
    variationsOrConfigurableMaterials: [],
    businessUnitId: s.businessUnitId,
    createdById: s.createdById,
    createdOn: s.createdOn,
    displayInAmount: false,
    generalLedgerAccountId: null,
    isOtherDirectCost: s.isOtherDirectCost,
    costTypeId: null,
    defaultAssetUrl: null,
    budgetCostCode: null,
    budgetCostType: null,
    isCostLocked: null,
    isPriceLocked: null,
    isChemical: null,
    epaNumber: null,
    activeIngredients: null,
  };
}

function equipmentView(s: SkuRecord, guid: string | undefined) {
  return {
    id: s.id,
    code: s.code,
    displayName: s.displayName,
    description: s.description,
    active: s.active,
    price: s.price,
    memberPrice: s.memberPrice,
    addOnPrice: s.addOnPrice,
    addOnMemberPrice: s.addOnMemberPrice,
    manufacturer: s.manufacturer,
    model: s.model,
    manufacturerWarranty: { duration: 0, description: null },
    serviceProviderWarranty: { duration: 0, description: null },
    categories: [...s.categories],
    assets: [],
    recommendations: [],
    upgrades: [],
    equipmentMaterials: [],
    primaryVendor: null,
    otherVendors: [],
    account: s.account,
    costOfSaleAccount: s.costOfSaleAccount,
    assetAccount: s.assetAccount,
    crossSaleGroup: null,
    paysCommission: s.paysCommission,
    bonus: s.bonus,
    commissionBonus: s.commissionBonus,
    hours: s.hours,
    taxable: s.taxable ?? true,
    cost: s.cost,
    unitOfMeasure: s.unitOfMeasure,
    isInventory: s.isInventory,
    modifiedOn: s.modifiedOn,
    source: null,
    externalId: null,
    externalData: projectExternalData(s.externalData, guid),
    isConfigurableEquipment: false,
    variationsOrConfigurableEquipment: [],
    typeId: null,
    displayInAmount: false,
    generalLedgerAccountId: null,
    createdOn: s.createdOn,
    defaultAssetUrl: null,
    dimensions: null,
    budgetCostCode: null,
    budgetCostType: null,
    isCostLocked: null,
    isPriceLocked: null,
  };
}

/** `ServiceResponse` (create/update); the list/get shape `ServiceGetResponse` may add `calculatedPrice`. */
function serviceView(s: SkuRecord, guid: string | undefined) {
  return {
    id: s.id,
    code: s.code,
    displayName: s.displayName,
    description: s.description,
    warranty: null,
    categories: s.categories.map((id) => ({ id, name: `Category ${id}`, active: true })),
    price: s.price,
    memberPrice: s.memberPrice,
    addOnPrice: s.addOnPrice,
    addOnMemberPrice: s.addOnMemberPrice,
    taxable: s.taxable ?? false,
    account: s.account,
    hours: s.hours,
    isLabor: s.isLabor,
    recommendations: [],
    upgrades: [],
    assets: [],
    serviceMaterials: [],
    serviceEquipment: [],
    active: s.active,
    crossSaleGroup: null,
    paysCommission: s.paysCommission,
    bonus: s.bonus,
    commissionBonus: s.commissionBonus,
    modifiedOn: s.modifiedOn,
    source: null,
    externalId: null,
    externalData: projectExternalData(s.externalData, guid),
    businessUnitId: s.businessUnitId,
    cost: s.cost,
    createdOn: s.createdOn,
    soldByCommission: 0,
    defaultAssetUrl: null,
    budgetCostCode: null,
    budgetCostType: null,
    isPriceLocked: null,
  };
}

function view(kind: SkuKind, s: SkuRecord, guid: string | undefined, calculatePrices = false) {
  if (kind === "material") return materialView(s, guid);
  if (kind === "equipment") return equipmentView(s, guid);
  const base = serviceView(s, guid);
  return calculatePrices ? { ...base, calculatedPrice: s.price } : base;
}

const skuSortFields: Record<string, SortKey<SkuRecord>> = {
  ...standardSortFields<SkuRecord>(),
  Code: (s) => s.code.toLowerCase(),
  DisplayName: (s) => s.displayName?.toLowerCase() ?? null,
  Price: (s) => s.price,
  MemberPrice: (s) => s.memberPrice,
  AddOnPrice: (s) => s.addOnPrice,
  AddOnMemberPrice: (s) => s.addOnMemberPrice,
  MaterialsCost: (s) => s.cost,
  PrimaryVendor: (s) => s.id,
  Cost: (s) => s.cost,
  Manufacturer: (s) => s.manufacturer,
  Priority: (s) => s.id,
};

function list(kind: SkuKind) {
  return ({ state, query: q }: HandlerContext): HandlerResult => {
    const ids = byIds(q.intList("ids"));
    const active = q.active();
    const ext = readExternalDataQuery(q);
    const dated = dateFilter(q);
    const searchText = q.string("searchText");
    if (searchText !== undefined && (searchText.length < 2 || searchText.length > 200)) {
      throw validationProblem({
        searchText: ["The field searchText must be a string with a length between 2 and 200."],
      });
    }
    const isOtherDirectCost = kind === "material" ? q.bool("isOtherDirectCost") : undefined;
    const calculatePrices = kind === "service" ? (q.bool("calculatePrices") ?? false) : false;
    const needle = searchText?.toLowerCase();
    const items = [...skuMap(state, kind).values()].filter(
      (s) =>
        ids(s) &&
        matchesActive(s.active, active) &&
        matchesExternalData(s.externalData, ext) &&
        dated(s) &&
        (isOtherDirectCost === undefined || s.isOtherDirectCost === isOtherDirectCost) &&
        (needle === undefined ||
          [s.code, s.displayName, s.description].some((f) => f?.toLowerCase().includes(needle) ?? false)),
    );
    const sorted = sortItems(items, q, skuSortFields);
    return { status: 200, body: paginate(sorted, q, (s) => view(kind, s, ext.guid, calculatePrices)) };
  };
}

function get(kind: SkuKind) {
  return (ctx: HandlerContext): HandlerResult => {
    const sku = requireRecord(skuMap(ctx.state, kind), pathId(ctx), kindLabel[kind]);
    const guid = ctx.query.guid("externalDataApplicationGuid");
    const calculatePrices = kind === "service" ? (ctx.query.bool("calculatePrices") ?? false) : false;
    return { status: 200, body: view(kind, sku, guid, calculatePrices) };
  };
}

function assertCodeFree(state: SandboxState, kind: SkuKind, code: string, exceptId?: number): void {
  if (!state.uniquePricebookCodes) return;
  const taken = [...skuMap(state, kind).values()].some(
    (s) => s.id !== exceptId && s.code.toLowerCase() === code.toLowerCase(),
  );
  if (taken) {
    throw validationProblem({ code: [`${kindLabel[kind]} with code '${code}' already exists.`] });
  }
}

function create(kind: SkuKind) {
  return ({ state, body }: HandlerContext): HandlerResult => {
    const input = parseBody(skuCreateSchema, body);
    assertCodeFree(state, kind, input.code);
    const at = nowIso();
    const sku: SkuRecord = {
      kind,
      id: allocateId(state),
      code: input.code,
      displayName: input.displayName ?? null,
      description: input.description,
      price: input.price ?? 0,
      memberPrice: input.memberPrice ?? 0,
      addOnPrice: input.addOnPrice ?? 0,
      addOnMemberPrice: input.addOnMemberPrice ?? 0,
      cost: input.cost ?? 0,
      active: input.active ?? true,
      hours: input.hours ?? 0,
      bonus: input.bonus ?? 0,
      commissionBonus: input.commissionBonus ?? 0,
      paysCommission: input.paysCommission ?? false,
      taxable: input.taxable ?? kind !== "service",
      account: input.account ?? null,
      costOfSaleAccount: kind === "service" ? null : (input.costOfSaleAccount ?? null),
      assetAccount: kind === "service" ? null : (input.assetAccount ?? null),
      unitOfMeasure: input.unitOfMeasure ?? null,
      isInventory: input.isInventory ?? false,
      categories: input.categories ?? [],
      businessUnitId: null,
      externalData: externalDataFromCreate(input.externalData),
      createdOn: at,
      createdById: state.apiUserId,
      modifiedOn: at,
      deductAsJobCost: input.deductAsJobCost ?? false,
      chargeableByDefault: input.chargeableByDefault ?? true,
      isOtherDirectCost: input.isOtherDirectCost ?? false,
      manufacturer: kind === "equipment" ? (input.manufacturer ?? null) : null,
      model: kind === "equipment" ? (input.model ?? null) : null,
      isLabor: kind === "service" ? (input.isLabor ?? null) : null,
    };
    skuMap(state, kind).set(sku.id, sku);
    return { status: 201, body: view(kind, sku, input.externalData?.applicationGuid) };
  };
}

function update(kind: SkuKind) {
  return (ctx: HandlerContext): HandlerResult => {
    const sku = requireRecord(skuMap(ctx.state, kind), pathId(ctx), kindLabel[kind]);
    const input: SkuInput = parseBody(skuUpdateSchema, ctx.body);
    if (input.code != null) assertCodeFree(ctx.state, kind, input.code, sku.id);
    const { externalData, ...fields } = input;
    for (const [key, value] of Object.entries(fields)) {
      if (value === undefined || value === null) continue;
      (sku as unknown as Record<string, unknown>)[key] = value;
    }
    if (externalData) sku.externalData = applyExternalDataUpdate(sku.externalData, externalData);
    sku.modifiedOn = nowIso();
    return { status: 200, body: view(kind, sku, externalData?.applicationGuid) };
  };
}

const collections: [SkuKind, string, string][] = [
  ["material", "/materials", "Materials"],
  ["equipment", "/equipment", "Equipment"],
  ["service", "/services", "Services"],
];

export const pricebookRoutes: Route[] = collections.flatMap(([kind, path, op]) => [
  route("GET", "pricebook", path, `${op}_GetList`, list(kind)),
  route("POST", "pricebook", path, `${op}_Create`, create(kind)),
  route("GET", "pricebook", `${path}/{id}`, `${op}_Get`, get(kind)),
  route("PATCH", "pricebook", `${path}/{id}`, `${op}_Update`, update(kind)),
]);
