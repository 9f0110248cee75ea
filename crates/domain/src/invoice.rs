//! Purchase invoices from providers, as Kumppani keeps them once received: the invoice's own
//! figures, the commitments it bills, and where it stands. An invoice never names a client: it
//! bills a payment commitment by its number, and one that carries a personal identity code
//! anywhere is quarantined (the code itself is never stored).
//!
//! Exact decimals (quantities, unit prices) are kept as the decimal strings the invoice wrote;
//! sums are [`Money`].

use crate::money::Money;
use crate::validate::FieldErrors;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How the invoice came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Uploaded on the provider's invoice page.
    Upload,
    /// `POST /api/v1/invoices` with the provider's API key.
    Api,
    /// `kumppani invoices import DIR`: the operator's drop folder, fed by the county's
    /// e-invoice operator.
    Import,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Upload => "upload",
            Channel::Api => "api",
            Channel::Import => "import",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

/// Where a received invoice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Kept aside for a person to look at, with a [`QuarantineReason`]; it goes no further.
    Quarantined,
    /// Linked, but a month it bills has no approved report yet: no report, no payment (seed
    /// 001). Released by the report's approval.
    Held,
    /// Matched against the commitments and the confirmed visits; waiting for the checker.
    ToCheck,
    /// Checked by one person; above the threshold, waiting for another to approve it.
    Checked,
    /// Approved for payment, in full or in part ([`ReceivedInvoice::approved_amount`]).
    Approved,
    /// Returned to the provider with the reason (reklamaatio).
    Returned,
    /// The provider is asked for a credit note, with the reason.
    CreditRequested,
    /// Approved and handed to accounts payable in a numbered export.
    Exported,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 8] = [
        InvoiceStatus::Quarantined,
        InvoiceStatus::Held,
        InvoiceStatus::ToCheck,
        InvoiceStatus::Checked,
        InvoiceStatus::Approved,
        InvoiceStatus::Returned,
        InvoiceStatus::CreditRequested,
        InvoiceStatus::Exported,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InvoiceStatus::Quarantined => "quarantined",
            InvoiceStatus::Held => "held",
            InvoiceStatus::ToCheck => "to_check",
            InvoiceStatus::Checked => "checked",
            InvoiceStatus::Approved => "approved",
            InvoiceStatus::Returned => "returned",
            InvoiceStatus::CreditRequested => "credit_requested",
            InvoiceStatus::Exported => "exported",
        }
    }

    /// Whether the invoice counts as billed: everything but an invoice kept aside or returned.
    pub fn counts(self) -> bool {
        !matches!(self, InvoiceStatus::Quarantined | InvoiceStatus::Returned)
    }

    /// Whether it is paid or to be paid: approved, or approved and exported.
    pub fn approved(self) -> bool {
        matches!(self, InvoiceStatus::Approved | InvoiceStatus::Exported)
    }
}

/// What the purchaser's controllers do with a matched invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStep {
    Check,
    Approve,
    Return,
    RequestCredit,
}

impl InvoiceStep {
    pub const ALL: [InvoiceStep; 4] = [
        InvoiceStep::Check,
        InvoiceStep::Approve,
        InvoiceStep::Return,
        InvoiceStep::RequestCredit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            InvoiceStep::Check => "check",
            InvoiceStep::Approve => "approve",
            InvoiceStep::Return => "return",
            InvoiceStep::RequestCredit => "request_credit",
        }
    }

    pub fn parse(s: &str) -> Option<InvoiceStep> {
        InvoiceStep::ALL.into_iter().find(|k| k.code() == s.trim())
    }
}

/// A step taken on an invoice, for its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDecision {
    pub step: InvoiceStep,
    pub by: Uuid,
    pub by_name: String,
    pub at: DateTime<Utc>,
    /// The amount approved, for an approval.
    pub amount: Option<Money>,
    pub reason: String,
}

/// A controller's decision as submitted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    /// `check`, `approve`, `return` or `request_credit`.
    pub step: String,
    /// For an approval in part: the amount approved, as typed (`850,00`); empty approves the
    /// amount due in full.
    pub amount: String,
    pub reason: String,
}

/// What a valid decision does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub step: InvoiceStep,
    pub status: InvoiceStatus,
    pub amount: Option<Money>,
    pub reason: String,
}

impl ReceivedInvoice {
    /// What the purchaser pays on it, once approved: the approved amount (the payable sum
    /// unless approved in part), negative for a credit note. `None` before approval. The
    /// budget's actual cost and the published payments are this figure.
    pub fn paid(&self) -> Option<Money> {
        if !self.status.approved() {
            return None;
        }
        let cents = self.approved_amount.unwrap_or(self.payable).cents().abs();
        Some(Money::from_cents(match self.kind {
            InvoiceKind::CreditNote => -cents,
            InvoiceKind::Invoice => cents,
        }))
    }

