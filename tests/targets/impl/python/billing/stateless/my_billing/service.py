"""A stateless implementation: every answer is computed from the call's arguments alone.
Each operation that takes an invoice is right; what it cannot do is read one back."""

from __future__ import annotations

import datetime

import billing
import common


class Billing:
    """In-memory billing; a fresh instance per conformance test."""

    def __init__(self) -> None:
        self.next_id = 1
        self.invoices: dict[str, billing.Invoice] = {}

    def keep(self, invoice: billing.Invoice) -> billing.Invoice:
        """Remember the latest state of every invoice returned (bil13)."""
        return invoice  # nothing is remembered

    def create_invoice(
        self,
        customer: common.CustomerId,
        lines: list[billing.LineItem],
        due: datetime.date | None = None,
    ) -> billing.Invoice:
        if not lines:
            raise billing.EmptyInvoice()
        for i, line in enumerate(lines):
            if line.quantity < 1:
                raise billing.InvalidQuantity(i)
        currency = lines[0].unit_price.currency
        if any(line.unit_price.currency != currency for line in lines):
            raise billing.MixedCurrencies()
        total = sum(line.quantity * line.unit_price.amount_minor for line in lines)
        invoice_id = f"{billing.INVOICE_ID_PREFIX}{self.next_id}"
        self.next_id += 1
        invoice = billing.Invoice(
            id=invoice_id,
            customer=customer,
            lines=lines,
            total=common.Money(amount_minor=total, currency=currency),
            paid=common.Money(amount_minor=0, currency=currency),
            status=billing.InvoiceStatus.DRAFT,
            due=due,
            labels={},
        )
        return self.keep(invoice)

    def issue_invoice(self, invoice: billing.Invoice) -> billing.Invoice:
        if invoice.status is not billing.InvoiceStatus.DRAFT:
            raise billing.InvoiceNotDraft()
        return self.keep(invoice.model_copy(update={"status": billing.InvoiceStatus.ISSUED}))

    def apply_payment(self, invoice: billing.Invoice, amount: common.Money) -> billing.Invoice:
        if amount.currency != invoice.total.currency:
            raise billing.CurrencyMismatch()
        due = invoice.total.amount_minor - invoice.paid.amount_minor
        if amount.amount_minor > due:
            raise billing.Overpayment()
        paid = invoice.paid.amount_minor + amount.amount_minor
        status = (
            billing.InvoiceStatus.PAID if paid == invoice.total.amount_minor else invoice.status
        )
        return self.keep(
            invoice.model_copy(
                update={
                    "paid": common.Money(amount_minor=paid, currency=invoice.total.currency),
                    "status": status,
                }
            )
        )

    def amount_due(self, invoice: billing.Invoice) -> common.Money:
        return common.Money(
            amount_minor=invoice.total.amount_minor - invoice.paid.amount_minor,
            currency=invoice.total.currency,
        )

    def get_invoice(self, id: str) -> billing.Invoice:
        raise billing.UnknownInvoice()


def make_service() -> billing.BillingService:
    """The factory the conformance suite calls (SPECLOOM_BILLING_FACTORY)."""
    return Billing()
