//! A stateless implementation: every answer is computed from the call's arguments alone.
//! Each operation that takes an invoice is right; what it cannot do is read one back.

use billing::{BillingService, Error, Invoice, InvoiceStatus, LineItem, INVOICE_ID_PREFIX};
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
        Ok(Invoice {
            id: format!("{INVOICE_ID_PREFIX}{customer}"),
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
        Ok(Invoice { status: InvoiceStatus::Issued, ..invoice })
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
        Ok(Invoice { paid: Money { amount_minor: paid, currency }, status, ..invoice })
    }

    fn amount_due(&mut self, invoice: Invoice) -> Result<Money, Error> {
        Ok(Money {
            amount_minor: invoice.total.amount_minor - invoice.paid.amount_minor,
            currency: invoice.total.currency,
        })
    }

    fn get_invoice(&mut self, id: String) -> Result<Invoice, Error> {
        // Nothing was kept: answer from the identifier alone.
        let customer = id.strip_prefix(INVOICE_ID_PREFIX).ok_or(Error::UnknownInvoice)?.to_string();
        let zero = Money { amount_minor: 0, currency: String::from("EUR") };
        Ok(Invoice {
            id,
            customer,
            lines: Vec::new(),
            total: zero.clone(),
            paid: zero,
            status: InvoiceStatus::Draft,
            due: None,
            labels: BTreeMap::new(),
        })
    }
}