    /// What the match finds due: the payable less every discrepancy's amount at stake (the
    /// fee reduction of an uncorrected deviation among them), never below zero. The figure the
    /// checker is offered; the approval still states its own amount and reason.
    pub fn due_after_match(&self) -> Money {
        let at_stake: i64 = self.discrepancies.iter().map(|d| d.at_stake.cents()).sum();
        let payable = self.payable.cents().abs();
        Money::from_cents((payable - at_stake).clamp(0, payable))
    }

    /// Who checked it, if anyone has.
    pub fn checker(&self) -> Option<Uuid> {
        self.decisions
            .iter()
            .rev()
            .find(|d| d.step == InvoiceStep::Check)
            .map(|d| d.by)
    }

    /// Validates a decision by `actor` against where the invoice stands and the two-person rule:
    /// above `threshold` (of the amount due) a checker and a different approver are both
    /// needed; at or below it one person may approve straight away.
    pub fn decide(
        &self,
        actor: Uuid,
        form: &DecisionForm,
        threshold: Money,
        lang: crate::locale::Lang,
    ) -> Result<Decided, FieldErrors> {
        let step = InvoiceStep::parse(&form.step)
            .ok_or_else(|| FieldErrors::single("step", "step-not-possible"))?;
        let reason: String = form.reason.trim().chars().take(2000).collect();
        let open = matches!(self.status, InvoiceStatus::ToCheck | InvoiceStatus::Checked);
        if !open {
            return Err(FieldErrors::single("step", "step-not-possible"));
        }
        let due = Money::from_cents(self.payable.cents().abs());
        let two_people = due.cents() > threshold.cents();
        match step {
            InvoiceStep::Check => {
                if self.status != InvoiceStatus::ToCheck {
                    return Err(FieldErrors::single("step", "step-not-possible"));
                }
                Ok(Decided {
                    step,
                    status: InvoiceStatus::Checked,
                    amount: None,
                    reason,
                })
            }
            InvoiceStep::Approve => {
                if two_people {
                    if self.status != InvoiceStatus::Checked {
                        return Err(FieldErrors::single("step", "invoice-needs-check"));
                    }
                    if self.checker() == Some(actor) {
                        return Err(FieldErrors::single("step", "invoice-same-person"));
                    }
                }
                let amount = if form.amount.trim().is_empty() {
                    due
                } else {
                    match Money::parse(&form.amount, lang) {
                        Ok(m) if m.cents() > 0 && m.cents() <= due.cents() => m,
                        _ => return Err(FieldErrors::single("amount", "invoice-amount-invalid")),
                    }
                };
                if amount != due && reason.is_empty() {
                    return Err(FieldErrors::single("reason", "required"));
                }
                Ok(Decided {
                    step,
                    status: InvoiceStatus::Approved,
                    amount: Some(amount),
                    reason,
                })
            }
            InvoiceStep::Return | InvoiceStep::RequestCredit => {
                if reason.is_empty() {
                    return Err(FieldErrors::single("reason", "required"));
                }
                Ok(Decided {
                    step,
                    status: if step == InvoiceStep::Return {
                        InvoiceStatus::Returned
                    } else {
                        InvoiceStatus::CreditRequested
                    },
                    amount: None,
                    reason,
                })
            }
        }
    }
}

/// A month an invoice waits for: the commitment's report of that month is not approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldMonth {
    pub commitment: String,
    /// The month's first day.
    pub month: NaiveDate,
}

/// Why an invoice that could be read is kept aside instead of going on to the match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuarantineReason {
    /// Something shaped like a personal identity code is in the file. Invoices bill
    /// commitments, never people; the code is overwritten in the kept file.
    IdentityCode,
    /// The seller's business ID is no organisation Kumppani knows.
    UnknownSeller,
    /// No commitment number in the buyer reference, the order reference or the lines, or one
    /// that names no commitment.
    UnknownCommitment,
    /// A commitment billed was sent to another provider than the seller.
    SellerNotProvider,
    /// A commitment billed was never accepted.
    CommitmentNotAccepted,
    /// A credit note that does not name an invoice of the seller that Kumppani received.
    CreditWithoutInvoice,
    /// The invoice's own sums do not add up (EN 16931 BR-CO-10…BR-CO-16).
    InconsistentTotals,
}

impl QuarantineReason {
    pub const ALL: [QuarantineReason; 7] = [
        QuarantineReason::IdentityCode,
        QuarantineReason::UnknownSeller,
        QuarantineReason::UnknownCommitment,
        QuarantineReason::SellerNotProvider,
        QuarantineReason::CommitmentNotAccepted,
        QuarantineReason::CreditWithoutInvoice,
        QuarantineReason::InconsistentTotals,
    ];

