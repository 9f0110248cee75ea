//! Settlement, its first step: e-invoices come in (uploaded by the provider, sent by its system
//! with an API key, or dropped by the county's e-invoice operator), are read by the `einvoice`
//! crate, and are linked to the payment commitments they bill, or kept aside with a reason.
//!
//! Seed 001 ("Laskun maksamisen edellytyksenä on asianmukaisesti toimitetut raportit") ends the
//! chain with the invoice; this module makes sure that what reaches the match is an invoice of
//! the commitment's own provider, for commitments that were accepted, with sums that add up, and
//! that names no person. An invoice bills commitments by number and never names a client: one
//! that carries something shaped like a personal identity code anywhere is quarantined, the code
//! overwritten in the kept file, and never copied into the database, the log or a page.
//!
//! Every file is kept as received (with its SHA-256), within the reader's size limit. One that
//! cannot be read, a duplicate, one a provider sends in another seller's name, or one for a buyer
//! Kumppani does not serve is refused: it becomes no invoice, and its file is kept with the
//! refusal and its sender, for the sender to see. Each outcome is in the access log.

use crate::gate::Target;
use crate::{Service, ServiceError, ServiceResult, Setup};
use chrono::NaiveDate;
use db::doc::{Doc, Table};
use db::Tx;
use domain::access::{Action, Resource};
use domain::audit::{AuditAction, Outcome, Purpose, RecordKind};
use domain::commitment::{commitment_numbers_in, in_force, Commitment};
use domain::delivery::{month_end, month_of};
use domain::ident::BusinessId;
use domain::invoice::{
    Channel, HeldMonth, InvoiceKind, InvoiceLine, InvoiceStatus, QuarantineReason, ReceivedInvoice,
    Refusal,
};
use domain::money::Money;
use domain::org::Actor;
use domain::settlement::{hours_as_minutes, is_hours, scaled, BilledLine, MonthFacts};
use einvoice::{Decimal, DocumentKind, Reading};
use std::collections::HashMap;
use uuid::Uuid;

/// Files of the drop folder taken in per transaction by [`Setup::import_invoices`].
pub const IMPORT_BATCH: usize = 250;

/// The refused files a sender's list shows: the latest, enough to answer "what became of the
/// file I sent last week".
pub const REFUSED_SHOWN: i64 = 50;

/// What became of a file sent in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intake {
    /// Linked to its commitments and matched, or held until a month's report is approved.
    Received,
    /// Kept aside for a person, with the reason.
    Quarantined(QuarantineReason),
    /// Not taken in; nothing of it is kept.
    Refused(Refusal),
}

/// The answer to a sender: the invoice (when kept), its number, what became of it, and where the
/// reason was found (a line of the file, the reader's message). Never the content that caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub invoice: Option<Uuid>,
    /// The file as kept: every file within the size limit is, a refused one too.
    pub file: Option<Uuid>,
    pub number: String,
    pub outcome: Intake,
    pub detail: String,
    /// Where a kept invoice stands: held, to check, or kept aside.
    pub status: Option<InvoiceStatus>,
}

fn cents(d: Option<Decimal>) -> Money {
    let c = d.unwrap_or_default() * Decimal::ONE_HUNDRED;
    Money::from_cents(i64::try_from(c.round()).unwrap_or_default())
}

fn text(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The EN 16931 rules whose break means the invoice's own sums do not add up.
fn breaks_sums(rule: &str) -> bool {
    matches!(
        rule,
        "BR-CO-10" | "BR-CO-11" | "BR-CO-12" | "BR-CO-13" | "BR-CO-14" | "BR-CO-15" | "BR-CO-16"
    )
}

/// The commitment numbers an invoice names: in the buyer reference, the order and contract
/// references and the notes, and per line in its own references; a line that names none bills
/// the invoice's one commitment, if it names exactly one.
fn commitment_refs(r: &Reading) -> (Vec<String>, Vec<Option<String>>) {
    let inv = &r.invoice;
    let mut header: Vec<String> = Vec::new();
    for t in [
        &inv.buyer_reference,
        &inv.order_reference,
        &inv.contract_reference,
    ]
    .into_iter()
    .flatten()
    .chain(inv.notes.iter())
    {
        for n in commitment_numbers_in(t) {
            if !header.contains(&n) {
                header.push(n);
            }
        }
    }
    let mut all = header.clone();
    let per_line = inv
        .lines
        .iter()
        .map(|l| {
            let own = [
                &l.order_reference,
                &l.buyer_reference,
                &l.contract_reference,
                &l.accounting_reference,
                &l.object_id,
                &l.note,
            ]
            .into_iter()
            .flatten()
            .flat_map(|t| commitment_numbers_in(t))
            .next();
            if let Some(n) = &own {
                if !all.contains(n) {
                    all.push(n.clone());
                }
            }
            own.or_else(|| (header.len() == 1).then(|| header[0].clone()))
        })
        .collect();
    (all, per_line)
}

/// A reading in Kumppani's own terms; the link to commitments and the status are set after.
fn received(
    r: &Reading,
    channel: Channel,
    file: Uuid,
    by: Option<Uuid>,
    now: chrono::DateTime<chrono::Utc>,
) -> ReceivedInvoice {
    let inv = &r.invoice;
    let (numbers, per_line) = commitment_refs(r);
    let sign = inv.sign();
    ReceivedInvoice {
        kind: match inv.kind {
            DocumentKind::Invoice => InvoiceKind::Invoice,
            DocumentKind::CreditNote => InvoiceKind::CreditNote,
        },
        number: inv.number.trim().to_owned(),
        seller_business_id: inv.seller.business_id.clone().unwrap_or_default(),
        seller_name: inv.seller.name.clone(),
        provider: None,
        issue_date: inv.issue_date,
        due_date: inv.due_date,
        period_start: inv.period.as_ref().and_then(|p| p.start),
        period_end: inv.period.as_ref().and_then(|p| p.end),
        currency: inv.currency.clone().unwrap_or_default(),
        // Stated as a credit is owed back: negative whatever the syntax's sign convention.
        payable: cents(inv.totals.payable.map(|p| p.abs() * sign)),
        vat_total: cents(inv.totals.vat_total),
        reference: inv.payment.reference.clone().unwrap_or_default(),
        account: inv.payment.account.clone().unwrap_or_default(),
        commitment_numbers: numbers,
        commitments: Vec::new(),
        credits: inv
            .preceding_invoices
            .iter()
            .map(|p| p.number.clone())
            .collect(),
        credited: Vec::new(),
        lines: inv
            .lines
            .iter()
            .zip(per_line)
            .map(|(l, commitment)| InvoiceLine {
                id: l.id.clone(),
                name: l.name.clone().unwrap_or_default(),
                item: l.seller_item_id.clone().unwrap_or_default(),
                quantity: text(l.quantity),
                unit: l.unit.clone().unwrap_or_default(),
                unit_price: text(l.net_price),
                net: cents(l.net_amount),
                vat_category: l.vat_category.clone().unwrap_or_default(),
                vat_rate: text(l.vat_rate),
                commitment,
                period_start: l.period.as_ref().and_then(|p| p.start),
                period_end: l.period.as_ref().and_then(|p| p.end),
            })
            .collect(),
        findings: r
            .findings
            .iter()
            .map(|f| format!("{} {}", f.rule, f.location))
            .collect(),
        held_for: Vec::new(),
        discrepancies: Vec::new(),
        decisions: Vec::new(),
        approved_amount: None,
        settled: Vec::new(),
        export: None,
        // Until the match says otherwise (see `settle`).
        status: InvoiceStatus::ToCheck,
        quarantine: None,
        quarantine_detail: String::new(),
        channel,
        file,
        sha256: r.sha256.clone(),
        syntax: match &r.syntax {
            einvoice::Syntax::Finvoice { version, .. } => format!("Finvoice {version}"),
            einvoice::Syntax::Ubl { .. } => "UBL 2.1".to_owned(),
        },
        received_at: now,
        received_by: by,
    }
}

/// Who sends: a provider's user or system, or the operator's drop folder.
#[derive(Clone, Copy)]
enum Sender<'a> {
    Provider(&'a Actor),
    Operator,
}

impl Sender<'_> {
    fn actor(&self) -> Option<&Actor> {
        match self {
            Sender::Provider(a) => Some(a),
            Sender::Operator => None,
        }
    }
}

