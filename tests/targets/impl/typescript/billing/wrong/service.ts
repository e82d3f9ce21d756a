// A deliberately wrong implementation: no currency checks, totals ignore quantities,
// payments never mark an invoice paid.
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
    const currency = first.unitPrice.currency;
    const total = lines.reduce((sum, l) => sum + l.unitPrice.amountMinor, 0);
    return {
      id: "inv_1",
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
    return { ...invoice, status: "issued" };
  }

  async applyPayment(invoice: api.Invoice, amount: common.Money): Promise<api.Invoice> {
    const paid = invoice.paid.amountMinor + amount.amountMinor;
    return { ...invoice, paid: { amountMinor: paid, currency: invoice.total.currency } };
  }

  async amountDue(invoice: api.Invoice): Promise<common.Money> {
    return invoice.total;
  }

  async getInvoice(_id: string): Promise<api.Invoice> {
    throw new api.UnknownInvoice();
  }
}

export function createService(): api.BillingService {
  return new Billing();
}
