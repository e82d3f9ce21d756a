//! A correct implementation of the billing spec.

use billing::{BillingService, Error, Invoice, InvoiceStatus, LineItem, INVOICE_ID_PREFIX};
use common::Money;
use std::collections::BTreeMap;

#[derive(Default)]
pub struct Billing {
    next: u64,
    invoices: BTreeMap<String, Invoice>,
}

impl Billing {
    /// Keeps the latest state of every invoice the service returns (bil13).
    fn keep(&mut self, invoice: Invoice) -> Result<Invoice, Error> {
        self.invoices.insert(invoice.id.clone(), invoice.clone());
        Ok(invoice)
    }
}

impl BillingService for Billing {
    fn create_invoice(
        &mut self,
        customer: String,
        lines: Vec<LineItem>,
        due: Option<String>,
    ) -> Result<Invoice, Error> {
        let first = lines.first().ok_or(Error::EmptyInvoice)?;
        for (i, line) in lines.iter().enumerate() {
            if line.quantity < 1 {
                return Err(Error::InvalidQuantity { line: i as i32 });
            }
        }
        let currency = first.unit_price.currency.clone();
        if lines.iter().any(|l| l.unit_price.currency != currency) {
            return Err(Error::MixedCurrencies);
        }
        let total: i64 = lines
            .iter()
            .map(|l| i64::from(l.quantity) * l.unit_price.amount_minor)
            .sum();
        self.next += 1;
        self.keep(Invoice {
            id: format!("{INVOICE_ID_PREFIX}{}", self.next),
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
        if invoice.status != InvoiceStatus::Draft {
            return Err(Error::InvoiceNotDraft);
        }
        self.keep(Invoice { status: InvoiceStatus::Issued, ..invoice })
    }

    fn apply_payment(&mut self, invoice: Invoice, amount: Money) -> Result<Invoice, Error> {
        if amount.currency != invoice.total.currency {
            return Err(Error::CurrencyMismatch);
        }
        let due = invoice.total.amount_minor - invoice.paid.amount_minor;
        if amount.amount_minor > due {
            return Err(Error::Overpayment);
        }
        let paid = invoice.paid.amount_minor + amount.amount_minor;
        let status = if paid == invoice.total.amount_minor {
            InvoiceStatus::Paid
        } else {
            invoice.status
        };
        let currency = invoice.total.currency.clone();
        self.keep(Invoice { paid: Money { amount_minor: paid, currency }, status, ..invoice })
    }

    fn amount_due(&mut self, invoice: Invoice) -> Result<Money, Error> {
        Ok(Money {
            amount_minor: invoice.total.amount_minor - invoice.paid.amount_minor,
            currency: invoice.total.currency,
        })
    }

    fn get_invoice(&mut self, id: String) -> Result<Invoice, Error> {
        self.invoices.get(&id).cloned().ok_or(Error::UnknownInvoice)
    }
}
