//! A deliberately wrong implementation: no currency checks, totals ignore quantities,
//! payments never mark an invoice paid.

use billing::{BillingService, Error, Invoice, InvoiceStatus, LineItem};
use common::Money;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Billing;

impl BillingService for Billing {
    fn create_invoice(
        &mut self,
        customer: String,
        lines: Vec<LineItem>,
        due: Option<String>,
    ) -> Result<Invoice, Error> {
        let first = lines.first().ok_or(Error::EmptyInvoice)?;
        let currency = first.unit_price.currency.clone();
        let total: i64 = lines.iter().map(|l| l.unit_price.amount_minor).sum();
        Ok(Invoice {
            id: String::from("1"),
            customer,
            lines,
            total: Money { amount_minor: total, currency: currency.clone() },
            paid: Money { amount_minor: 0, currency },
            status: InvoiceStatus::Draft,
            due,
            labels: BTreeMap::new(),
        })
    }

    fn issue_invoice(&mut self, invoice: Invoice) -> Result<Invoice, Error> {
        Ok(Invoice { status: InvoiceStatus::Issued, ..invoice })
    }

    fn apply_payment(&mut self, invoice: Invoice, amount: Money) -> Result<Invoice, Error> {
        let paid = invoice.paid.amount_minor + amount.amount_minor;
        let currency = invoice.total.currency.clone();
        Ok(Invoice { paid: Money { amount_minor: paid, currency }, ..invoice })
    }

    fn amount_due(&mut self, invoice: Invoice) -> Result<Money, Error> {
        Ok(invoice.total)
    }

    fn get_invoice(&mut self, _id: String) -> Result<Invoice, Error> {
        Err(Error::UnknownInvoice)
    }
}
