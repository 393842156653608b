/**
 * Opt-in (`money.payments.record`): the storefront's payment recorded on the job's invoice, so
 * ServiceTitan doesn't show an open balance for money the store already collected.
 *
 * `Payments_Create` is gone from the current accounting document and deprecated (api-notes §0 item
 * 9); whether tenants still accept it is UNCONFIRMED. So it never fails an order: a 404/405/410
 * turns recording off for the container (reported once), any other refusal leaves this order's
 * payment unrecorded, and either way the job gets a note saying so (the invoice summary says "paid
 * online" regardless). Transient failures are retried with the order.
 *
 * Never twice: payments carry no externalData and ServiceTitan has no idempotency key, so a resumed
 * order first looks at the payments applied to its invoice for one carrying its memo, and the ledger
 * checkpoints the payment id as soon as it exists. A fresh order's invoice was created by this very
 * attempt, so it can't hold a payment of ours and costs no look-up.
 */
import { ServiceTitanRejectedError } from "../errors.ts";
import type { Order, OrderPayment } from "../order/event-schema.ts";
import { centsToDecimal, decimalToCents } from "../order/money.ts";
import { createPayment, listInvoicePayments, type Payment } from "../servicetitan/endpoints/accounting.ts";
import type { ServiceTitanHttp } from "../servicetitan/types.ts";

/** What removal of an operation looks like: not found, method not allowed, gone. */
const removedStatuses: ReadonlySet<number> = new Set([404, 405, 410]);

export const PaymentNotRecorded = {
  /** ServiceTitan answered 404/405/410: the operation is gone; recording is off for the container. */
  Unavailable: "unavailable",
  /** ServiceTitan refused this payment (400/409/422…). */
  Rejected: "rejected",
} as const;
export type PaymentNotRecorded = (typeof PaymentNotRecorded)[keyof typeof PaymentNotRecorded];

/** Per container: whether `Payments_Create` is still worth calling. */
export class PaymentRecording {
  #available = true;
  constructor(private readonly onUnavailable: (details: { status: number }) => void = () => {}) {}

  get available(): boolean {
    return this.#available;
  }

  /** Turns recording off until the next deployment (new containers); reports only the first time. */
  markUnavailable(status: number): void {
    if (!this.#available) return;
    this.#available = false;
    this.onUnavailable({ status });
  }
}

/** The memo that marks a payment as this order's: how a resumed order finds it. */
export function paymentMemo(orderKey: string): string {
  return `Online store payment, order ${orderKey}`;
}

export interface RecordPaymentInput {
  typeId: number;
  order: Order;
  payment: OrderPayment;
  orderKey: string;
  customerId: number;
  invoiceId: number;
  /** True when an earlier attempt may have created the payment (resumed order). */
  mayExist: boolean;
  /** Records the payment id in the ledger before anything else happens. */
  checkpoint: (paymentId: number) => Promise<void>;
}

export type RecordPaymentResult = { paymentId: number } | { notRecorded: PaymentNotRecorded };

export async function recordPayment(
  http: ServiceTitanHttp,
  recording: PaymentRecording,
  input: RecordPaymentInput,
): Promise<RecordPaymentResult> {
  if (input.mayExist) {
    const existing = findOrderPayment(await listInvoicePayments(http, input.invoiceId), input);
    if (existing) {
      await input.checkpoint(existing.id);
      return { paymentId: existing.id };
    }
  }
  if (!recording.available) return { notRecorded: PaymentNotRecorded.Unavailable };
  const amount = centsToDecimal(input.payment.amountCents);
  try {
    const created = await createPayment(http, {
      typeId: input.typeId,
      amount,
      customerId: input.customerId,
      memo: paymentMemo(input.orderKey),
      paidOn: new Date(input.payment.paidAt).toISOString(),
      ...(input.payment.reference ? { authCode: input.payment.reference } : {}),
      splits: [{ invoiceId: input.invoiceId, amount }],
    });
    await input.checkpoint(created.id);
    return { paymentId: created.id };
  } catch (error) {
    if (!(error instanceof ServiceTitanRejectedError)) throw error;
    if (removedStatuses.has(error.status)) {
      recording.markUnavailable(error.status);
      return { notRecorded: PaymentNotRecorded.Unavailable };
    }
    return { notRecorded: PaymentNotRecorded.Rejected };
  }
}

/** Our memo on an active payment applied to the invoice; or, if the memo was edited, our type and amount. */
function findOrderPayment(payments: readonly Payment[], input: RecordPaymentInput): Payment | undefined {
  const active = payments.filter((p) => p.active);
  return (
    active.find((p) => p.memo?.includes(paymentMemo(input.orderKey))) ??
    active.find((p) => p.typeId === String(input.typeId) && decimalToCents(p.total) === input.payment.amountCents)
  );
}
