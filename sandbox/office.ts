/**
 * What the contractor's office does in ServiceTitan's own screens, straight on the sandbox state (no
 * API call, nothing in the exchange log): create a customer with contacts, add, edit or remove a
 * contact, merge duplicates, deactivate; accept, convert or dismiss a booking on the Calls screen. Tests use it to change the tenant behind the worker's back,
 * e.g. "a customer the office created 30 seconds ago" or "a merge between backfill and order".
 *
 * Every action stamps `modifiedOn` from the tenant clock, so the export feeds deliver the changed
 * records again (after the 15-minute window, or at once with `includeRecentChanges=true`), and on a
 * tenant with Contact Management the contacts model follows.
 *
 * ServiceTitan has no way to delete a customer or a location (neither the API nor, as far as public
 * help pages say, the office screens): they are deactivated or merged. Contacts can be removed.
 *
 * UNCONFIRMED (choose with `MergeOptions`): whether a merge moves the duplicate's locations and
 * contacts to the surviving customer. By default they stay on the duplicate, which only turns
 * inactive and points at the survivor with `mergedToId`.
 */
import { resyncContactsModel } from "./contact-management.ts";
import {
  addCustomerContact,
  addLocationContact,
  type ContactInput,
  copyLocationContactToCustomer,
} from "./contacts-model.ts";
import { ApiProblem } from "./problem.ts";
import { createCustomerRecord, createLocationRecord, type NewAddress } from "./routes/crm-records.ts";
import {
  type Address,
  type CustomerRecord,
  type CustomerType,
  type JobRecord,
  type LegacyContactRecord,
  type LocationRecord,
  nowIso,
  type SandboxState,
  touch,
} from "./state.ts";

export interface OfficeLocationInput {
  /** Default: the customer's name. */
  name?: string;
  /** Default: the customer's bill-to address. */
  address?: NewAddress;
  contacts?: ContactInput[];
  tagTypeIds?: number[];
}

export interface OfficeCustomerInput {
  name: string;
  type?: CustomerType;
  /** `country` defaults to USA, `unit` and coordinates to null. */
  address: NewAddress;
  contacts?: ContactInput[];
  /** Default: one location at the bill-to address (ServiceTitan requires one). */
  locations?: OfficeLocationInput[];
  tagTypeIds?: number[];
}

export interface OfficeCustomer {
  customer: CustomerRecord;
  locations: LocationRecord[];
  /** The customer's own contacts (location contacts are copied onto the customer, as ServiceTitan does). */
  contacts: LegacyContactRecord[];
}

export interface MergeOptions {
  /** Move the duplicate's locations to the survivor (UNCONFIRMED whether ServiceTitan does); default false. */
  moveLocations?: boolean;
  /**
   * Move the duplicate's own contacts to the survivor: the survivor gets the values it lacks as new
   * contacts, the duplicate's are removed (UNCONFIRMED whether ServiceTitan does); default false.
   */
  moveContacts?: boolean;
}

export interface SandboxOffice {
  /** A customer with its locations and contacts, entered by the office (createdById = the office user). */
  createCustomer(input: OfficeCustomerInput): OfficeCustomer;
  /** A new location of the customer; its contacts are copied onto the customer too. */
  addLocation(customerId: number, input?: OfficeLocationInput): LocationRecord;
  addContact(customerId: number, contact: ContactInput): LegacyContactRecord;
  addLocationContact(locationId: number, contact: ContactInput): LegacyContactRecord;
  /** Changes a customer or location contact in place (same id, new `modifiedOn`). */
  editContact(contactId: number, patch: Partial<ContactInput>): LegacyContactRecord;
  /** Removes a contact: gone from the lists, exported once more with `active: false`. */
  removeContact(contactId: number): void;
  /** Renames, readdresses or retags a customer. */
  editCustomer(customerId: number, patch: { name?: string; address?: Partial<Address>; tagTypeIds?: number[] }): void;
  /** Merges `duplicateId` into `survivorId`: the duplicate turns inactive with `mergedToId` = survivor. */
  mergeCustomers(duplicateId: number, survivorId: number, options?: MergeOptions): void;
  deactivateCustomer(customerId: number): void;
  reactivateCustomer(customerId: number): void;
  deactivateLocation(locationId: number): void;
  /** A CSR accepts a booking on the Calls screen (status `Accepted`). */
  acceptBooking(bookingId: number): void;
  /** A CSR books the job `jobId` from the booking (status `Converted`, `jobId` set, the job's `bookingId` too). */
  convertBooking(bookingId: number, jobId: number): void;
  /** A CSR dismisses the booking (status `Dismissed`). */
  dismissBooking(bookingId: number): void;
  /**
   * Moves a job on as a dispatcher or technician would (`Dispatched`, `InProgress`, `Hold`,
   * `Completed`; `Canceled` as if cancelled in ServiceTitan's screens). Its appointments follow.
   */
  setJobStatus(jobId: number, status: JobRecord["jobStatus"]): void;
}

function need<T>(record: T | undefined, what: string): T {
  if (record === undefined) throw new ApiProblem(404, `office: ${what} not found`);
  return record;
}