impl Service {
    /// A provider sends an invoice: its signatory or service manager on the invoice page, or its
    /// system with an API key that allows `invoices.write`. The seller on the invoice must be the
    /// sender's own organisation.
    pub async fn send_invoice(
        &self,
        actor: &Actor,
        channel: Channel,
        name: &str,
        bytes: &[u8],
    ) -> ServiceResult<Receipt> {
        self.take_in(Sender::Provider(actor), channel, name, bytes)
            .await
    }

    /// Asks the gate whether the actor may do `action` on its own organisation's invoices
    /// (list them, its sent files or its corrections; send one): the target its log rows name.
    pub(crate) async fn authorize_own_invoices(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        action: Action,
        audit: AuditAction,
    ) -> ServiceResult<Target> {
        let t = Target {
            kind: RecordKind::Invoice,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        self.authorize(
            tx,
            actor,
            action,
            Resource::Invoices {
                org_id: actor.org_id,
            },
            audit,
            &t,
        )
        .await?;
        Ok(t)
    }

    /// The log row of a list of the organisation's invoices or files.
    async fn log_invoice_list(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        t: &Target,
        details: String,
    ) -> ServiceResult<()> {
        let mut ev = self.ev(actor, AuditAction::List, t);
        ev.purpose = Purpose::Settlement;
        ev.details = details;
        self.record(tx, ev).await
    }

    /// The invoices the actor's organisation sent (a provider) or received (a purchaser's
    /// controller), newest first. No client is named on any of them.
    pub async fn invoices(&self, actor: &Actor) -> ServiceResult<Vec<Doc<ReceivedInvoice>>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self
                .authorize_own_invoices(&mut tx, actor, Action::List, AuditAction::List)
                .await?;
            let list = if actor.org_kind.is_purchaser() {
                db::invoice::of_purchaser(&mut tx, actor.org_id).await?
            } else {
                db::invoice::of_provider(&mut tx, actor.org_id).await?
            };
            self.log_invoice_list(&mut tx, actor, &t, format!("{} invoices", list.len()))
                .await?;
            Ok(list)
        }
        .await;
        self.finish(tx, r).await
    }

    /// The files this organisation sent that were refused, newest first: a provider sees what
    /// became of a file that never became an invoice. The drop folder's refusals stay in its
    /// `refused` folder; they have no sender to show them to.
    pub async fn refused_files(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Vec<db::invoice::RefusedFile>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let t = self
                .authorize_own_invoices(&mut tx, actor, Action::List, AuditAction::List)
                .await?;
            let list = db::invoice::refused_of_sender(&mut tx, actor.org_id, REFUSED_SHOWN).await?;
            self.log_invoice_list(&mut tx, actor, &t, format!("{} refused files", list.len()))
                .await?;
            Ok(list)
        }
        .await;
        self.finish(tx, r).await
    }

    /// One invoice, for its provider's managers and the purchaser's controller.
    pub async fn invoice(&self, actor: &Actor, id: Uuid) -> ServiceResult<Doc<ReceivedInvoice>> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let found: Option<Doc<ReceivedInvoice>> =
                db::doc::get(&mut tx, Table::Invoices, id).await?;
            let d = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Read,
                    RecordKind::Invoice,
                    id,
                    found,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Invoice,
                id: Some(id),
                owner: Some(d.owner_id),
                subject: None,
            };
            // An invoice from an unknown seller belongs to no provider: only the purchaser sees it.
            let provider = d.data.provider.unwrap_or(Uuid::nil());
            self.authorize(
                &mut tx,
                actor,
                Action::Read,
                Resource::Invoice {
                    purchaser_id: d.owner_id,
                    provider_id: provider,
                },
                AuditAction::Read,
                &t,
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Read, &t);
            ev.purpose = Purpose::Settlement;
            self.record(&mut tx, ev).await?;
            Ok(d)
        }
        .await;
        self.finish(tx, r).await
    }

    async fn take_in(
        &self,
        sender: Sender<'_>,
        channel: Channel,
        name: &str,
        bytes: &[u8],
    ) -> ServiceResult<Receipt> {
        let mut tx = self.db.begin().await?;
        let r = self.take_in_tx(&mut tx, sender, channel, name, bytes).await;
        match r {
            // A refusal is an answer, not an error: its kept file and log row are committed.
            Ok(receipt) => {
                tx.commit().await?;
                Ok(receipt)
            }
            Err(e) => self.finish(tx, Err(e)).await,
        }
    }

    /// Writes the log row of an outcome; a refusal is a `failed` row with its code.
    /// Logs what became of a file; a batch of the drop folder passes `defer` and writes its
    /// rows together before it commits.
    async fn log_receipt(
        &self,
        tx: &mut Tx,
        sender: Sender<'_>,
        owner: Option<Uuid>,
        receipt: &Receipt,
        defer: Option<&mut Vec<domain::audit::AuditEvent>>,
    ) -> ServiceResult<()> {
        let t = Target {
            kind: RecordKind::Invoice,
            id: receipt.invoice,
            owner,
            subject: None,
        };
        let mut ev = crate::auth::event(sender.actor(), AuditAction::Create, RecordKind::Invoice);
        ev.record_id = t.id;
        ev.register_owner = t.owner;
        ev.purpose = Purpose::Settlement;
        ev.details = match &receipt.outcome {
            Intake::Received => "received".to_owned(),
            Intake::Quarantined(q) => format!("quarantined: {}", q.code()),
            Intake::Refused(r) => {
                ev.outcome = Outcome::Failed;
                r.code().to_owned()
            }
        };
        match defer {
            Some(events) => {
                events.push(ev);
                Ok(())
            }
            None => self.record(tx, ev).await,
        }
    }

    /// Refuses a file: it becomes no invoice, but is kept as received (an identity code in it
    /// overwritten) with its refusal and sender, unless it is over the reader's size limit.
    #[allow(clippy::too_many_arguments)]
    async fn refuse(
        &self,
        tx: &mut Tx,
        sender: Sender<'_>,
        (name, bytes): (&str, &[u8]),
        number: &str,
        refusal: Refusal,
        detail: String,
        defer: Option<&mut Vec<domain::audit::AuditEvent>>,
    ) -> ServiceResult<Receipt> {
        let file = if bytes.len() as u64 <= einvoice::MAX_BYTES {
            let id = Uuid::now_v7();
            let mut kept = bytes.to_vec();
            let redacted = domain::ident::redact_identity_codes(&mut kept) > 0;
            db::invoice::insert_file(
                tx,
                &db::invoice::File {
                    id,
                    sha256: &einvoice::sha256(bytes),
                    name: &domain::ident::redact_identity_codes_in(name),
                    bytes: &kept,
                    redacted,
                    received_at: self.now(),
                    refusal: Some(refusal.code()),
                    sender_org_id: sender.actor().map(|a| a.org_id),
                },
            )
            .await?;
            Some(id)
        } else {
            None
        };
        let receipt = Receipt {
            invoice: None,
            file,
            status: None,
            number: number.to_owned(),
            outcome: Intake::Refused(refusal),
            // The reader's message names elements and lines; overwrite anything shaped like a code.
            detail: domain::ident::redact_identity_codes_in(&detail),
        };
        self.log_receipt(
            tx,
            sender,
            sender.actor().map(|a| a.org_id),
            &receipt,
            defer,
        )
        .await?;
        Ok(receipt)
    }

    async fn take_in_tx(
        &self,
        tx: &mut Tx,
        sender: Sender<'_>,
        channel: Channel,
        name: &str,
        bytes: &[u8],
    ) -> ServiceResult<Receipt> {
        // Authorization before anything is read: a provider sends only its own invoices.
        if let Sender::Provider(actor) = sender {
            self.authorize_own_invoices(tx, actor, Action::Create, AuditAction::Create)
                .await?;
        }
        let read = einvoice::read(bytes, name);
        self.take_in_read(tx, sender, channel, name, bytes, read, None)
            .await
    }

    /// [`Service::take_in_tx`] once the file is read; a batch of the drop folder passes the
    /// [`Ledger`] it read for all its files, which each invoice taken in joins.
    #[allow(clippy::too_many_arguments)]
    async fn take_in_read(
        &self,
        tx: &mut Tx,
        sender: Sender<'_>,
        channel: Channel,
        name: &str,
        bytes: &[u8],
        read: Result<Reading, einvoice::InvoiceError>,
        mut ledger: Option<&mut Ledger>,
    ) -> ServiceResult<Receipt> {
        let reading = match read {
            Ok(r) => r,
            Err(e) => {
                let detail = format!(
                    "{}{}: {}",
                    e.line,
                    if e.element.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", e.element)
                    },
                    e.kind
                );
                return self
                    .refuse(
                        tx,
                        sender,
                        (name, bytes),
                        "",
                        Refusal::Unreadable,
                        detail,
                        ledger.as_deref_mut().map(|l| &mut l.events),
                    )
                    .await;
            }
        };
        let now = self.now();
        let file = Uuid::now_v7();
        let mut inv = received(
            &reading,
            channel,
            file,
            sender.actor().map(|a| a.user_id),
            now,
        );
        let seller_bid = BusinessId::parse(&inv.seller_business_id).ok();
        let seller = match (&seller_bid, ledger.as_deref_mut()) {
            (Some(b), Some(l)) => match l.orgs.get(b.as_str()) {
                Some(o) => o.clone(),
                None => {
                    let o = db::organisation::by_business_id(tx, b).await?;
                    l.orgs.insert(b.as_str().to_owned(), o.clone());
                    o
                }
            },
            (Some(b), None) => db::organisation::by_business_id(tx, b).await?,
            (None, _) => None,
        };
        if let Sender::Provider(actor) = sender {
            if seller.as_ref().map(|s| s.id) != Some(actor.org_id) {
                return self
                    .refuse(
                        tx,
                        sender,
                        (name, bytes),
                        &inv.number,
                        Refusal::NotSender,
                        String::new(),
                        ledger.as_deref_mut().map(|l| &mut l.events),
                    )
                    .await;
            }
        }
        let key = ReceivedInvoice::duplicate_key(&inv.seller_business_id, &inv.number);
        let sent = match ledger.as_deref().and_then(|l| l.sent.as_ref()) {
            Some(sent) => sent.contains(&key),
            None => db::invoice::by_seller_number(tx, &inv.seller_business_id, &inv.number)
                .await?
                .is_some(),
        };
        if sent {
            return self
                .refuse(
                    tx,
                    sender,
                    (name, bytes),
                    &inv.number,
                    Refusal::Duplicate,
                    String::new(),
                    ledger.as_deref_mut().map(|l| &mut l.events),
                )
                .await;
        }
        inv.provider = seller.as_ref().map(|s| s.id);

        // The commitments billed, and the purchaser they belong to.
        let numbers: Vec<&str> = inv.commitment_numbers.iter().map(String::as_str).collect();
        let found: HashMap<String, Vec<Doc<Commitment>>> = match ledger.as_deref() {
            Some(l) if numbers.iter().all(|n| l.numbers.contains(*n)) => numbers
                .iter()
                .filter_map(|n| Some((n.to_string(), l.commitments.get(*n)?.clone())))
                .collect(),
            _ => self.commitments_by_number(tx, &numbers).await?,
        };
        let mut reason: Option<(QuarantineReason, String)> = None;
        let mut owner: Option<Uuid> = None;
        for n in &inv.commitment_numbers {
            let Some(versions) = found.get(n) else {
                reason.get_or_insert((QuarantineReason::UnknownCommitment, n.clone()));
                continue;
            };
            let Some(first) = versions.first() else {
                continue;
            };
            owner.get_or_insert(first.owner_id);
            inv.commitments.push(first.id);
            match in_force(versions.iter().map(|v| &v.data)) {
                None => {
                    reason.get_or_insert((QuarantineReason::CommitmentNotAccepted, n.clone()));
                }
                Some(c) if Some(c.provider) != inv.provider => {
                    reason.get_or_insert((QuarantineReason::SellerNotProvider, n.clone()));
                }
                Some(_) => {}
            }
        }
        if inv.commitment_numbers.is_empty() {
            reason.get_or_insert((QuarantineReason::UnknownCommitment, String::new()));
        }
        if owner.is_none() {
            // No commitment names the purchaser: the buyer's business ID may.
            let buyer = reading
                .invoice
                .buyer
                .business_id
                .as_deref()
                .and_then(|b| BusinessId::parse(b).ok());
            if let Some(b) = buyer {
                owner = db::organisation::by_business_id(tx, &b)
                    .await?
                    .filter(|o| o.kind.is_purchaser())
                    .map(|o| o.id);
            }
        }
        let Some(owner) = owner else {
            return self
                .refuse(
                    tx,
                    sender,
                    (name, bytes),
                    &inv.number,
                    Refusal::UnknownBuyer,
                    String::new(),
                    ledger.as_deref_mut().map(|l| &mut l.events),
                )
                .await;
        };
        if seller.is_none() {
            reason = Some((QuarantineReason::UnknownSeller, String::new()));
        }
        if inv.kind == InvoiceKind::CreditNote {
            for c in &inv.credits {
                if let Some(d) =
                    db::invoice::by_seller_number(tx, &inv.seller_business_id, c).await?
                {
                    inv.credited.push(d.id);
                }
            }
            if inv.credited.is_empty() {
                reason.get_or_insert((QuarantineReason::CreditWithoutInvoice, String::new()));
            }
        }
        if let Some(f) = reading.findings.iter().find(|f| breaks_sums(f.rule)) {
            reason.get_or_insert((
                QuarantineReason::InconsistentTotals,
                format!("{} {}", f.rule, f.location),
            ));
        }
        // A person's identity code outranks every other reason: the file is kept only with the
        // code overwritten, and the reason names the line, never the code.
        let codes = domain::ident::identity_code_offsets(bytes);
        let mut kept = bytes.to_vec();
        if let Some(&first) = codes.first() {
            domain::ident::redact_identity_codes(&mut kept);
            reason = Some((
                QuarantineReason::IdentityCode,
                format!("line {}", line_of(bytes, first)),
            ));
            // Nothing read from the file may carry it on: mask every text kept from it.
            mask_codes(&mut inv);
        }
        if let Some((q, detail)) = &reason {
            inv.status = InvoiceStatus::Quarantined;
            inv.quarantine = Some(*q);
            inv.quarantine_detail = detail.clone();
        } else if inv.kind == InvoiceKind::Invoice {
            let keys = keys_of(&inv);
            let facts = match ledger.as_deref() {
                Some(l) if l.covers(&keys) => facts_from(l, &keys, owner, before_of(&inv, None)),
                _ => self.month_facts(tx, &inv, None, owner).await?,
            };
            self.settle(&mut inv, &facts);
        }
        db::invoice::insert_file(
            tx,
            &db::invoice::File {
                id: file,
                sha256: &reading.sha256,
                name: &domain::ident::redact_identity_codes_in(name),
                bytes: &kept,
                redacted: !codes.is_empty(),
                received_at: now,
                refusal: None,
                sender_org_id: sender.actor().map(|a| a.org_id),
            },
        )
        .await?;
        let id = Uuid::now_v7();
        let parent = inv.commitments.first().copied();
        if !db::invoice::insert(tx, id, owner, parent, &inv, now).await? {
            // Another copy of the same invoice was taken in at the same moment.
            return Err(ServiceError::Invalid(
                domain::validate::FieldErrors::single("file", Refusal::Duplicate.code()),
            ));
        }
        if let Some(l) = ledger.as_deref_mut() {
            if let Some(sent) = l.sent.as_mut() {
                sent.insert(key);
            }
            // Later files of the batch see this one as billed before them.
            l.add(Doc {
                id,
                owner_id: owner,
                parent_id: parent,
                status: inv.status.code().to_owned(),
                data: inv.clone(),
                created_at: now,
                updated_at: now,
            });
        }
        let receipt = Receipt {
            invoice: Some(id),
            file: Some(file),
            status: Some(inv.status),
            number: inv.number.clone(),
            outcome: match inv.quarantine {
                Some(q) => Intake::Quarantined(q),
                None => Intake::Received,
            },
            detail: inv.quarantine_detail.clone(),
        };
        self.log_receipt(
            tx,
            sender,
            Some(owner),
            &receipt,
            ledger.map(|l| &mut l.events),
        )
        .await?;
        Ok(receipt)
    }
}

