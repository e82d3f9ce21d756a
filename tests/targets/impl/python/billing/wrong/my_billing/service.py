"""Deliberate bugs: no currency checks, totals ignore quantities, payments never mark an
invoice paid, issuing any invoice succeeds. It type-checks: only the suite can tell."""

from __future__ import annotations

import datetime

import billing
import common


class Billing:
    def create_invoice(
        self,
        customer: common.CustomerId,
        lines: list[billing.LineItem],
        due: datetime.date | None = None,
    ) -> billing.Invoice:
        if not lines:
            raise billing.EmptyInvoice()
        currency = lines[0].unit_price.currency
        total = sum(line.unit_price.amount_minor for line in lines)
        return billing.Invoice(
            id="1",
            customer=customer,
            lines=lines,
            total=common.Money(amount_minor=total, currency=currency),
            paid=common.Money(amount_minor=0, currency=currency),
            status=billing.InvoiceStatus.DRAFT,
            due=due,
            labels={},
        )

    def issue_invoice(self, invoice: billing.Invoice) -> billing.Invoice:
        return invoice.model_copy(update={"status": billing.InvoiceStatus.ISSUED})

    def apply_payment(self, invoice: billing.Invoice, amount: common.Money) -> billing.Invoice:
        paid = invoice.paid.amount_minor + amount.amount_minor
        return invoice.model_copy(
            update={"paid": common.Money(amount_minor=paid, currency=invoice.total.currency)}
        )

    def amount_due(self, invoice: billing.Invoice) -> common.Money:
        return invoice.total

    def get_invoice(self, id: str) -> billing.Invoice:
        raise billing.UnknownInvoice()


def make_service() -> billing.BillingService:
    return Billing()