export function createOffice(state: SandboxState): SandboxOffice {
  const customerOf = (id: number) => need(state.customers.get(id), `customer ${id}`);
  const locationOf = (id: number) => need(state.locations.get(id), `location ${id}`);
  const contactOf = (id: number) =>
    need(state.customerContacts.get(id) ?? state.locationContacts.get(id), `contact ${id}`);
  const ownerOf = (c: LegacyContactRecord) => c.customerId ?? state.locations.get(c.locationId ?? -1)?.customerId;
  /** In "contact-and-owner" mode a contact's `active` follows its customer, so its row must come round again. */
  const touchContactsOf = (customerId: number, at: string) => {
    if (state.feeds.contactActive !== "contact-and-owner") return;
    for (const c of state.customerContacts.values()) if (c.customerId === customerId) touch(state, c, at);
  };

  const addLocation = (customerId: number, input: OfficeLocationInput = {}, at = nowIso(state)): LocationRecord => {
    const customer = customerOf(customerId);
    const location = { ...input, name: input.name ?? customer.name, address: input.address ?? customer.address };
    return createLocationRecord(state, customerId, location, at, state.officeUserId);
  };

  const bookingOf = (id: number) => need(state.bookings.get(id), `booking ${id}`);
  const setBookingStatus = (id: number, status: "Accepted" | "Converted" | "Dismissed") => {
    const booking = bookingOf(id);
    booking.status = status;
    touch(state, booking);
    return booking;
  };
  const jobOf = (id: number) => need(state.jobs.get(id), `job ${id}`);

  const office: SandboxOffice = {
    createCustomer(input) {
      const at = nowIso(state);
      const customer = createCustomerRecord(state, input, at, state.officeUserId);
      const locations = (input.locations ?? [{}]).map((l) => addLocation(customer.id, l, at));
      const contacts = [...state.customerContacts.values()].filter((c) => c.customerId === customer.id);
      return { customer, locations, contacts };
    },

    addLocation: (customerId, input) => addLocation(customerId, input),

    addContact(customerId, contact) {
      customerOf(customerId);
      return addCustomerContact(state, customerId, contact);
    },

    addLocationContact(locationId, contact) {
      const location = locationOf(locationId);
      return addLocationContact(state, location.customerId, locationId, contact);
    },

    editContact(contactId, patch) {
      const contact = contactOf(contactId);
      if (patch.type !== undefined) contact.type = patch.type;
      if (patch.value !== undefined) contact.value = patch.value;
      if (patch.memo !== undefined) contact.memo = patch.memo;
      const at = nowIso(state);
      touch(state, contact, at);
      const owner = ownerOf(contact);
      if (owner !== undefined) resyncContactsModel(state, owner, at);
      return contact;
    },

    removeContact(contactId) {
      const contact = contactOf(contactId);
      state.customerContacts.delete(contactId);
      state.locationContacts.delete(contactId);
      const at = nowIso(state);
      touch(state, contact, at);
      state.removedContacts.set(contactId, contact);
      const owner = ownerOf(contact);
      if (owner !== undefined) resyncContactsModel(state, owner, at);
    },

    editCustomer(customerId, patch) {
      const customer = customerOf(customerId);
      if (patch.name !== undefined) customer.name = patch.name;
      if (patch.address !== undefined) customer.address = { ...customer.address, ...patch.address };
      if (patch.tagTypeIds !== undefined) customer.tagTypeIds = [...patch.tagTypeIds];
      touch(state, customer);
    },

    mergeCustomers(duplicateId, survivorId, options = {}) {
      if (duplicateId === survivorId) throw new ApiProblem(400, "office: a customer can't be merged into itself");
      const duplicate = customerOf(duplicateId);
      customerOf(survivorId);
      const at = nowIso(state);
      duplicate.active = false;
      duplicate.mergedToId = survivorId;
      touch(state, duplicate, at);
      if (options.moveLocations) {
        for (const location of state.locations.values()) {
          if (location.customerId !== duplicateId) continue;
          location.customerId = survivorId;
          touch(state, location, at);
        }
      }
      if (options.moveContacts) {
        for (const contact of [...state.customerContacts.values()].filter((c) => c.customerId === duplicateId)) {
          copyLocationContactToCustomer(state, survivorId, contact, at);
          office.removeContact(contact.id);
        }
      }
      touchContactsOf(duplicateId, at);
      resyncContactsModel(state, survivorId, at);
      resyncContactsModel(state, duplicateId, at);
    },

    deactivateCustomer(customerId) {
      const customer = customerOf(customerId);
      const at = nowIso(state);
      customer.active = false;
      touch(state, customer, at);
      touchContactsOf(customerId, at);
    },

    reactivateCustomer(customerId) {
      const customer = customerOf(customerId);
      const at = nowIso(state);
      customer.active = true;
      customer.mergedToId = null;
      touch(state, customer, at);
      touchContactsOf(customerId, at);
    },

    acceptBooking: (bookingId) => void setBookingStatus(bookingId, "Accepted"),

    convertBooking(bookingId, jobId) {
      const job = need(state.jobs.get(jobId), `job ${jobId}`);
      const booking = setBookingStatus(bookingId, "Converted");
      booking.jobId = job.id;
      job.bookingId = booking.id;
      touch(state, job);
    },

    dismissBooking: (bookingId) => void setBookingStatus(bookingId, "Dismissed"),

    deactivateLocation(locationId) {
      const location = locationOf(locationId);
      const at = nowIso(state);
      location.active = false;
      touch(state, location, at);
      if (state.feeds.contactActive === "contact-and-owner") {
        for (const c of state.locationContacts.values()) if (c.locationId === locationId) touch(state, c, at);
      }
    },

    setJobStatus(jobId, status) {
      const job = jobOf(jobId);
      const at = nowIso(state);
      job.jobStatus = status;
      job.completedOn = status === "Completed" ? at : null;
      touch(state, job, at);
      const appointmentStatus = status === "Completed" ? "Done" : status === "InProgress" ? "Working" : status;
      for (const id of job.appointmentIds) {
        const appointment = state.appointments.get(id);
        if (appointment) Object.assign(appointment, { status: appointmentStatus, modifiedOn: at });
      }
    },
  };
  return office;
}
