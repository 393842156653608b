/** Every operation the sandbox serves, in match order (literal paths before parameterised ones). */
import type { Route } from "../router.ts";
import { accountingRoutes } from "./accounting.ts";
import { bookingRoutes } from "./crm-bookings.ts";
import { contactRoutes } from "./crm-contacts.ts";
import { customerRoutes } from "./crm-customers.ts";
import { exportRoutes } from "./crm-export.ts";
import { locationRoutes } from "./crm-locations.ts";
import { jobCancelRoutes } from "./job-cancel.ts";
import { jobNoteRoutes } from "./job-notes.ts";
import { jpmRoutes } from "./jpm.ts";
import { membershipRoutes } from "./memberships.ts";
import { paymentRoutes } from "./payments.ts";
import { pricebookRoutes } from "./pricebook.ts";
import { settingsRoutes } from "./settings.ts";

export const routes: readonly Route[] = [
  ...exportRoutes,
  ...customerRoutes,
  ...locationRoutes,
  ...contactRoutes,
  ...bookingRoutes,
  ...pricebookRoutes,
  ...jobNoteRoutes,
  ...jobCancelRoutes,
  ...jpmRoutes,
  ...accountingRoutes,
  ...paymentRoutes,
  ...settingsRoutes,
  ...membershipRoutes,
];