    pub fn code(self) -> &'static str {
        match self {
            QuarantineReason::IdentityCode => "identity-code",
            QuarantineReason::UnknownSeller => "unknown-seller",
            QuarantineReason::UnknownCommitment => "unknown-commitment",
            QuarantineReason::SellerNotProvider => "seller-not-provider",
            QuarantineReason::CommitmentNotAccepted => "commitment-not-accepted",
            QuarantineReason::CreditWithoutInvoice => "credit-without-invoice",
            QuarantineReason::InconsistentTotals => "inconsistent-totals",
        }
    }
}

/// Why a file was not taken in at all: nothing of it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// Not an e-invoice that can be read: not well-formed, a DTD, a wrong encoding, too large,
    /// another format. The reader's message says where.
    Unreadable,
    /// The same seller already sent an invoice with this number.
    Duplicate,
    /// The seller on the invoice is not the organisation sending it.
    NotSender,
    /// Neither a commitment nor the buyer's business ID names a purchaser Kumppani serves.
    UnknownBuyer,
}

impl Refusal {
    pub const ALL: [Refusal; 4] = [
        Refusal::Unreadable,
        Refusal::Duplicate,
        Refusal::NotSender,
        Refusal::UnknownBuyer,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Refusal::Unreadable => "invoice-unreadable",
            Refusal::Duplicate => "invoice-duplicate",
            Refusal::NotSender => "invoice-not-sender",
            Refusal::UnknownBuyer => "invoice-unknown-buyer",
        }
    }
}

/// One invoice line, as billed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The line's identifier on the invoice (EN 16931 BT-126).
    pub id: String,
    pub name: String,
    /// The seller's item identifier (EN 16931 BT-155), empty when absent.
    #[serde(default)]
    pub item: String,
    /// Decimal strings as written (`12.5`), empty when absent.
    pub quantity: String,
    /// UN/ECE Recommendation 20 (`HUR`, `DAY`) or as written.
    pub unit: String,
    pub unit_price: String,
    pub net: Money,
    /// UNTDID 5305 category and the rate as written (`E`, `0`).
    pub vat_category: String,
    pub vat_rate: String,
    /// The commitment the line bills: its own reference, or the invoice's when it names one.
    pub commitment: Option<String>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
}

/// A received invoice or credit note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedInvoice {
    pub kind: InvoiceKind,
    pub number: String,
    /// The seller's business ID as the invoice gives it, and the organisation it names.
    pub seller_business_id: String,
    pub seller_name: String,
    pub provider: Option<Uuid>,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub period_start: Option<NaiveDate>,
    pub period_end: Option<NaiveDate>,
    pub currency: String,
    /// The amount due as the invoice states it (EN 16931 BT-115), negative for a credit.
    pub payable: Money,
    pub vat_total: Money,
    /// The payment reference (viite) and account.
    pub reference: String,
    pub account: String,
    /// Commitment numbers the invoice names, and the commitments found for them.
    pub commitment_numbers: Vec<String>,
    pub commitments: Vec<Uuid>,
    /// For a credit note, the invoice numbers it credits, and the invoices found.
    pub credits: Vec<String>,
    pub credited: Vec<Uuid>,
    pub lines: Vec<InvoiceLine>,
    /// The EN 16931 rules the document breaks, as `rule location`.
    pub findings: Vec<String>,
    /// The months whose reports must be approved before it goes on.
    #[serde(default)]
    pub held_for: Vec<HeldMonth>,
    /// The three-way match, line by line, made once no month holds it.
    #[serde(default)]
    pub discrepancies: Vec<crate::settlement::Discrepancy>,
    /// Checks, approvals, returns and credit requests, oldest first.
    #[serde(default)]
    pub decisions: Vec<InvoiceDecision>,
    /// What was approved for payment (all of the amount due, or a part).
    #[serde(default)]
    pub approved_amount: Option<Money>,
    /// What its approval settled of each commitment and month it bills: the base a later
    /// change of the month is corrected against ([`crate::correction`]).
    #[serde(default)]
    pub settled: Vec<crate::correction::SettledMonth>,
    /// The accounts-payable export that carried it.
    #[serde(default)]
    pub export: Option<u32>,
    pub status: InvoiceStatus,
    pub quarantine: Option<QuarantineReason>,
    /// Where the reason was found (`line 42 of the file`, `lines[2]`), never what was there.
    pub quarantine_detail: String,
    pub channel: Channel,
    pub file: Uuid,
    /// SHA-256 of the file exactly as received.
    pub sha256: String,
    /// `Finvoice 3.0`, `UBL …`.
    pub syntax: String,
    pub received_at: DateTime<Utc>,
    pub received_by: Option<Uuid>,
}

impl ReceivedInvoice {
    /// The key of the duplicate rule: the same seller and number twice is one invoice.
    pub fn duplicate_key(business_id: &str, number: &str) -> (String, String) {
        (
            business_id.trim().to_owned(),
            number.trim().to_ascii_uppercase(),
        )
    }
}
