/**
 * The booking endpoint module against the sandbox's booking-provider bookings and tags, each exchange
 * checked against crm-v2.json: filed under a provider, found by externalId only by that provider,
 * read back after the office acted on it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ServiceTitanRejectedError } from "../../../lib/errors.ts";
import { createServiceTitanClient } from "../../../lib/servicetitan/client.ts";
import {
  type CreateBookingRequest,
  createBooking,
  getBooking,
  listBookingProviderTags,
  listBookingsByExternalId,
} from "../../../lib/servicetitan/endpoints/bookings.ts";
import { createJob } from "../../../lib/servicetitan/endpoints/jpm.ts";
import type { ServiceTitanHttp } from "../../../lib/servicetitan/types.ts";
import { seedIds } from "../../../sandbox/server.ts";
import { useTestSandbox } from "../../support/sandbox.ts";

const sandbox = useTestSandbox();
const provider = seedIds.bookingProviderTags.onlineStore;
const request = (externalId: string): CreateBookingRequest => ({
  source: "test-store",
  name: "Testy McTestface",
  summary: "Service order 1",
  isFirstTimeClient: true,
  externalId,
});

let http: ServiceTitanHttp;
beforeAll(() => {
  http = createServiceTitanClient({
    settings: { apiUrl: sandbox.apiUrl, authUrl: sandbox.authUrl, tenantId: sandbox.tenantId, ...sandbox.credentials },
  });
});

describe("booking-provider bookings", () => {
  it("files a booking under the provider and finds it by its exact externalId, for that provider only", async () => {
    // Prepare + Act
    const created = await createBooking(http, provider, request("test-store:B-1"));
    await createBooking(http, provider, request("test-store:B-10"));
    const found = await listBookingsByExternalId(http, provider, "test-store:B-1");
    const otherProvider = await listBookingsByExternalId(http, seedIds.bookingProviderTags.retired, "test-store:B-1");

    // Assess
    expect(created.status).toBe("New");
    expect(sandbox.state.bookings.get(created.id)?.bookingProviderId).toBe(provider);
    expect(found.map((b) => b.id)).toEqual([created.id]);
    expect(otherProvider).toEqual([]);
  });

  it("reads back what the office did: converted with its job, or dismissed", async () => {
    // Prepare
    const converted = await createBooking(http, provider, request("test-store:B-2"));
    const dismissed = await createBooking(http, provider, request("test-store:B-3"));
    // The job a CSR books from the booking (ServiceTitan's Jobs_Create takes the booking's id).
    const { id: jobId } = await createJob(http, {
      customerId: seedIds.customers.testy,
      locationId: seedIds.locations.testyHome,
      businessUnitId: seedIds.businessUnits.residentialService,
      jobTypeId: seedIds.jobTypes.serviceVisit,
      priority: "Normal",
      campaignId: seedIds.campaigns.onlineStore,
      appointments: [{ start: "2026-03-02T14:00:00Z", end: "2026-03-02T18:00:00Z" }],
    });

    // Act
    sandbox.office.acceptBooking(converted.id);
    sandbox.office.convertBooking(converted.id, jobId);
    sandbox.office.dismissBooking(dismissed.id);

    // Assess
    expect(await getBooking(http, provider, converted.id)).toMatchObject({ status: "Converted", jobId });
    expect(sandbox.state.jobs.get(jobId)?.bookingId).toBe(converted.id);
    expect(await getBooking(http, provider, dismissed.id)).toMatchObject({ status: "Dismissed" });
  });

  it("answers 404 for a booking of another provider", async () => {
    // Prepare
    const booking = await createBooking(http, provider, request("test-store:B-4"));

    // Act
    const read = getBooking(http, seedIds.bookingProviderTags.retired, booking.id);

    // Assess
    await expect(read).rejects.toBeInstanceOf(ServiceTitanRejectedError);
    await expect(read).rejects.toMatchObject({ status: 404 });
  });

  it("lists provider tags by id, with their active flag", async () => {
    // Act
    const page = await listBookingProviderTags(http, { ids: [provider, seedIds.bookingProviderTags.retired] });

    // Assess
    expect(page.data.map((t) => [t.id, t.active])).toEqual([
      [provider, true],
      [seedIds.bookingProviderTags.retired, false],
    ]);
  });
});
