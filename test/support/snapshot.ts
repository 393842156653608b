/**
 * A canonical, id-free picture of what orders produced in the sandbox: customers with contacts and
 * tags, locations, pricebook items, jobs with appointments, invoice lines, summary, payments and job
 * notes, memberships with their sale invoices, and bookings. Two runs of the same
 * orders — one clean, one with faults injected — must produce equal snapshots.
 */
import type { SandboxState } from "../../sandbox/state.ts";

const sorted = <T>(values: T[]) => [...values].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));

export function snapshotState(state: SandboxState) {
  const customerName = (id: number) => state.customers.get(id)?.name ?? `?${id}`;
  const locationStreet = (id: number) => state.locations.get(id)?.address.street ?? `?${id}`;
  const skuCode = (id: number) =>
    (state.materials.get(id) ?? state.equipment.get(id) ?? state.services.get(id))?.code ?? `?${id}`;
  const contactsOf = (customerId: number) =>
    sorted(
      [...state.customerContacts.values()].filter((c) => c.customerId === customerId).map((c) => [c.type, c.value]),
    );
  return {
    customers: sorted(
      [...state.customers.values()].map((c) => ({
        name: c.name,
        active: c.active,
        street: c.address.street,
        tags: [...c.tagTypeIds].sort(),
        contacts: contactsOf(c.id),
        externalData: sorted(c.externalData.map((e) => [e.key, e.value])),
      })),
    ),
    locations: sorted(
      [...state.locations.values()].map((l) => ({
        customer: customerName(l.customerId),
        street: l.address.street,
        tags: [...l.tagTypeIds].sort(),
        externalData: sorted(l.externalData.map((e) => [e.key, e.value])),
      })),
    ),
    skus: sorted(
      [...state.materials.values(), ...state.equipment.values(), ...state.services.values()].map((s) => [
        s.kind,
        s.code,
        s.price,
      ]),
    ),
    jobs: sorted(
      [...state.jobs.values()].map((j) => ({
        customer: customerName(j.customerId),
        location: locationStreet(j.locationId),
        businessUnitId: j.businessUnitId,
        jobTypeId: j.jobTypeId,
        campaignId: j.campaignId,
        priority: j.priority,
        status: j.jobStatus,
        cancelLogs: state.jobCancelLogs.filter((c) => c.jobId === j.id).map((c) => [c.reasonId, c.memo]),
        tags: [...j.tagTypeIds].sort(),
        summary: j.summary,
        externalData: sorted(j.externalData.map((e) => [e.key, e.value])),
        appointments: j.appointmentIds.map((id) => {
          const a = state.appointments.get(id);
          return [a?.start, a?.end, a?.arrivalWindowStart, a?.arrivalWindowEnd, a?.technicianIds];
        }),
        invoice: sorted(
          (state.invoices.get(j.invoiceId)?.items ?? []).map((i) => [skuCode(i.skuId), i.quantity, i.unitPriceCents]),
        ),
        invoiceSummary: state.invoices.get(j.invoiceId)?.summary ?? null,
        payments: sorted(
          [...state.payments.values()]
            .filter((p) => p.splits.some((split) => split.invoiceId === j.invoiceId))
            .map((p) => [p.amountCents, p.memo, p.splits.length]),
        ),
        notes: sorted(state.jobNotes.filter((n) => n.jobId === j.id).map((n) => n.text)),
      })),
    ),
    memberships: sorted(
      [...state.memberships.values()].map((m) => ({
        customer: customerName(m.customerId),
        membershipTypeId: m.membershipTypeId,
        durationBillingId: m.durationBillingId,
        location: m.locationId === null ? null : locationStreet(m.locationId),
        recurringServiceAction: m.recurringServiceAction,
        status: m.status,
        memo: m.memo,
        invoice: sorted(
          (state.invoices.get(m.invoiceId ?? -1)?.items ?? []).map((i) => [
            skuCode(i.skuId),
            i.quantity,
            i.unitPriceCents,
          ]),
        ),
      })),
    ),
    bookings: sorted([...state.bookings.values()].map(({ id, createdOn, modifiedOn, ...booking }) => booking)),
  };
}

/** Counts that must stay flat when an order is delivered again. */
export function effectCounts(state: SandboxState) {
  let invoiceItems = 0;
  for (const invoice of state.invoices.values()) invoiceItems += invoice.items.length;
  return {
    customers: state.customers.size,
    locations: state.locations.size,
    skus: state.materials.size + state.equipment.size + state.services.size,
    jobs: state.jobs.size,
    invoiceItems,
    payments: state.payments.size,
    jobNotes: state.jobNotes.length,
    memberships: state.memberships.size,
    bookings: state.bookings.size,
  };
}