/// What the match reads of a set of commitments over a span of months, read once
/// ([`Service::ledger`]): for one invoice, or for a whole batch of the drop folder, whose
/// invoices join [`Ledger::invoices`] as they are taken in.
#[derive(Debug, Clone)]
pub(crate) struct Ledger {
    /// The numbers asked for, found or not.
    numbers: std::collections::HashSet<String>,
    commitments: HashMap<String, Vec<Doc<Commitment>>>,
    visits: HashMap<String, Vec<db::visit::Stored>>,
    /// The first day of the first month and the last day of the last.
    span: (NaiveDate, NaiveDate),
    /// Each report's owner and status by commitment number and month.
    reports: HashMap<(String, NaiveDate), Vec<(Uuid, domain::delivery::ReportStatus)>>,
    /// Work participation money rates by lot.
    lots: HashMap<Uuid, Vec<domain::work_money::WorkMoneyRate>>,
    /// The fee reductions the purchasers of these commitments decided on deviations, by
    /// purchaser ([`domain::supervision`]).
    reductions: HashMap<Uuid, Vec<domain::supervision::Reduction>>,
    /// Every invoice that bills any of the numbers, oldest first, and where each number's are.
    invoices: Vec<Doc<ReceivedInvoice>>,
    billing: HashMap<String, Vec<usize>>,
    /// The (seller, number) keys already sent, as the duplicate rule reads them; `None` when
    /// not read for a batch.
    sent: Option<std::collections::HashSet<(String, String)>>,
    /// Organisations by business ID, as looked up.
    orgs: HashMap<String, Option<domain::org::Organisation>>,
    /// The access-log rows of a batch, written together before it commits.
    events: Vec<domain::audit::AuditEvent>,
}

impl Ledger {
    /// Adds an invoice, found under every commitment its lines or its header name.
    fn add(&mut self, d: Doc<ReceivedInvoice>) {
        let at = self.invoices.len();
        let mut numbers: Vec<&String> = d
            .data
            .commitment_numbers
            .iter()
            .chain(d.data.lines.iter().filter_map(|l| l.commitment.as_ref()))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        for n in numbers {
            self.billing.entry(n.clone()).or_default().push(at);
        }
        self.invoices.push(d);
    }

    /// The invoices that bill the commitment, oldest first.
    fn billing(&self, number: &str) -> impl Iterator<Item = &Doc<ReceivedInvoice>> {
        self.billing
            .get(number)
            .into_iter()
            .flatten()
            .filter_map(|i| self.invoices.get(*i))
    }

    /// Whether it holds all there is to know of these (commitment, month)s.
    fn covers(&self, keys: &[(String, NaiveDate)]) -> bool {
        keys.iter()
            .all(|(n, m)| self.numbers.contains(n) && *m >= self.span.0 && *m <= self.span.1)
    }
}

/// Every (commitment, month) an invoice's lines bill, once each.
fn keys_of(inv: &ReceivedInvoice) -> Vec<(String, NaiveDate)> {
    let mut keys: Vec<(String, NaiveDate)> = billed_lines(inv)
        .iter()
        .filter_map(|l| Some((l.commitment.clone()?, l.month?)))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Which other invoices count as billed before `inv` (taken in as `this`, if it has been):
/// those received earlier that count (not kept aside, not returned). A held invoice matched
/// later is so matched against the same ones it would have been on arrival.
fn before_of(inv: &ReceivedInvoice, this: Option<Uuid>) -> impl Fn(&Doc<ReceivedInvoice>) -> bool {
    let received = inv.received_at;
    move |d: &Doc<ReceivedInvoice>| {
        Some(d.id) != this
            && d.data.status.counts()
            && (d.data.received_at, d.id) < (received, this.unwrap_or(Uuid::max()))
    }
}

/// What each (commitment, month) of `keys` ordered and delivered, from the ledger: the
/// commitment in force, the month's visits by the family's answer and its work participation
/// money, the month's report, and what the purchaser's invoices that `before` picks billed of
/// it (an approved one what it settled, any other what it billed).
fn facts_from<F>(
    ledger: &Ledger,
    keys: &[(String, NaiveDate)],
    purchaser: Uuid,
    before: F,
) -> Vec<MonthFacts>
where
    F: Fn(&Doc<ReceivedInvoice>) -> bool,
{
    let mut out = Vec::new();
    for (number, month) in keys.iter().cloned() {
        let Some(versions) = ledger.commitments.get(&number) else {
            continue;
        };
        let Some(c) = in_force(versions.iter().map(|v| &v.data)) else {
            continue;
        };
        let period = domain::commitment::period_in_force(versions.iter().map(|v| &v.data))
            .unwrap_or((c.starts_on, c.ends_on));
        let mut f = MonthFacts {
            commitment: number.clone(),
            month,
            unit_price: c.unit_price,
            hours_per_week: c.quantity_per_week,
            period,
            confirmed: 0,
            disputed: 0,
            unconfirmed: 0,
            billed_before: 0,
            report: None,
            work_money: None,
            work_money_billed_before: Money::ZERO,
            reduction_bp: domain::supervision::reduction_for(
                ledger
                    .reductions
                    .get(&purchaser)
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
                c.provider,
                &number,
                month,
            ),
        };
        let month_visits: Vec<&domain::visit::VisitRecord> = ledger
            .visits
            .get(&number)
            .into_iter()
            .flatten()
            .map(|v| &v.record)
            .filter(|r| month_of(r.visit.date) == month)
            .collect();
        for r in &month_visits {
            f.count(
                r.visit.minutes(),
                r.visit.status.billable(),
                r.confirmation.state,
            );
        }
        let rates = ledger
            .lots
            .get(&c.lot)
            .map(Vec::as_slice)
            .unwrap_or_default();
        f.work_money = domain::work_money::work_money(month_visits.iter().copied(), rates);
        f.report = ledger
            .reports
            .get(&(number.clone(), month))
            .into_iter()
            .flatten()
            .find(|(owner, _)| *owner == purchaser)
            .map(|(_, status)| *status);
        let mut work_before = 0;
        for o in ledger
            .billing(&number)
            .filter(|d| d.owner_id == purchaser && before(d))
        {
            let settled = o
                .data
                .settled
                .iter()
                .find(|m| m.commitment == number && m.month == month);
            f.billed_before += match settled {
                Some(m) if o.data.status.approved() => m.minutes,
                _ => billed_minutes(&o.data, &number, month),
            };
            work_before += billed_work_money(&o.data, &number, month);
        }
        f.work_money_billed_before = Money::from_cents(work_before);
        out.push(f);
    }
    out
}

/// The lines as the match reads them: hours as minutes, prices and rates as integers, the
/// month from the line's period or else the invoice's.
pub(crate) fn billed_lines(inv: &ReceivedInvoice) -> Vec<BilledLine> {
    inv.lines
        .iter()
        .map(|l| BilledLine {
            id: l.id.clone(),
            commitment: l.commitment.clone(),
            month: l
                .period_start
                .or(l.period_end)
                .or(inv.period_start)
                .or(inv.period_end)
                .map(month_of),
            minutes: if is_hours(&l.unit) {
                hours_as_minutes(&l.quantity)
            } else {
                None
            },
            unit_price: scaled(&l.unit_price, 2).map(Money::from_cents),
            net: l.net,
            vat_category: l.vat_category.clone(),
            vat_rate_bp: scaled(&l.vat_rate, 2).unwrap_or(0),
            work_money: domain::work_money::is_work_money_line(&l.item, &l.name),
            client_fee: domain::settlement::is_client_fee_line(&l.item, &l.name),
        })
        .collect()
}

/// The hours a document bills of a commitment and month (a credit note's counted off); work
/// participation money is not hours of service.
pub(crate) fn billed_minutes(inv: &ReceivedInvoice, number: &str, month: NaiveDate) -> i64 {
    let sign = if inv.kind == InvoiceKind::CreditNote {
        -1
    } else {
        1
    };
    billed_lines(inv)
        .iter()
        .filter(|l| !l.work_money && l.commitment.as_deref() == Some(number))
        .filter(|l| l.month == Some(month))
        .map(|l| sign * l.minutes.unwrap_or(0).abs())
        .sum()
}

/// What a document bills of a commitment and month as work participation money.
fn billed_work_money(inv: &ReceivedInvoice, number: &str, month: NaiveDate) -> i64 {
    let sign = if inv.kind == InvoiceKind::CreditNote {
        -1
    } else {
        1
    };
    billed_lines(inv)
        .iter()
        .filter(|l| l.work_money && l.commitment.as_deref() == Some(number))
        .filter(|l| l.month == Some(month))
        .map(|l| sign * l.net.cents().abs())
        .sum()
}

impl Service {
    /// What every (commitment, month) the invoice bills ordered and delivered: the commitment
    /// in force, the month's visits by the family's answer, the month's report, and what other
    /// invoices of the purchaser (not kept aside; credit notes counted off) already billed.
    pub(crate) async fn month_facts(
        &self,
        tx: &mut Tx,
        inv: &ReceivedInvoice,
        this: Option<Uuid>,
        purchaser: Uuid,
    ) -> ServiceResult<Vec<MonthFacts>> {
        let keys = keys_of(inv);
        self.facts_for(tx, &keys, purchaser, before_of(inv, this))
            .await
    }

    /// What each (commitment, month) of `keys` ordered and delivered, and what the invoices
    /// that `before` picks billed of it before ([`facts_from`]).
    pub(crate) async fn facts_for<F>(
        &self,
        tx: &mut Tx,
        keys: &[(String, NaiveDate)],
        purchaser: Uuid,
        before: F,
    ) -> ServiceResult<Vec<MonthFacts>>
    where
        F: Fn(&Doc<ReceivedInvoice>) -> bool,
    {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let numbers: Vec<&str> = keys.iter().map(|(n, _)| n.as_str()).collect();
        let first = keys.iter().map(|(_, m)| *m).min().unwrap_or_default();
        let last = keys.iter().map(|(_, m)| *m).max().unwrap_or_default();
        let ledger = self.ledger(tx, &numbers, first, last).await?;
        Ok(facts_from(&ledger, keys, purchaser, before))
    }

    /// Reads the [`Ledger`] of these commitments for the months from `first` to `last`: a
    /// handful of queries, whatever the number of commitments (the commitments, their visits,
    /// their reports, their lots and the invoices that bill them).
    pub(crate) async fn ledger(
        &self,
        tx: &mut Tx,
        numbers: &[&str],
        first: NaiveDate,
        last: NaiveDate,
    ) -> ServiceResult<Ledger> {
        let mut numbers: Vec<&str> = numbers.to_vec();
        numbers.sort_unstable();
        numbers.dedup();
        let span = (month_of(first), month_end(month_of(last)));
        let commitments = self.commitments_by_number(tx, &numbers).await?;
        let visits = db::visit::for_commitments(tx, &numbers, span.0, span.1).await?;
        let clients: Vec<Uuid> = commitments
            .values()
            .filter_map(|v| in_force(v.iter().map(|d| &d.data)).map(|c| c.client))
            .collect();
        let mut reports: HashMap<_, Vec<_>> = HashMap::new();
        let docs: Vec<Doc<domain::delivery::MonthlyReport>> =
            db::doc::children_of(tx, Table::MonthlyReports, &clients).await?;
        for r in docs {
            reports
                .entry((r.data.commitment_number, r.data.month))
                .or_default()
                .push((r.owner_id, r.data.status));
        }
        let mut lots: HashMap<Uuid, Vec<domain::work_money::WorkMoneyRate>> = HashMap::new();
        for c in commitments
            .values()
            .filter_map(|v| in_force(v.iter().map(|d| &d.data)))
        {
            if let std::collections::hash_map::Entry::Vacant(e) = lots.entry(c.lot) {
                let lot: Option<Doc<domain::procurement::Lot>> =
                    db::doc::get(tx, Table::Lots, c.lot).await?;
                e.insert(lot.map(|l| l.data.work_money).unwrap_or_default());
            }
        }
        let mut reductions = HashMap::new();
        for owner in commitments.values().flatten().map(|d| d.owner_id) {
            if let std::collections::hash_map::Entry::Vacant(e) = reductions.entry(owner) {
                let deviations: Vec<Doc<domain::supervision::Deviation>> = db::doc::list(
                    tx,
                    Table::Deviations,
                    db::doc::Filter {
                        owner: Some(owner),
                        ..Default::default()
                    },
                )
                .await?;
                e.insert(domain::supervision::reductions(
                    deviations.iter().map(|d| &d.data),
                ));
            }
        }
        let mut ledger = Ledger {
            numbers: numbers.iter().map(|n| n.to_string()).collect(),
            commitments,
            visits,
            span,
            reports,
            lots,
            reductions,
            invoices: Vec::new(),
            billing: HashMap::new(),
            orgs: HashMap::new(),
            events: Vec::new(),
            sent: None,
        };
        for d in db::invoice::billing(tx, &numbers).await? {
            ledger.add(d);
        }
        Ok(ledger)
    }

    /// What approving the document settles of each commitment and month it bills: of an
    /// invoice, the hours the match finds due ([`domain::correction::settle`]); of a credit note,
    /// its own lines.
    async fn settled_months(
        &self,
        tx: &mut Tx,
        d: &Doc<ReceivedInvoice>,
    ) -> ServiceResult<Vec<domain::correction::SettledMonth>> {
        let facts = self
            .month_facts(tx, &d.data, Some(d.id), d.owner_id)
            .await?;
        Ok(facts
            .iter()
            .map(|f| {
                let billed = billed_minutes(&d.data, &f.commitment, f.month);
                if d.data.kind == InvoiceKind::CreditNote {
                    let net: i64 = billed_lines(&d.data)
                        .iter()
                        .filter(|l| !l.work_money && l.commitment.as_deref() == Some(&f.commitment))
                        .filter(|l| l.month == Some(f.month))
                        .map(|l| -l.net.cents().abs())
                        .sum();
                    domain::correction::SettledMonth {
                        commitment: f.commitment.clone(),
                        month: f.month,
                        minutes: billed,
                        amount: Money::from_cents(net),
                    }
                } else {
                    domain::correction::settle(f, billed)
                }
            })
            .collect())
    }

    /// Holds the invoice while a month it bills has no approved report; otherwise matches it
    /// line by line and hands it to the checker.
    pub(crate) fn settle(&self, inv: &mut ReceivedInvoice, facts: &[MonthFacts]) {
        let held = domain::settlement::hold(facts);
        if held.is_empty() {
            inv.status = InvoiceStatus::ToCheck;
            inv.held_for.clear();
            inv.discrepancies = domain::settlement::match_lines(
                &billed_lines(inv),
                facts,
                self.settings.settlement.tolerance,
            );
        } else {
            inv.status = InvoiceStatus::Held;
            inv.held_for = held
                .into_iter()
                .map(|(commitment, month)| HeldMonth { commitment, month })
                .collect();
            inv.discrepancies.clear();
        }
    }

    /// A month's report was approved: every invoice of the purchaser held for that month is
    /// matched again, and goes on to the checker unless another month still holds it. Runs in
    /// the approval's transaction, so the release and the approval are kept together.
    pub(crate) async fn release_invoices(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        purchaser: Uuid,
        number: &str,
        month: chrono::NaiveDate,
    ) -> ServiceResult<()> {
        let held: Vec<Doc<ReceivedInvoice>> = db::invoice::billing(tx, &[number])
            .await?
            .into_iter()
            .filter(|d| {
                d.owner_id == purchaser
                    && d.data.status == InvoiceStatus::Held
                    && d.data
                        .held_for
                        .iter()
                        .any(|h| h.commitment == number && h.month == month)
            })
            .collect();
        for mut d in held {
            let facts = self.month_facts(tx, &d.data, Some(d.id), purchaser).await?;
            self.settle(&mut d.data, &facts);
            db::doc::update(
                tx,
                Table::Invoices,
                d.id,
                d.data.status.code(),
                &d.data,
                self.now(),
            )
            .await?;
            let t = Target {
                kind: RecordKind::Invoice,
                id: Some(d.id),
                owner: Some(purchaser),
                subject: None,
            };
            let mut ev = self.ev(actor, AuditAction::Update, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!(
                "{}: report {number} {} approved",
                d.data.status.code(),
                month.format("%Y-%m")
            );
            self.record(tx, ev).await?;
        }
        Ok(())
    }
}

/// Masks identity codes in every text an invoice record keeps from its file.
fn mask_codes(inv: &mut ReceivedInvoice) {
    let m = domain::ident::redact_identity_codes_in;
    inv.number = m(&inv.number);
    inv.seller_name = m(&inv.seller_name);
    inv.reference = m(&inv.reference);
    for n in inv
        .commitment_numbers
        .iter_mut()
        .chain(inv.credits.iter_mut())
    {
        *n = m(n);
    }
    for l in &mut inv.lines {
        l.id = m(&l.id);
        l.name = m(&l.name);
        l.unit = m(&l.unit);
    }
}

impl Setup {
    /// The operator's drop folder: an invoice from the county's e-invoice operator, with no user
    /// behind it. The seller is found by its business ID; the purchaser by the commitments billed
    /// or the buyer's business ID.
    pub async fn import_invoice(&self, name: &str, bytes: &[u8]) -> ServiceResult<Receipt> {
        self.take_in(Sender::Operator, Channel::Import, name, bytes)
            .await
    }

    /// Many files of the drop folder at once, in order, [`IMPORT_BATCH`] to a transaction: each
    /// gets its own receipt exactly as [`Setup::import_invoice`] gives it (a later file sees the
    /// earlier ones, as it would one by one), but the database commits once per batch. A
    /// database error rolls back its batch and is returned.
    pub async fn import_invoices(
        &self,
        files: &[(String, Vec<u8>)],
    ) -> ServiceResult<Vec<Receipt>> {
        let mut out = Vec::with_capacity(files.len());
        for batch in files.chunks(IMPORT_BATCH) {
            // Read the batch first, then what the match needs of every commitment it bills at
            // once: a few queries per batch instead of per file.
            let reads: Vec<_> = batch
                .iter()
                .map(|(name, bytes)| einvoice::read(bytes, name))
                .collect();
            let mut numbers: Vec<String> = Vec::new();
            let mut months: Vec<NaiveDate> = Vec::new();
            let mut keys: Vec<(String, String)> = Vec::new();
            for r in reads.iter().flatten() {
                let inv = received(r, Channel::Import, Uuid::nil(), None, self.now());
                numbers.extend(inv.commitment_numbers.iter().cloned());
                months.extend(keys_of(&inv).into_iter().map(|(_, m)| m));
                keys.push(ReceivedInvoice::duplicate_key(
                    &inv.seller_business_id,
                    &inv.number,
                ));
            }
            let mut tx = self.db.begin().await?;
            let mut ledger = match (months.iter().min(), months.iter().max()) {
                (Some(first), Some(last)) => {
                    let numbers: Vec<&str> = numbers.iter().map(String::as_str).collect();
                    Some(self.ledger(&mut tx, &numbers, *first, *last).await?)
                }
                _ => None,
            };
            if let Some(l) = ledger.as_mut() {
                l.sent = Some(db::invoice::sent_already(&mut tx, &keys).await?);
            }
            for ((name, bytes), read) in batch.iter().zip(reads) {
                match self
                    .take_in_read(
                        &mut tx,
                        Sender::Operator,
                        Channel::Import,
                        name,
                        bytes,
                        read,
                        ledger.as_mut(),
                    )
                    .await
                {
                    Ok(r) => out.push(r),
                    Err(e) => {
                        tx.rollback().await?;
                        return Err(e);
                    }
                }
            }
            if let Some(l) = ledger.as_mut() {
                let events = std::mem::take(&mut l.events);
                self.record_many(&mut tx, events, self.now()).await?;
            }
            tx.commit().await?;
        }
        Ok(out)
    }
}

/// An export to accounts payable, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportInfo {
    pub id: Uuid,
    pub number: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub invoices: i64,
    pub total: Money,
}

impl From<db::invoice::Export> for ExportInfo {
    fn from(e: db::invoice::Export) -> Self {
        ExportInfo {
            id: e.id,
            number: e.number,
            created_at: e.created_at,
            invoices: e.invoices,
            total: Money::from_cents(e.total_cents),
        }
    }
}

/// A CSV field: quoted when it holds the separator, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

fn csv_amount(m: Money) -> String {
    m.decimal()
}

/// The header of the accounts-payable file; one row per invoice line, with the accounting
/// dimensions of the commitment it bills.
const EXPORT_HEADER: &str = "export;invoice_id;seller_business_id;seller;invoice_number;kind;issue_date;due_date;payment_reference;iban;commitment;cost_centre;budget_line;account;vat_code;amount";

impl Service {
    /// A controller's step on an invoice: check it, approve it (in full or in part), return it
    /// to the provider with the reason, or ask for a credit note. Above the settings' threshold
    /// the approver must be another person than the checker.
    pub async fn decide_invoice(
        &self,
        actor: &Actor,
        id: Uuid,
        form: &domain::invoice::DecisionForm,
        lang: domain::locale::Lang,
    ) -> ServiceResult<InvoiceStatus> {
        let mut tx = self.db.begin().await?;
        let mut target = None;
        let r = async {
            let found: Option<Doc<ReceivedInvoice>> =
                db::doc::get(&mut tx, Table::Invoices, id).await?;
            let mut d = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Update,
                    RecordKind::Invoice,
                    id,
                    found,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Invoice,
                id: Some(id),
                owner: Some(d.owner_id),
                subject: None,
            };
            target = Some(t.clone());
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::Invoice {
                    purchaser_id: d.owner_id,
                    provider_id: d.data.provider.unwrap_or(Uuid::nil()),
                },
                AuditAction::Update,
                &t,
            )
            .await?;
            let decided = d
                .data
                .decide(
                    actor.user_id,
                    form,
                    self.settings.settlement.two_person_threshold,
                    lang,
                )
                .map_err(ServiceError::Invalid)?;
            let now = self.now();
            if decided.status == InvoiceStatus::Approved {
                // What the approval settles of each month: the base a later change of the
                // month is corrected against; and the corrections it answers are settled.
                d.data.settled = self.settled_months(&mut tx, &d).await?;
                self.settle_corrections(&mut tx, actor, &d).await?;
            }
            d.data.status = decided.status;
            if decided.amount.is_some() {
                d.data.approved_amount = decided.amount;
            }
            d.data.decisions.push(domain::invoice::InvoiceDecision {
                step: decided.step,
                by: actor.user_id,
                by_name: actor.display_name.clone(),
                at: now,
                amount: decided.amount,
                reason: decided.reason.clone(),
            });
            db::doc::update(
                &mut tx,
                Table::Invoices,
                id,
                d.data.status.code(),
                &d.data,
                now,
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Update, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = match decided.amount {
                Some(a) => format!("{} {}", decided.step.code(), csv_amount(a)),
                None => decided.step.code().to_owned(),
            };
            self.record(&mut tx, ev).await?;
            Ok(d.data.status)
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Update, target.as_ref())
            .await
    }

    /// Hands every approved invoice not yet exported to accounts payable in one numbered export:
    /// a CSV file with a row per invoice line and its accounting dimensions (cost centre,
    /// budget line, account, VAT code). An invoice is exported once; the file is kept and can be
    /// fetched again as it was.
    pub async fn export_invoices(&self, actor: &Actor) -> ServiceResult<ExportInfo> {
        let mut tx = self.db.begin().await?;
        let t = Target {
            kind: RecordKind::Invoice,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::Invoices {
                    org_id: actor.org_id,
                },
                AuditAction::Create,
                &t,
            )
            .await?;
            let approved: Vec<Doc<ReceivedInvoice>> =
                db::invoice::of_purchaser(&mut tx, actor.org_id)
                    .await?
                    .into_iter()
                    .filter(|d| d.data.status == InvoiceStatus::Approved)
                    .rev()
                    .collect();
            if approved.is_empty() {
                return Err(ServiceError::Invalid(
                    domain::validate::FieldErrors::single("export", "invoice-export-empty"),
                ));
            }
            let number = db::invoice::next_export_number(&mut tx, actor.org_id).await?;
            let mut numbers: Vec<&str> = approved
                .iter()
                .flat_map(|d| d.data.commitment_numbers.iter().map(String::as_str))
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            let commitments = self.commitments_by_number(&mut tx, &numbers).await?;
            let lines: Vec<Doc<domain::commitment::BudgetLine>> = db::doc::list(
                &mut tx,
                Table::BudgetLines,
                db::doc::Filter {
                    owner: Some(actor.org_id),
                    ..db::doc::Filter::default()
                },
            )
            .await?;
            let dims = |commitment: Option<&str>| -> (String, String) {
                let c = commitment
                    .and_then(|n| commitments.get(n))
                    .and_then(|v| in_force(v.iter().map(|d| &d.data)));
                let cost_centre = c.map(|c| c.cost_centre.clone()).unwrap_or_default();
                let budget = c
                    .and_then(|c| c.budget_line)
                    .and_then(|b| lines.iter().find(|l| l.id == b))
                    .map(|l| format!("{} {}", l.data.service, l.data.year))
                    .unwrap_or_default();
                (cost_centre, budget)
            };
            let account = &self.settings.settlement.expense_account;
            let mut csv = String::from(EXPORT_HEADER);
            csv.push('\n');
            let mut total = Money::ZERO;
            let now = self.now();
            let mut events = Vec::new();
            for mut d in approved {
                let inv = &d.data;
                let sign = if inv.kind == InvoiceKind::CreditNote {
                    -1
                } else {
                    1
                };
                let approved_amount = inv.approved_amount.unwrap_or(inv.payable);
                let mut row = |commitment: Option<&str>, vat: &str, amount: Money| {
                    let (cost_centre, budget) = dims(commitment);
                    let fields = [
                        number.to_string(),
                        d.id.to_string(),
                        inv.seller_business_id.clone(),
                        inv.seller_name.clone(),
                        inv.number.clone(),
                        match inv.kind {
                            InvoiceKind::Invoice => "invoice".into(),
                            InvoiceKind::CreditNote => "credit_note".into(),
                        },
                        inv.issue_date.map(|x| x.to_string()).unwrap_or_default(),
                        inv.due_date.map(|x| x.to_string()).unwrap_or_default(),
                        inv.reference.clone(),
                        inv.account.clone(),
                        commitment.unwrap_or("").to_owned(),
                        cost_centre,
                        budget,
                        account.clone(),
                        vat.to_owned(),
                        csv_amount(amount),
                    ];
                    csv.push_str(
                        &fields
                            .iter()
                            .map(|f| csv_field(f))
                            .collect::<Vec<_>>()
                            .join(";"),
                    );
                    csv.push('\n');
                };
                let mut lines_total = Money::ZERO;
                for l in &inv.lines {
                    let net = Money::from_cents(sign * l.net.cents().abs());
                    lines_total = Money::from_cents(lines_total.cents() + net.cents());
                    row(l.commitment.as_deref(), &l.vat_category, net);
                }
                // An approval in part, or rounding: the difference on the first line's dimensions.
                let signed_approved = Money::from_cents(sign * approved_amount.cents().abs());
                let rest = signed_approved.cents() - lines_total.cents();
                if rest != 0 {
                    let first = inv.lines.first();
                    row(
                        first.and_then(|l| l.commitment.as_deref()),
                        first.map(|l| l.vat_category.as_str()).unwrap_or(""),
                        Money::from_cents(rest),
                    );
                }
                total = Money::from_cents(total.cents() + signed_approved.cents());
                d.data.status = InvoiceStatus::Exported;
                d.data.export = u32::try_from(number).ok();
                db::doc::update(
                    &mut tx,
                    Table::Invoices,
                    d.id,
                    d.data.status.code(),
                    &d.data,
                    now,
                )
                .await?;
                let mut ev = self.ev(
                    actor,
                    AuditAction::Update,
                    &Target {
                        kind: RecordKind::Invoice,
                        id: Some(d.id),
                        owner: Some(actor.org_id),
                        subject: None,
                    },
                );
                ev.purpose = Purpose::Settlement;
                ev.details = format!("exported in {number}");
                events.push(ev);
            }
            let export = db::invoice::Export {
                id: Uuid::now_v7(),
                owner_id: actor.org_id,
                number,
                created_at: now,
                created_by: Some(actor.user_id),
                invoices: i64::try_from(events.len()).unwrap_or(i64::MAX),
                total_cents: total.cents(),
            };
            db::invoice::insert_export(&mut tx, &export, &csv).await?;
            let mut ev = self.ev(actor, AuditAction::Create, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("export {number}: {} invoices", events.len());
            events.push(ev);
            self.record_many(&mut tx, events, now).await?;
            Ok(ExportInfo::from(export))
        }
        .await;
        self.finish_logged(tx, r, actor, AuditAction::Create, Some(&t))
            .await
    }

    /// The purchaser's exports, newest first.
    pub async fn invoice_exports(&self, actor: &Actor) -> ServiceResult<Vec<ExportInfo>> {
        let mut tx = self.db.begin_read().await?;
        let t = Target {
            kind: RecordKind::Invoice,
            id: None,
            owner: Some(actor.org_id),
            subject: None,
        };
        let r = async {
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::Invoices {
                    org_id: actor.org_id,
                },
                AuditAction::List,
                &t,
            )
            .await?;
            let list = db::invoice::exports(&mut tx, actor.org_id).await?;
            let mut ev = self.ev(actor, AuditAction::List, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("{} exports", list.len());
            self.record(&mut tx, ev).await?;
            Ok(list.into_iter().map(ExportInfo::from).collect())
        }
        .await;
        self.finish(tx, r).await
    }

    /// One export's file, as it was made: `(number, csv)`. Logged like a view.
    pub async fn invoice_export_file(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> ServiceResult<(i64, String)> {
        let mut tx = self.db.begin_read().await?;
        let r = async {
            let found = db::invoice::export(&mut tx, id).await?;
            let (e, csv) = self
                .found(
                    &mut tx,
                    actor,
                    AuditAction::Read,
                    RecordKind::Invoice,
                    id,
                    found,
                )
                .await?;
            let t = Target {
                kind: RecordKind::Invoice,
                id: Some(id),
                owner: Some(e.owner_id),
                subject: None,
            };
            self.authorize(
                &mut tx,
                actor,
                Action::Decide,
                Resource::Invoices { org_id: e.owner_id },
                AuditAction::Read,
                &t,
            )
            .await?;
            let mut ev = self.ev(actor, AuditAction::Read, &t);
            ev.purpose = Purpose::Settlement;
            ev.details = format!("export {}", e.number);
            self.record(&mut tx, ev).await?;
            Ok((e.number, csv))
        }
        .await;
        self.finish(tx, r).await
    }
}
