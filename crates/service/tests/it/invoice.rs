//! Invoices coming in: linked to the commitment they bill, or kept aside with the reason, or
//! refused with nothing kept; an invoice that names a person keeps no trace of the code.

use crate::delivery::{row, setup};
use chrono::NaiveDate;
use domain::delivery::{PlanForm, ReportForm};
use domain::ident::PersonalIdentityCode;
use domain::invoice::{Channel, DecisionForm, InvoiceStatus, QuarantineReason, Refusal};
use einvoice::{write, Decimal, DocumentKind, Invoice, InvoiceReference};
use service::invoice::Intake;
use service::ServiceError;
use std::str::FromStr;
use testkit::{user_form, World};

const PROVIDER_BID: &str = "0737546-2";
const OTHER_PROVIDER_BID: &str = "0201256-6";
const COUNTY_BID: &str = "3221311-5";

/// A month of family work billed on `commitment`, as the provider's system would write it:
/// 12.5 hours at 78.00, VAT-exempt (Arvonlisäverolaki 37 §).
fn invoice(number: &str, seller: &str, commitment: &str) -> Invoice {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../einvoice/tests/fixtures/finvoice30-perhetyo-lokakuu.xml"
    );
    let mut inv = einvoice::read(&std::fs::read(fixture).unwrap(), "f.xml")
        .unwrap()
        .invoice;
    inv.number = number.into();
    inv.seller.business_id = Some(seller.into());
    inv.seller.legal_id = None;
    inv.seller.vat_id = None;
    inv.buyer.business_id = Some(COUNTY_BID.into());
    inv.buyer.legal_id = None;
    inv.buyer_reference = Some(commitment.into());
    inv.order_reference = None;
    inv.notes.clear();
    let d = |s: &str| Decimal::from_str(s).unwrap();
    inv.lines.truncate(1);
    let l = &mut inv.lines[0];
    l.order_reference = Some(commitment.into());
    l.quantity = Some(d("12.5"));
    l.net_price = Some(d("78"));
    l.net_amount = Some(d("975.00"));
    l.note = None;
    for v in [
        &mut inv.totals.line_total,
        &mut inv.totals.tax_exclusive,
        &mut inv.totals.tax_inclusive,
        &mut inv.totals.payable,
    ] {
        *v = Some(d("975.00"));
    }
    inv.vat_breakdown[0].taxable = Some(d("975.00"));
    inv
}

fn finvoice(inv: &Invoice) -> Vec<u8> {
    write::finvoice(inv).into_bytes()
}

fn intake(outcome: &Intake) -> String {
    format!("{outcome:?}")
}

#[tokio::test]
async fn an_invoice_of_the_commitments_provider_is_received_linked_and_logged() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.controller", "controller"))
        .await
        .unwrap();
    let controller = w.actor("county.controller").await;

    let bytes = finvoice(&invoice("2026-1101", PROVIDER_BID, &s.number));
    let r = svc
        .send_invoice(&signer, Channel::Upload, "lokakuu.xml", &bytes)
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Received, "{}", r.detail);
    let id = r.invoice.unwrap();

    // The provider and the purchaser's controller see it; the social worker and the provider's
    // worker do not, and their refusals are logged.
    let mine = svc.invoices(&signer).await.unwrap();
    assert_eq!(mine.len(), 1);
    let inv = &mine[0].data;
    // October's report is not approved: held until it is (no report, no payment).
    assert_eq!(inv.status, InvoiceStatus::Held);
    assert_eq!(r.status, Some(InvoiceStatus::Held));
    assert_eq!(inv.held_for.len(), 1);
    assert_eq!(inv.held_for[0].commitment, s.number);
    assert_eq!(inv.commitment_numbers, vec![s.number.clone()]);
    assert_eq!(inv.commitments.len(), 1);
    assert_eq!(inv.lines[0].commitment.as_deref(), Some(s.number.as_str()));
    assert_eq!(inv.lines[0].quantity, "12.5");
    assert_eq!(inv.payable.cents(), 97_500);
    assert_eq!(inv.provider, Some(w.provider));
    assert_eq!(inv.sha256, einvoice::sha256(&bytes));
    assert_eq!(mine[0].owner_id, w.county);
    assert_eq!(mine[0].parent_id, Some(inv.commitments[0]));
    let theirs = svc.invoices(&controller).await.unwrap();
    assert_eq!(theirs.iter().map(|d| d.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(svc.invoice(&controller, id).await.unwrap().id, id);
    for who in [&s.social, &s.worker] {
        assert!(matches!(
            svc.invoices(who).await,
            Err(ServiceError::Denied(_))
        ));
        assert!(matches!(
            svc.invoice(who, id).await,
            Err(ServiceError::Denied(_))
        ));
    }
    // Another purchaser's controller cannot open it.
    svc.setup()
        .bootstrap_user(w.city, &user_form("city.controller", "controller"))
        .await
        .unwrap();
    let other = w.actor("city.controller").await;
    assert!(matches!(
        svc.invoice(&other, id).await,
        Err(ServiceError::Denied(_))
    ));
    assert!(svc.invoices(&other).await.unwrap().is_empty());

    let log = crate::log(&w).await;
    let created = log
        .iter()
        .find(|e| e.record_kind == "invoice" && e.record_id == Some(id))
        .unwrap();
    assert_eq!(created.outcome, "ok");
    assert_eq!(created.details, "received");
    assert_eq!(created.purpose, "settlement");
    assert_eq!(created.actor_id, Some(signer.user_id));
    let denied = log
        .iter()
        .filter(|e| e.record_kind == "invoice" && e.outcome == "denied")
        .count();
    assert_eq!(denied, 5);

    // The same seller and number again, even in another syntax: refused, one invoice.
    let again = write::ubl(&invoice("2026-1101", PROVIDER_BID, &s.number));
    let r = svc
        .send_invoice(&signer, Channel::Api, "again.xml", again.as_bytes())
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Refused(Refusal::Duplicate));
    assert_eq!(r.invoice, None);
    assert_eq!(svc.invoices(&signer).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_identity_code_anywhere_quarantines_the_invoice_and_is_never_stored() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let code = PersonalIdentityCode::new_made_up(NaiveDate::from_ymd_opt(2014, 5, 3).unwrap(), 915)
        .unwrap()
        .as_str()
        .to_owned();
    let mut inv = invoice("2026-1102", PROVIDER_BID, &s.number);
    inv.lines[0].note = Some(format!("Asiakas {code}, lokakuun käynnit"));
    let bytes = finvoice(&inv);
    let line = String::from_utf8_lossy(&bytes)
        .lines()
        .position(|l| l.contains(&code))
        .unwrap()
        + 1;
    let r = svc
        .send_invoice(&signer, Channel::Upload, &format!("{code}.xml"), &bytes)
        .await
        .unwrap();
    assert_eq!(
        r.outcome,
        Intake::Quarantined(QuarantineReason::IdentityCode)
    );
    assert_eq!(r.detail, format!("line {line}"));
    let id = r.invoice.unwrap();
    let kept = svc.invoice(&signer, id).await.unwrap();
    assert_eq!(kept.data.status, InvoiceStatus::Quarantined);
    // The hash is of the file as received; the kept bytes have the code overwritten.
    assert_eq!(kept.data.sha256, einvoice::sha256(&bytes));
    let mut tx = w.service.db().begin_read().await.unwrap();
    let stored = db::invoice::file_bytes(&mut tx, kept.data.file)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored.len(), bytes.len());
    let stored = String::from_utf8(stored).unwrap();
    assert!(stored.contains("Asiakas ***********, lokakuun"), "{stored}");
    // Not in the record, not in the log, not in the file's name.
    assert!(!serde_json::to_string(&kept.data).unwrap().contains(&code));
    for e in crate::log(&w).await {
        let row = format!("{e:?}");
        assert!(!row.contains(&code), "{row}");
        // Nor its birth-date part: with its century letter it cannot occur in lower-case hex.
        assert!(!row.contains(&code[..7]), "{row}");
    }
    assert!(!stored.contains(&code));
}

#[tokio::test]
async fn what_cannot_go_on_to_the_match_is_kept_aside_with_its_reason() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let op = svc.setup();

    // Another provider bills our commitment: kept aside, owned by the commitment's purchaser.
    let r = op
        .import_invoice(
            "other.xml",
            &finvoice(&invoice("X-1", OTHER_PROVIDER_BID, &s.number)),
        )
        .await
        .unwrap();
    assert_eq!(
        r.outcome,
        Intake::Quarantined(QuarantineReason::SellerNotProvider),
        "{}",
        intake(&r.outcome)
    );
    assert_eq!(r.detail, s.number);

    // A well-formed number that names no commitment.
    let unknown = domain::commitment::commitment_number(2026, 999);
    let r = op
        .import_invoice(
            "u.xml",
            &finvoice(&invoice("2026-1201", PROVIDER_BID, &unknown)),
        )
        .await
        .unwrap();
    assert_eq!(
        r.outcome,
        Intake::Quarantined(QuarantineReason::UnknownCommitment)
    );
    // No number at all.
    let mut none = invoice("2026-1202", PROVIDER_BID, "");
    none.buyer_reference = None;
    none.lines[0].order_reference = None;
    let r = op.import_invoice("n.xml", &finvoice(&none)).await.unwrap();
    assert_eq!(
        r.outcome,
        Intake::Quarantined(QuarantineReason::UnknownCommitment)
    );

    // Totals that do not add up.
    let mut wrong = invoice("2026-1203", PROVIDER_BID, &s.number);
    wrong.totals.payable = Some(Decimal::from_str("997.50").unwrap());
    let r = op.import_invoice("w.xml", &finvoice(&wrong)).await.unwrap();
    assert_eq!(
        r.outcome,
        Intake::Quarantined(QuarantineReason::InconsistentTotals)
    );
    assert_eq!(r.detail, "BR-CO-16 totals");

    // A credit note for an invoice Kumppani never received; then one for an invoice it did.
    let credit = |number: &str, credits: &str| {
        let mut c = invoice(number, PROVIDER_BID, &s.number);
        c.kind = DocumentKind::CreditNote;
        c.type_code = Some("381".into());
        c.preceding_invoices = vec![InvoiceReference {
            number: credits.into(),
            date: None,
        }];
        write::ubl(&c).into_bytes()
    };
    let r = op
        .import_invoice("c1.xml", &credit("2026-H1", "2026-0001"))
        .await
        .unwrap();
    assert_eq!(
        r.outcome,
        Intake::Quarantined(QuarantineReason::CreditWithoutInvoice)
    );
    let first = op
        .import_invoice(
            "i.xml",
            &finvoice(&invoice("2026-1300", PROVIDER_BID, &s.number)),
        )
        .await
        .unwrap();
    assert_eq!(first.outcome, Intake::Received);
    let r = op
        .import_invoice("c2.xml", &credit("2026-H2", "2026-1300"))
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Received, "{}", r.detail);

    // The operator's rows name no user; the quarantine reasons are in the log.
    let signer = w.actor("p.signer").await;
    let all = svc.invoices(&signer).await.unwrap();
    let credit_note = all.iter().find(|d| d.data.number == "2026-H2").unwrap();
    assert_eq!(credit_note.data.credited, vec![first.invoice.unwrap()]);
    assert_eq!(credit_note.data.payable.cents(), -97_500);
    // The other provider's invoice is the purchaser's to look at, not this provider's.
    assert!(all
        .iter()
        .all(|d| d.data.seller_business_id == PROVIDER_BID));
    let log = crate::log(&w).await;
    let reasons: Vec<&str> = log
        .iter()
        .filter(|e| e.record_kind == "invoice" && e.actor_id.is_none())
        .map(|e| e.details.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "quarantined: seller-not-provider",
            "quarantined: unknown-commitment",
            "quarantined: unknown-commitment",
            "quarantined: inconsistent-totals",
            "quarantined: credit-without-invoice",
            "received",
            "received",
        ]
    );
}

#[tokio::test]
async fn what_is_refused_becomes_no_invoice_and_its_file_is_kept_with_the_reason() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;

    // Not well-formed, and naming a person: refused with the line; the file is kept as
    // received, its hash of the bytes as sent, the code overwritten in what is kept.
    let code = PersonalIdentityCode::new_made_up(NaiveDate::from_ymd_opt(2013, 2, 7).unwrap(), 921)
        .unwrap()
        .as_str()
        .to_owned();
    let bad = format!("<Finvoice Version=\"3.0\">\n<InvoiceDetails>{code}\n</Finvoice>");
    let r = svc
        .send_invoice(&signer, Channel::Upload, "bad.xml", bad.as_bytes())
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Refused(Refusal::Unreadable));
    assert!(r.detail.starts_with("3 "), "{}", r.detail);
    assert!(r.invoice.is_none());
    let mut tx = w.service.db().begin_read().await.unwrap();
    let stored = db::invoice::file_bytes(&mut tx, r.file.unwrap())
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(stored.len(), bad.len());
    assert!(String::from_utf8(stored)
        .unwrap()
        .contains("<InvoiceDetails>***********"));
    // A DTD, refused the same way.
    let xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Finvoice [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Finvoice>&x;</Finvoice>";
    let r = svc
        .send_invoice(&signer, Channel::Api, "x.xml", xxe.as_bytes())
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Refused(Refusal::Unreadable));

    // A provider sending another seller's invoice.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "o.xml",
            &finvoice(&invoice("O-1", OTHER_PROVIDER_BID, &s.number)),
        )
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Refused(Refusal::NotSender));

    // A buyer Kumppani does not serve, and no commitment: nobody to keep it for.
    let mut stranger = invoice("S-1", PROVIDER_BID, "");
    stranger.buyer_reference = None;
    stranger.lines[0].order_reference = None;
    stranger.buyer.business_id = Some("1572860-0".into());
    let r = svc
        .send_invoice(&signer, Channel::Upload, "s.xml", &finvoice(&stranger))
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Refused(Refusal::UnknownBuyer));

    assert!(svc.invoices(&signer).await.unwrap().is_empty());
    // The provider sees each refused file, newest first, with its reason and hash.
    let refused = svc.refused_files(&signer).await.unwrap();
    assert_eq!(
        refused
            .iter()
            .map(|f| f.refusal.as_str())
            .collect::<Vec<_>>(),
        [
            "invoice-unknown-buyer",
            "invoice-not-sender",
            "invoice-unreadable",
            "invoice-unreadable"
        ]
    );
    assert_eq!(refused[3].name, "bad.xml");
    assert_eq!(refused[3].sha256, einvoice::sha256(bad.as_bytes()));
    assert_eq!(refused[3].size, bad.len() as i64);
    // Nobody else sees them: the purchaser's controller sent none.
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.controller", "controller"))
        .await
        .unwrap();
    let other = w.actor("county.controller").await;
    assert!(svc.refused_files(&other).await.unwrap().is_empty());
    let failed: Vec<String> = crate::log(&w)
        .await
        .into_iter()
        .filter(|e| e.record_kind == "invoice" && e.outcome == "failed")
        .map(|e| e.details)
        .collect();
    assert_eq!(
        failed,
        [
            "invoice-unreadable",
            "invoice-unreadable",
            "invoice-not-sender",
            "invoice-unknown-buyer"
        ]
    );

    // The provider's worker may not send invoices at all; the refusal is logged.
    let r = svc
        .send_invoice(
            &s.worker,
            Channel::Upload,
            "w.xml",
            &finvoice(&invoice("W-1", PROVIDER_BID, &s.number)),
        )
        .await;
    assert!(matches!(r, Err(ServiceError::Denied(_))));
    let last = crate::log(&w).await.pop().unwrap();
    assert_eq!(
        (last.record_kind.as_str(), last.outcome.as_str()),
        ("invoice", "denied")
    );
}

pub(crate) fn plan() -> PlanForm {
    PlanForm {
        meeting_date: "2026-10-01".into(),
        participants: "Veeti\nSaara Kuvitelma".into(),
        goals: "Arki rytmittyy | aamut sujuvat".into(),
        estimated_duration: "6 kuukautta".into(),
        weekly_hours: "3".into(),
        evaluation_date: "2027-01-15".into(),
    }
}

pub(crate) fn report() -> ReportForm {
    ReportForm {
        ratings: vec!["4".into()],
        texts: vec!["Aamut sujuvat.".into()],
        gone_through_with_family: true,
        summary: "Hyvä kuukausi.".into(),
    }
}

/// An invoice of `hours` at `price` for a month of the commitment.
fn month_inv(number: &str, commitment: &str, month: u32, hours: &str, price: &str) -> Invoice {
    let mut inv = invoice(number, PROVIDER_BID, commitment);
    let d = |s: &str| Decimal::from_str(s).unwrap();
    let first = NaiveDate::from_ymd_opt(2026, month, 1).unwrap();
    let last = domain::delivery::month_end(first);
    inv.period = Some(einvoice::Period {
        start: Some(first),
        end: Some(last),
    });
    let l = &mut inv.lines[0];
    l.period = inv.period.clone();
    l.quantity = Some(d(hours));
    l.net_price = Some(d(price));
    l.net_amount = Some((d(hours) * d(price)).round_dp(2));
    retotal(&mut inv);
    inv
}

/// Sets the invoice's totals to the sum of its lines (all VAT-exempt).
fn retotal(inv: &mut Invoice) {
    let net: Decimal = inv.lines.iter().filter_map(|l| l.net_amount).sum();
    for v in [
        &mut inv.totals.line_total,
        &mut inv.totals.tax_exclusive,
        &mut inv.totals.tax_inclusive,
        &mut inv.totals.payable,
    ] {
        *v = Some(net);
    }
    inv.vat_breakdown[0].taxable = Some(net);
}

pub(crate) fn month_invoice(
    number: &str,
    commitment: &str,
    month: u32,
    hours: &str,
    price: &str,
) -> Vec<u8> {
    finvoice(&month_inv(number, commitment, month, hours, price))
}

#[tokio::test]
async fn an_invoice_is_matched_on_the_approved_month_and_held_while_the_report_is_not() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let k = s.roster[0];
    // October: eight one-hour visits; the family confirms seven and disputes one.
    let days = [1, 6, 8, 13, 15, 20, 22, 27];
    let rows: Vec<_> = days
        .iter()
        .map(|d| {
            row(
                &s.number,
                &format!("o{d}"),
                &format!("2026-10-{d:02}"),
                "09:00",
                "10:00",
                &[k],
            )
        })
        .collect();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    let mine = svc.family_visits(&s.guardian).await.unwrap();
    assert_eq!(mine.len(), 8);
    svc.answer_visit(&s.guardian, mine[0].id, false, "Ei tullut.")
        .await
        .unwrap();
    for v in &mine[1..] {
        svc.answer_visit(&s.guardian, v.id, true, "").await.unwrap();
    }
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();

    // Billed before the report is approved: 8 h at 80.00 instead of 78.00. Held.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice("2026-2001", &s.number, 10, "8", "80"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, Some(InvoiceStatus::Held));
    let id = r.invoice.unwrap();
    // November's invoice waits for November's report, which is not even written.
    let nov = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "nov.xml",
            &month_invoice("2026-2002", &s.number, 11, "2", "78"),
        )
        .await
        .unwrap();
    assert_eq!(nov.status, Some(InvoiceStatus::Held));

    // The social worker approves October: its invoice is released and matched, line by line.
    svc.decide_report(&s.social, &s.number, oct, true, "")
        .await
        .unwrap();
    let d = svc.invoice(&signer, id).await.unwrap().data;
    assert_eq!(d.status, InvoiceStatus::ToCheck);
    assert!(d.held_for.is_empty());
    let found: Vec<(&str, &str, i64)> = d
        .discrepancies
        .iter()
        .map(|x| (x.code.code(), x.line.as_str(), x.at_stake.cents()))
        .collect();
    // The disputed hour at the contract's price, and 2.00 € too much on each of eight hours.
    assert_eq!(
        found,
        [
            ("price-differs", "1", 1_600),
            ("disputed-billed", "1", 7_800)
        ]
    );
    let disputed = &d.discrepancies[1];
    assert_eq!(
        (disputed.expected.text(), disputed.found.text()),
        ("7 h".to_owned(), "8 h".to_owned())
    );
    // November is still held; its release is logged with October's approval.
    let n = svc
        .invoice(&signer, nov.invoice.unwrap())
        .await
        .unwrap()
        .data;
    assert_eq!(n.status, InvoiceStatus::Held);
    let log = crate::log(&w).await;
    assert!(log.iter().any(|e| e.record_kind == "invoice"
        && e.record_id == Some(id)
        && e.details.starts_with("to_check: report")));

    // A second invoice for October's same hours: billed already.
    let again = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct2.xml",
            &month_invoice("2026-2003", &s.number, 10, "7", "78"),
        )
        .await
        .unwrap();
    assert_eq!(again.status, Some(InvoiceStatus::ToCheck));
    let d = svc
        .invoice(&signer, again.invoice.unwrap())
        .await
        .unwrap()
        .data;
    let codes: Vec<&str> = d.discrepancies.iter().map(|x| x.code.code()).collect();
    assert!(codes.contains(&"already-billed"), "{codes:?}");
}

#[tokio::test]
async fn a_checker_and_another_approver_approve_and_the_export_carries_it_once() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    for u in ["county.checker", "county.approver"] {
        svc.setup()
            .bootstrap_user(w.county, &user_form(u, "controller"))
            .await
            .unwrap();
    }
    let (checker, approver) = (
        w.actor("county.checker").await,
        w.actor("county.approver").await,
    );
    let k = s.roster[0];
    let rows: Vec<_> = [6, 8, 13, 15, 20, 22, 27, 29]
        .iter()
        .map(|d| {
            row(
                &s.number,
                &format!("a{d}"),
                &format!("2026-10-{d:02}"),
                "09:00",
                "10:00",
                &[k],
            )
        })
        .collect();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    for v in svc.family_visits(&s.guardian).await.unwrap() {
        svc.answer_visit(&s.guardian, v.id, true, "").await.unwrap();
    }
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();
    svc.decide_report(&s.social, &s.number, oct, true, "")
        .await
        .unwrap();
    // 8 h at 78.00 = 624.00, above the 500.00 limit: two people are needed.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice("2026-3001", &s.number, 10, "8", "78"),
        )
        .await
        .unwrap();
    let id = r.invoice.unwrap();
    assert_eq!(r.status, Some(InvoiceStatus::ToCheck));
    let step = |step: &str, amount: &str, reason: &str| DecisionForm {
        step: step.into(),
        amount: amount.into(),
        reason: reason.into(),
    };
    let fi = domain::locale::Lang::Fi;
    let code = |e: ServiceError| match e {
        ServiceError::Invalid(f) => f.0[0].code.clone(),
        other => format!("{other:?}"),
    };
    // Not straight to approval, and the provider cannot decide.
    let e = svc
        .decide_invoice(&checker, id, &step("approve", "", ""), fi)
        .await
        .unwrap_err();
    assert_eq!(code(e), "invoice-needs-check");
    assert!(matches!(
        svc.decide_invoice(&signer, id, &step("check", "", ""), fi)
            .await,
        Err(ServiceError::Denied(_))
    ));
    assert_eq!(
        svc.decide_invoice(&checker, id, &step("check", "", ""), fi)
            .await
            .unwrap(),
        InvoiceStatus::Checked
    );
    // The checker cannot approve it too.
    let e = svc
        .decide_invoice(&checker, id, &step("approve", "", ""), fi)
        .await
        .unwrap_err();
    assert_eq!(code(e), "invoice-same-person");
    // An approval in part needs a reason, and at most the amount due.
    let e = svc
        .decide_invoice(&approver, id, &step("approve", "600,00", ""), fi)
        .await
        .unwrap_err();
    assert_eq!(code(e), "required");
    let e = svc
        .decide_invoice(&approver, id, &step("approve", "700,00", "liikaa"), fi)
        .await
        .unwrap_err();
    assert_eq!(code(e), "invoice-amount-invalid");
    assert_eq!(
        svc.decide_invoice(
            &approver,
            id,
            &step("approve", "600,00", "Aloituspalaveri sovittu hintaan."),
            fi
        )
        .await
        .unwrap(),
        InvoiceStatus::Approved
    );
    let d = svc.invoice(&signer, id).await.unwrap().data;
    assert_eq!(d.approved_amount.map(|m| m.cents()), Some(60_000));
    assert_eq!(d.decisions.len(), 2);

    // The budget line: the approved 600.00 is cost, and no longer reserved.
    let b = svc.budget(&approver).await.unwrap();
    let line = &b[0];
    assert_eq!(line.actual.cents(), 60_000);
    assert_eq!(line.invoiced.cents(), 0);
    let c = svc
        .commitments(&s.social)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.data.number == s.number)
        .unwrap()
        .data;
    let max_total = c.max_total;
    assert_eq!(line.reserved.cents(), max_total.cents() - 60_000);
    assert_eq!(line.free.cents(), 10_000_000 - max_total.cents());
    // The forecast: the approved 600.00, and the commitment's worth from the day after the
    // invoice's period to the end of the line's year (the arithmetic is tested by hand in
    // domain's forecast tests; this is what the budget feeds it).
    let after = d.period_end.unwrap().succ_opt().unwrap();
    let year_end = NaiveDate::from_ymd_opt(line.line.year, 12, 31).unwrap();
    let rest = domain::commitment::value_between(&c, after, year_end);
    assert!(rest.cents() > 0);
    assert_eq!(line.forecast.expected.cents(), 60_000 + rest.cents());
    assert_eq!(line.forecast.remaining, rest);
    assert_eq!(line.forecast.runs_out, None);
    assert_eq!(
        line.forecast.margin.cents(),
        10_000_000 - 60_000 - rest.cents()
    );
    // By lot and provider: the one commitment's lot and provider carry the whole line.
    assert_eq!(line.shares.len(), 1);
    let share = &line.shares[0];
    assert_eq!((share.lot, share.provider), (c.lot, c.provider));
    assert_eq!(share.provider_name, "Testituottaja Oy");
    assert_eq!(share.paid.cents(), 60_000);
    assert_eq!(share.expected, line.forecast.expected);

    // The export carries it once: the line at 624.00 and the part not approved.
    let e1 = svc.export_invoices(&approver).await.unwrap();
    assert_eq!((e1.number, e1.invoices, e1.total.cents()), (1, 1, 60_000));
    let (n, csv) = svc.invoice_export_file(&approver, e1.id).await.unwrap();
    assert_eq!(n, 1);
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("export;invoice_id;"));
    assert!(rows[1].contains(";2026-3001;invoice;"), "{csv}");
    assert!(
        rows[1].contains(&format!(";{};4100;Perhetyö 2026;4300;E;624.00", s.number)),
        "{csv}"
    );
    assert!(rows[2].ends_with(";-24.00"), "{csv}");
    // Fetched again, the same bytes; a second export has nothing to take.
    assert_eq!(
        svc.invoice_export_file(&approver, e1.id).await.unwrap().1,
        csv
    );
    let e = svc.export_invoices(&approver).await.unwrap_err();
    assert_eq!(code(e), "invoice-export-empty");
    assert_eq!(
        svc.invoice(&signer, id).await.unwrap().data.status,
        InvoiceStatus::Exported
    );
    // The provider sees where it stands but cannot export or read exports.
    assert!(matches!(
        svc.export_invoices(&signer).await,
        Err(ServiceError::Denied(_))
    ));
    assert!(matches!(
        svc.invoice_export_file(&signer, e1.id).await,
        Err(ServiceError::Denied(_))
    ));
    let log = crate::log(&w).await;
    for detail in [
        "check",
        "approve 600.00",
        "exported in 1",
        "export 1: 1 invoices",
    ] {
        assert!(
            log.iter()
                .any(|e| e.record_kind == "invoice" && e.details == detail),
            "{detail}"
        );
    }
}

#[tokio::test]
async fn a_returned_invoice_and_a_credit_request_carry_their_reason_to_the_provider() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.controller", "controller"))
        .await
        .unwrap();
    let controller = w.actor("county.controller").await;
    let fi = domain::locale::Lang::Fi;
    // No month on the lines: matched at once, with the discrepancy no-period.
    let mut ids = Vec::new();
    for n in ["R-1", "R-2"] {
        let mut inv = invoice(n, PROVIDER_BID, &s.number);
        inv.period = None;
        inv.lines[0].period = None;
        let r = svc
            .send_invoice(&signer, Channel::Upload, "r.xml", &finvoice(&inv))
            .await
            .unwrap();
        assert_eq!(r.status, Some(InvoiceStatus::ToCheck));
        ids.push(r.invoice.unwrap());
    }
    let d = svc.invoice(&controller, ids[0]).await.unwrap().data;
    assert_eq!(d.discrepancies[0].code.code(), "no-period");
    let form = |step: &str, reason: &str| DecisionForm {
        step: step.into(),
        amount: String::new(),
        reason: reason.into(),
    };
    let e = svc
        .decide_invoice(&controller, ids[0], &form("return", " "), fi)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Invalid(f) if f.get("reason") == Some("required")));
    assert_eq!(
        svc.decide_invoice(
            &controller,
            ids[0],
            &form("return", "Laskutuskausi puuttuu."),
            fi
        )
        .await
        .unwrap(),
        InvoiceStatus::Returned
    );
    assert_eq!(
        svc.decide_invoice(
            &controller,
            ids[1],
            &form("request_credit", "Väärä hinta."),
            fi
        )
        .await
        .unwrap(),
        InvoiceStatus::CreditRequested
    );
    // Closed: no further step.
    let e = svc
        .decide_invoice(&controller, ids[0], &form("check", ""), fi)
        .await
        .unwrap_err();
    assert!(matches!(e, ServiceError::Invalid(f) if f.get("step") == Some("step-not-possible")));
    let mine = svc.invoices(&signer).await.unwrap();
    let returned = mine.iter().find(|d| d.id == ids[0]).unwrap();
    assert_eq!(returned.data.status, InvoiceStatus::Returned);
    assert_eq!(returned.data.decisions[0].reason, "Laskutuskausi puuttuu.");
}

#[tokio::test]
async fn every_discrepancy_code_comes_out_of_the_match_on_the_line_it_belongs_to() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let k = s.roster[0];
    // October: eight one-hour visits; six confirmed, one disputed, one left unconfirmed. The
    // report is approved with the last one unconfirmed.
    let days = [1, 6, 8, 13, 15, 20, 22, 27];
    let rows: Vec<_> = days
        .iter()
        .map(|d| {
            row(
                &s.number,
                &format!("c{d}"),
                &format!("2026-10-{d:02}"),
                "09:00",
                "10:00",
                &[k],
            )
        })
        .collect();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    let fam = svc.family_visits(&s.guardian).await.unwrap();
    svc.answer_visit(&s.guardian, fam[0].id, false, "Ei tullut.")
        .await
        .unwrap();
    for v in &fam[1..7] {
        svc.answer_visit(&s.guardian, v.id, true, "").await.unwrap();
    }
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();
    svc.decide_report(&s.social, &s.number, oct, true, "")
        .await
        .unwrap();

    let d = |x: &str| Decimal::from_str(x).unwrap();
    let period = |m: u32| {
        let first = NaiveDate::from_ymd_opt(2026, m, 1).unwrap();
        Some(einvoice::Period {
            start: Some(first),
            end: Some(domain::delivery::month_end(first)),
        })
    };
    let mut inv = invoice("2026-4001", PROVIDER_BID, &s.number);
    inv.buyer_reference = None;
    inv.period = None;
    let base = inv.lines[0].clone();
    let line = |id: &str, qty: &str, unit: &str, price: &str, month: Option<u32>| {
        let mut l = base.clone();
        l.id = id.into();
        l.quantity = Some(d(qty));
        l.unit = Some(unit.into());
        l.net_price = Some(d(price));
        l.net_amount = Some((d(qty) * d(price)).round_dp(2));
        l.period = month.and_then(period);
        l
    };
    // 1: nine hours at 80.00 in October: another price, the unconfirmed and the disputed hour,
    //    and one hour never delivered.
    // 2: kilometres at 0.59 with VAT 25.5 %: not a unit of the commitment, and VAT charged.
    // 3: no commitment named. 4: no period anywhere. 5: September, before the commitment.
    let mut km = line("2", "100", "KMT", "0.59", Some(10));
    km.vat_category = Some("S".into());
    km.vat_rate = Some(d("25.5"));
    km.vat_amount = Some(d("15.05"));
    let mut loose = line("3", "1", "HUR", "78", Some(10));
    loose.order_reference = None;
    // 6: the family's client fee passed on to the county: the provider billed the client.
    let mut fee = line("6", "1", "C62", "45", Some(10));
    fee.name = Some("Asiakasmaksu lokakuu".into());
    inv.lines = vec![
        line("1", "9", "HUR", "80", Some(10)),
        km,
        loose,
        line("4", "1", "HUR", "78", None),
        line("5", "2", "HUR", "78", Some(9)),
        fee,
    ];
    let net: Decimal = inv.lines.iter().filter_map(|l| l.net_amount).sum();
    let vat = d("15.05");
    inv.totals.line_total = Some(net);
    inv.totals.tax_exclusive = Some(net);
    inv.totals.vat_total = Some(vat);
    inv.totals.tax_inclusive = Some(net + vat);
    inv.totals.payable = Some(net + vat);
    let exempt = einvoice::VatBreakdown {
        taxable: Some(net - d("59.00")),
        ..inv.vat_breakdown[0].clone()
    };
    inv.vat_breakdown = vec![
        exempt,
        einvoice::VatBreakdown {
            category: Some("S".into()),
            rate: Some(d("25.5")),
            taxable: Some(d("59.00")),
            tax: Some(vat),
            exemption_reason: None,
            exemption_code: None,
        },
    ];
    let r = svc
        .send_invoice(&signer, Channel::Upload, "all.xml", &finvoice(&inv))
        .await
        .unwrap();
    assert_eq!(r.status, Some(InvoiceStatus::ToCheck), "{r:?}");
    let got = svc.invoice(&signer, r.invoice.unwrap()).await.unwrap().data;
    let mut found: Vec<(String, String, i64)> = got
        .discrepancies
        .iter()
        .map(|x| (x.code.code().to_owned(), x.line.clone(), x.at_stake.cents()))
        .collect();
    found.sort();
    let mut want: Vec<(String, String, i64)> = [
        ("disputed-billed", "1", 7_800),
        ("more-than-delivered", "1", 7_800),
        ("no-commitment", "3", 7_800),
        ("no-period", "4", 7_800),
        ("outside-period", "5", 15_600),
        ("price-differs", "1", 1_800),
        ("unconfirmed-billed", "1", 7_800),
        ("unit-not-in-commitment", "2", 5_900),
        ("vat-charged", "2", 1_505),
        ("client-fee", "6", 4_500),
    ]
    .iter()
    .map(|(c, l, a)| ((*c).to_owned(), (*l).to_owned(), *a))
    .collect();
    want.sort();
    assert_eq!(found, want);

    // Another invoice for October's hours: billed already, and beyond what the commitment
    // allows in the month (3 h a week: 13 h 17 min).
    let mut again = invoice("2026-4002", PROVIDER_BID, &s.number);
    again.period = period(10);
    again.lines[0] = line("1", "20", "HUR", "78", Some(10));
    let total = d("1560.00");
    for v in [
        &mut again.totals.line_total,
        &mut again.totals.tax_exclusive,
        &mut again.totals.tax_inclusive,
        &mut again.totals.payable,
    ] {
        *v = Some(total);
    }
    again.vat_breakdown[0].taxable = Some(total);
    let r = svc
        .send_invoice(&signer, Channel::Upload, "again.xml", &finvoice(&again))
        .await
        .unwrap();
    let got = svc.invoice(&signer, r.invoice.unwrap()).await.unwrap().data;
    let codes: Vec<(&str, i64)> = got
        .discrepancies
        .iter()
        .map(|x| (x.code.code(), x.at_stake.cents()))
        .collect();
    // Before it 9 h were billed on October's hours (the lines without a commitment or a month
    // bill none of them); 8 h were delivered.
    let allowed = 3 * 60 * 31 / 7;
    let over = (29 * 60 - allowed).min(20 * 60);
    assert_eq!(
        codes,
        [
            ("already-billed", 20 * 7_800),
            ("over-commitment", (7_800 * over + 30) / 60)
        ]
    );
}

/// October of the setup's commitment: a one-hour visit on each of `days`, all confirmed by the
/// family, the report written and approved. Returns the controllers `county.checker` and
/// `county.approver`.
pub(crate) async fn approved_october(
    w: &World,
    s: &crate::delivery::Setup,
    days: &[u32],
) -> (domain::org::Actor, domain::org::Actor) {
    let svc = &w.service;
    for u in ["county.checker", "county.approver"] {
        svc.setup()
            .bootstrap_user(w.county, &user_form(u, "controller"))
            .await
            .unwrap();
    }
    let rows: Vec<_> = days
        .iter()
        .map(|d| {
            row(
                &s.number,
                &format!("c{d}"),
                &format!("2026-10-{d:02}"),
                "09:00",
                "10:00",
                &[s.roster[0]],
            )
        })
        .collect();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    for v in svc.family_visits(&s.guardian).await.unwrap() {
        svc.answer_visit(&s.guardian, v.id, true, "").await.unwrap();
    }
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();
    svc.decide_report(&s.social, &s.number, oct, true, "")
        .await
        .unwrap();
    (
        w.actor("county.checker").await,
        w.actor("county.approver").await,
    )
}

/// October's invoice `number` for `hours` at 78.00, sent by the provider's signatory, checked
/// by one controller and approved by the other.
async fn paid_october(
    w: &World,
    s: &crate::delivery::Setup,
    number: &str,
    hours: &str,
    (checker, approver): (&domain::org::Actor, &domain::org::Actor),
) -> uuid::Uuid {
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice(number, &s.number, 10, hours, "78"),
        )
        .await
        .unwrap();
    let id = r.invoice.unwrap();
    let fi = domain::locale::Lang::Fi;
    svc.decide_invoice(checker, id, &step("check"), fi)
        .await
        .unwrap();
    svc.decide_invoice(approver, id, &step("approve"), fi)
        .await
        .unwrap();
    id
}

fn step(step: &str) -> DecisionForm {
    DecisionForm {
        step: step.into(),
        amount: String::new(),
        reason: String::new(),
    }
}

/// A new commitment version, accepted by the provider.
async fn new_version(w: &World, s: &crate::delivery::Setup, hours_per_week: &str) {
    use service::commitment::ChangeForm;
    let svc = &w.service;
    let current = svc
        .commitments(&s.social)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| c.data.number == s.number)
        .max_by_key(|c| c.data.version)
        .unwrap();
    let v = svc
        .change_commitment(
            &s.social,
            current.id,
            &ChangeForm {
                kind: "change".into(),
                ends_on: String::new(),
                hours_per_week: hours_per_week.into(),
                reason: "Tarve muuttui.".into(),
            },
        )
        .await
        .unwrap();
    let signer = w.actor("p.signer").await;
    svc.answer_commitment(&signer, v, true, "").await.unwrap();
}

#[tokio::test]
async fn a_month_changed_after_payment_is_corrected_by_a_credit_request_and_its_credit_note() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let (checker, approver) = approved_october(&w, &s, &[6, 8, 13, 15, 20, 22, 27, 29]).await;
    // 8 h at 78.00 = 624.00, checked and approved by two people: October is paid.
    let id = paid_october(&w, &s, "2026-5001", "8", (&checker, &approver)).await;
    let fi = domain::locale::Lang::Fi;
    let paid = svc.invoice(&approver, id).await.unwrap().data;
    assert_eq!(paid.settled.len(), 1);
    assert_eq!(
        (paid.settled[0].minutes, paid.settled[0].amount.cents()),
        (480, 62_400)
    );
    // Nothing has changed: nothing to correct.
    assert!(svc.corrections(&approver).await.unwrap().due.is_empty());

    // A new version cuts the commitment to one hour a week, October included: 31 days × 1 h / 7
    // = 4 h 25 min are owed, 344.50 €; 279.50 € was paid too much.
    new_version(&w, &s, "1").await;
    let v = svc.corrections(&approver).await.unwrap();
    assert!(v.may_record);
    assert_eq!(v.due.len(), 1);
    let d = &v.due[0];
    let rows: Vec<(&str, i64, i64)> = d
        .rows
        .iter()
        .map(|r| (r.kind.code(), r.minutes, r.amount.cents()))
        .collect();
    assert_eq!(
        rows,
        [
            ("original", 480, 62_400),
            ("refund", -480, -62_400),
            ("correction", 265, 34_450)
        ]
    );
    assert_eq!(d.difference.cents(), -27_950);
    assert_eq!(d.outcome, domain::correction::Outcome::CreditRequest);
    // The provider sees none of what is due, and may record nothing.
    let p = svc.corrections(&signer).await.unwrap();
    assert!(p.due.is_empty() && p.recorded.is_empty() && !p.may_record);
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    assert!(matches!(
        svc.record_correction(&signer, &s.number, oct, "x").await,
        Err(ServiceError::Denied(_))
    ));
    // Recorded without a reason: refused, nothing saved.
    let e = svc
        .record_correction(&approver, &s.number, oct, " ")
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("reason") == Some("required")));
    let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let e = svc
        .record_correction(&approver, &s.number, nov, "x")
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("month") == Some("correction-none")));
    let cid = svc
        .record_correction(&approver, &s.number, oct, "Sitoumus muutettiin lokakuusta.")
        .await
        .unwrap();
    let v = svc.corrections(&approver).await.unwrap();
    assert!(v.due.is_empty(), "recorded, no longer due");
    assert_eq!(v.recorded.len(), 1);
    assert_eq!(v.recorded[0].id, cid);
    assert_eq!(v.recorded[0].data.invoices, ["2026-5001"]);
    assert_eq!(v.recorded[0].data.settled_by, None);
    // The provider sees the request addressed to it.
    let p = svc.corrections(&signer).await.unwrap();
    assert_eq!(p.recorded.len(), 1);
    assert_eq!(p.recorded[0].data.difference.cents(), -27_950);

    // Its credit note of 3 h 35 min at 78.00 = 279.50, crediting the invoice, is approved
    // (under the two-person limit) and settles the request; nothing more is due.
    let mut c = month_inv("2026-H501", &s.number, 10, "3.5833", "78");
    c.kind = DocumentKind::CreditNote;
    c.type_code = Some("381".into());
    c.preceding_invoices = vec![InvoiceReference {
        number: "2026-5001".into(),
        date: None,
    }];
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "cn.xml",
            &write::ubl(&c).into_bytes(),
        )
        .await
        .unwrap();
    assert_eq!(r.outcome, Intake::Received, "{}", r.detail);
    let cn = r.invoice.unwrap();
    svc.decide_invoice(&approver, cn, &step("approve"), fi)
        .await
        .unwrap();
    let v = svc.corrections(&approver).await.unwrap();
    assert_eq!(v.recorded[0].data.settled_by, Some(cn));
    assert!(v.due.is_empty(), "{:?}", v.due);
    let log = crate::log(&w).await;
    assert!(log
        .iter()
        .any(|e| e.details == format!("correction {} 2026-10 credit_request -27950", s.number)));
    assert!(log
        .iter()
        .any(|e| e.details == format!("correction {} 2026-10 settled by 2026-H501", s.number)));
}

#[tokio::test]
async fn hours_over_the_commitment_paid_later_by_a_new_version_are_an_accepted_additional_line() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    // Fourteen one-hour visits in October against three hours a week: 31 × 3 / 7 = 13 h 17 min.
    let days = [1, 2, 5, 6, 7, 8, 9, 12, 13, 14, 15, 16, 19, 20];
    let (checker, approver) = approved_october(&w, &s, &days).await;
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice("2026-6001", &s.number, 10, "14", "78"),
        )
        .await
        .unwrap();
    let id = r.invoice.unwrap();
    let d = svc.invoice(&approver, id).await.unwrap().data;
    let codes: Vec<(&str, i64)> = d
        .discrepancies
        .iter()
        .map(|x| (x.code.code(), x.at_stake.cents()))
        .collect();
    // 43 minutes over: 55.90 €.
    assert_eq!(codes, [("over-commitment", 5_590)]);
    let fi = domain::locale::Lang::Fi;
    svc.decide_invoice(&checker, id, &step("check"), fi)
        .await
        .unwrap();
    svc.decide_invoice(
        &approver,
        id,
        &DecisionForm {
            step: "approve".into(),
            amount: "1036,10".into(),
            reason: "Sitoumuksen ylittävä osa vähennetty.".into(),
        },
        fi,
    )
    .await
    .unwrap();
    let paid = svc.invoice(&approver, id).await.unwrap().data;
    assert_eq!(
        (paid.settled[0].minutes, paid.settled[0].amount.cents()),
        (797, 103_610)
    );
    // Four hours a week from the start, October included: all 14 hours were owed.
    new_version(&w, &s, "4").await;
    let v = svc.corrections(&approver).await.unwrap();
    assert_eq!(v.due.len(), 1);
    assert_eq!(v.due[0].difference.cents(), 5_590);
    assert_eq!(
        v.due[0].outcome,
        domain::correction::Outcome::AdditionalLine
    );
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.record_correction(&approver, &s.number, oct, "Tuntimäärä nostettiin.")
        .await
        .unwrap();
    // The provider bills the 43 minutes as an additional line: the match finds nothing wrong,
    // as the hours settled before are what the first invoice was paid for.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct-extra.xml",
            &month_invoice("2026-6002", &s.number, 10, "0.7167", "78"),
        )
        .await
        .unwrap();
    let extra = r.invoice.unwrap();
    let d = svc.invoice(&approver, extra).await.unwrap().data;
    assert_eq!(d.status, InvoiceStatus::ToCheck);
    assert!(d.discrepancies.is_empty(), "{:?}", d.discrepancies);
    assert_eq!(d.payable.cents(), 5_590);
    svc.decide_invoice(&approver, extra, &step("approve"), fi)
        .await
        .unwrap();
    let v = svc.corrections(&approver).await.unwrap();
    assert_eq!(v.recorded[0].data.settled_by, Some(extra));
    assert!(v.due.is_empty(), "{:?}", v.due);
}

#[tokio::test]
async fn work_participation_money_is_reported_per_client_and_matched_to_the_cent() {
    use domain::work_money::WorkMoney;
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let fi = domain::locale::Lang::Fi;
    // The lot carries work participation money: 2.00 € an hour (Vantaa's board, 21.1.2019),
    // and from 16.10.2026, for the test, 2.50 €. A rate without its day is refused.
    let lot = svc.lot(&s.buyer, s.lot).await.unwrap().lot;
    let mut form = domain::procurement::LotForm::from_lot(&lot, fi);
    form.work_money_rate = "2,00".into();
    let e = svc
        .update_lot(&s.buyer, s.lot, &form, fi)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("work_money_from") == Some("date-format"))
    );
    form.work_money_from = "2019-01-21".into();
    form.work_money_decision = "Vantaan sosiaali- ja terveyslautakunta 21.1.2019".into();
    svc.update_lot(&s.buyer, s.lot, &form, fi).await.unwrap();
    let lot = svc.lot(&s.buyer, s.lot).await.unwrap().lot;
    let mut form = domain::procurement::LotForm::from_lot(&lot, fi);
    form.work_money_rate = "2,50".into();
    form.work_money_from = "2026-10-16".into();
    svc.update_lot(&s.buyer, s.lot, &form, fi).await.unwrap();
    assert_eq!(
        svc.lot(&s.buyer, s.lot).await.unwrap().lot.work_money.len(),
        2
    );

    // October: eight one-hour visits. On the 1st the family disputes the visit; on the 6th the
    // client was ill (not come): neither is attendance. 8th–15th at 2.00, 20th–27th at 2.50.
    let days = [1, 6, 8, 13, 15, 20, 22, 27];
    let mut rows: Vec<_> = days
        .iter()
        .map(|d| {
            row(
                &s.number,
                &format!("t{d}"),
                &format!("2026-10-{d:02}"),
                "09:00",
                "10:00",
                &[s.roster[0]],
            )
        })
        .collect();
    rows[1].form.status = "no_show".into();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    let mine = svc.family_visits(&s.guardian).await.unwrap();
    for v in &mine {
        let disputed = v.record.visit.date == NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
        svc.answer_visit(&s.guardian, v.id, !disputed, "Ei käynyt.")
            .await
            .unwrap();
    }
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    // The month's report shows it for the client: 6 h, 3 × 2.00 + 3 × 2.50 = 13.50 €.
    let v = svc.delivery(&s.social, &s.number, oct).await.unwrap();
    assert_eq!(
        v.totals.work_money,
        Some(WorkMoney {
            minutes: 360,
            amount: domain::money::Money::from_cents(1_350)
        })
    );
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();
    svc.decide_report(&s.social, &s.number, oct, true, "")
        .await
        .unwrap();

    // The provider bills the six confirmed hours and the money as its own VAT-free line.
    let signer = w.actor("p.signer").await;
    let with_money = |number: &str, amount: &str, vat: &str| {
        let mut inv = month_inv(number, &s.number, 10, "6", "78");
        let mut l = inv.lines[0].clone();
        let d = |s: &str| Decimal::from_str(s).unwrap();
        l.id = "2".into();
        l.name = Some("Työosuusraha lokakuu".into());
        l.seller_item_id = Some("TYOOSUUSRAHA".into());
        l.quantity = Some(d("6"));
        l.net_price = None;
        l.net_amount = Some(d(amount));
        if vat != "0" {
            l.vat_category = Some("S".into());
            l.vat_rate = Some(d(vat));
        }
        inv.lines.push(l);
        retotal(&mut inv);
        if vat != "0" {
            // A line with VAT: the breakdown and the totals carry it.
            let vat_amount = (d(amount) * d(vat) / d("100")).round_dp(2);
            inv.vat_breakdown.push(einvoice::VatBreakdown {
                taxable: Some(d(amount)),
                tax: Some(vat_amount),
                category: Some("S".into()),
                rate: Some(d(vat)),
                exemption_reason: None,
                exemption_code: None,
            });
            inv.vat_breakdown[0].taxable = Some(d("468.00"));
            let total = d("468.00") + d(amount);
            inv.totals.vat_total = Some(vat_amount);
            inv.totals.tax_inclusive = Some(total + vat_amount);
            inv.totals.payable = Some(total + vat_amount);
        }
        finvoice(&inv)
    };
    let exact = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "a.xml",
            &with_money("2026-7001", "13.50", "0"),
        )
        .await
        .unwrap();
    assert_eq!(exact.outcome, Intake::Received, "{}", exact.detail);
    assert_eq!(found(&w, exact.invoice.unwrap()).await, []);
    // Returned, so that it no longer counts; then billed one euro too much, and with VAT.
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.checker", "controller"))
        .await
        .unwrap();
    let checker = w.actor("county.checker").await;
    svc.decide_invoice(
        &checker,
        exact.invoice.unwrap(),
        &DecisionForm {
            step: "return".into(),
            amount: String::new(),
            reason: "Testi.".into(),
        },
        fi,
    )
    .await
    .unwrap();
    let over = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "b.xml",
            &with_money("2026-7002", "14.50", "0"),
        )
        .await
        .unwrap();
    assert_eq!(
        found(&w, over.invoice.unwrap()).await,
        [("work-money-differs".to_owned(), "2".to_owned(), 100)]
    );
    let d = svc
        .invoice(&checker, over.invoice.unwrap())
        .await
        .unwrap()
        .data;
    let x = &d.discrepancies[0];
    use domain::settlement::Figure;
    assert_eq!(
        (x.expected.clone(), x.found.clone()),
        (
            Figure::Money { cents: 1_350 },
            Figure::Money { cents: 1_450 }
        )
    );
    svc.decide_invoice(
        &checker,
        over.invoice.unwrap(),
        &DecisionForm {
            step: "return".into(),
            amount: String::new(),
            reason: "Testi.".into(),
        },
        fi,
    )
    .await
    .unwrap();
    let taxed = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "c.xml",
            &with_money("2026-7003", "13.50", "25.5"),
        )
        .await
        .unwrap();
    assert_eq!(taxed.outcome, Intake::Received, "{}", taxed.detail);
    // 25.5 % of 13.50 = 3.44 (3.4425).
    assert_eq!(
        found(&w, taxed.invoice.unwrap()).await,
        [("vat-charged".to_owned(), "2".to_owned(), 344)]
    );
}

/// The discrepancies of an invoice as (code, line, cents at stake).
async fn found(w: &World, id: uuid::Uuid) -> Vec<(String, String, i64)> {
    let signer = w.actor("p.signer").await;
    w.service
        .invoice(&signer, id)
        .await
        .unwrap()
        .data
        .discrepancies
        .iter()
        .map(|x| (x.code.code().to_owned(), x.line.clone(), x.at_stake.cents()))
        .collect()
}

#[tokio::test]
async fn a_batch_of_the_drop_folder_is_matched_as_the_files_would_be_one_by_one() {
    let w = World::new().await;
    let s = setup(&w).await;
    approved_october(&w, &s, &[6, 8, 13, 15, 20, 22, 27, 29]).await;
    let files = vec![
        (
            "a.xml".to_owned(),
            month_invoice("2026-8001", &s.number, 10, "8", "78"),
        ),
        // The same hours again, in the same batch: the second sees the first.
        (
            "b.xml".to_owned(),
            month_invoice("2026-8002", &s.number, 10, "2", "78"),
        ),
        (
            "a-again.xml".to_owned(),
            month_invoice("2026-8001", &s.number, 10, "8", "78"),
        ),
        ("junk.xml".to_owned(), b"<Finvoice".to_vec()),
    ];
    let r = w.service.setup().import_invoices(&files).await.unwrap();
    let outcomes: Vec<String> = r.iter().map(|r| intake(&r.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            "Received",
            "Received",
            "Refused(Duplicate)",
            "Refused(Unreadable)"
        ]
    );
    assert_eq!(found(&w, r[0].invoice.unwrap()).await, []);
    assert_eq!(
        found(&w, r[1].invoice.unwrap()).await,
        [("already-billed".to_owned(), "1".to_owned(), 15_600)]
    );
    // Each file has its row in the log, in order, written with the batch.
    let log = crate::log(&w).await;
    let rows: Vec<&str> = log
        .iter()
        .filter(|e| e.record_kind == "invoice" && e.action == "create")
        .map(|e| e.details.as_str())
        .collect();
    assert_eq!(
        rows,
        [
            "received",
            "received",
            "invoice-duplicate",
            "invoice-unreadable"
        ]
    );
}

#[tokio::test]
async fn processing_times_measure_each_step_against_its_target_across_christmas() {
    use domain::processing::Step;
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.controller", "controller"))
        .await
        .unwrap();
    let controller = w.actor("county.controller").await;
    // Received on Tuesday 24.11.2026, held for October's report and never approved.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice("2026-4001", &s.number, 10, "8", "78"),
        )
        .await
        .unwrap();
    assert_eq!(r.status, Some(InvoiceStatus::Held));
    w.clock.advance(chrono::Duration::days(35));
    let times = svc.processing_times(&controller, 2026).await.unwrap();
    let inv = times
        .iter()
        .find(|t| t.step == Step::InvoiceApproval)
        .unwrap();
    assert_eq!(
        (inv.target, inv.count),
        (30, domain::calendar::DayCount::Calendar)
    );
    let m = &inv.summary;
    assert_eq!((m.cases, m.ended, m.share_within), (1, 0, None));
    // Thirty days from 24.11 is Christmas Eve, a day off; Christmas Day, St Stephen's Day and
    // Sunday follow, so the invoice was due on Monday 28.12. Today, 29.12, it is 35 days old.
    let b = &m.breaches[0];
    assert_eq!(b.due, NaiveDate::from_ymd_opt(2026, 12, 28).unwrap());
    assert_eq!((b.days, b.open), (35, true));
    assert!(b.key.label.ends_with("2026-4001"), "{}", b.key.label);
    assert_eq!(b.key.href, format!("/invoices/{}", r.invoice.unwrap()));
    // The commitment's need was decided: counted, ended, under its own step.
    let need = times.iter().find(|t| t.step == Step::NeedDecision).unwrap();
    assert!(need.summary.cases >= 1);
    assert_eq!(need.summary.ended, need.summary.cases);
    // Only those who follow the purchaser's figures see them; a refusal is logged.
    assert!(matches!(
        svc.processing_times(&s.social, 2026).await,
        Err(ServiceError::Denied(_))
    ));
    assert!(matches!(
        svc.processing_times(&signer, 2026).await,
        Err(ServiceError::Denied(_))
    ));
    let log = crate::log(&w).await;
    assert!(log
        .iter()
        .any(|e| e.record_kind == "follow_up" && e.outcome == "ok"));
    assert!(log
        .iter()
        .any(|e| e.record_kind == "follow_up" && e.outcome == "denied"));
}

#[tokio::test]
async fn the_scorecard_counts_a_providers_visits_reports_invoices_and_changes_of_worker() {
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    svc.setup()
        .bootstrap_user(w.county, &user_form("county.controller", "controller"))
        .await
        .unwrap();
    let controller = w.actor("county.controller").await;
    let (k, l) = (s.roster[0], s.roster[1]);
    // October's workers, visit by visit: l takes over on the 8th (a change), both come on the
    // 13th, k alone on the 15th (k was there: no change), l on the 20th (a change), l again,
    // and k on the 29th (a change): three changes in one family.
    let plan_of_days: [(u32, &[uuid::Uuid]); 8] = [
        (1, &[k]),
        (6, &[k]),
        (8, &[l]),
        (13, &[l, k]),
        (15, &[k]),
        (20, &[l]),
        (22, &[l]),
        (29, &[k]),
    ];
    let rows: Vec<_> = plan_of_days
        .iter()
        .map(|(d, who)| {
            row(
                &s.number,
                &format!("s{d}"),
                &format!("2026-10-{d:02}"),
                "09:00",
                "10:00",
                who,
            )
        })
        .collect();
    svc.record_visits(&s.worker, &rows).await.unwrap();
    let mine = svc.family_visits(&s.guardian).await.unwrap();
    svc.answer_visit(&s.guardian, mine[0].id, false, "Ei tullut.")
        .await
        .unwrap();
    for v in &mine[1..] {
        svc.answer_visit(&s.guardian, v.id, true, "").await.unwrap();
    }
    svc.save_plan(&s.worker, &s.number, &plan()).await.unwrap();
    let oct = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();
    // Returned once, then approved.
    svc.decide_report(&s.social, &s.number, oct, false, "Tavoitteet puuttuvat.")
        .await
        .unwrap();
    svc.save_report(&s.worker, &s.number, oct, &report(), true)
        .await
        .unwrap();
    svc.decide_report(&s.social, &s.number, oct, true, "")
        .await
        .unwrap();
    // Billed at 80.00 instead of 78.00, the disputed visit included: discrepancies.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice("2026-5001", &s.number, 10, "8", "80"),
        )
        .await
        .unwrap();
    assert!(r.invoice.is_some());
    let rows = svc.scorecard(&controller, 2026).await.unwrap();
    assert_eq!(rows.len(), 1);
    let (row, sc) = (&rows[0], &rows[0].score);
    assert_eq!(row.provider, w.provider);
    assert_eq!(row.lot_number, 1);
    assert_eq!((sc.commitments, sc.declined), (1, 0));
    assert_eq!((sc.visits, sc.confirmed, sc.disputed), (8, 7, 1));
    assert_eq!((sc.families, sc.worker_changes), (1, 3));
    assert_eq!((sc.reports, sc.returned_reports), (1, 1));
    assert_eq!((sc.invoices, sc.invoices_with_discrepancies), (1, 1));
    // Another year has nothing; a social worker does not follow the providers' figures.
    assert!(svc.scorecard(&controller, 2025).await.unwrap().is_empty());
    assert!(matches!(
        svc.scorecard(&s.social, 2026).await,
        Err(ServiceError::Denied(_))
    ));
}

/// A cost-sharing agreement hosted by the county with the city, 60 / 40 from 2026, expecting
/// only the provider's invoices.
async fn county_shares_with_city(w: &World, host: &domain::org::Actor) -> uuid::Uuid {
    use domain::cost_sharing::{BasisForm, SharingForm};
    let svc = &w.service;
    let form = SharingForm {
        title: "Yhteinen perhetyö".into(),
        description: String::new(),
        parties: vec![w.county.to_string(), w.city.to_string()],
        valid_from: "2026-01-01".into(),
        valid_to: "2026-12-31".into(),
        remainder: "normalise".into(),
        expected: vec![("provider_invoice".into(), String::new())],
        account: "FI49 5000 9420 0287 30".into(),
        bic: "OKOYFIHH".into(),
        payment_days: "21".into(),
    };
    let id = svc.create_cost_sharing(host, &form).await.unwrap();
    let basis = BasisForm {
        from: "2026-01-01".into(),
        to: String::new(),
        kind: "percent".into(),
        figures: vec!["60".into(), "40".into()],
        population_date: String::new(),
        reason: "Sopimus".into(),
    };
    svc.add_sharing_basis(host, id, &basis).await.unwrap();
    id
}

#[tokio::test]
async fn an_approved_invoice_on_a_shared_commitment_is_taken_in_once_at_what_was_paid() {
    use domain::agreement::Period;
    use service::shared_invoice::SourceForm;
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let signer = w.actor("p.signer").await;
    let (checker, approver) = approved_october(&w, &s, &[6, 8, 13, 15, 20, 22, 27, 29]).await;
    let q4 = Period::parse("2026-Q4").unwrap();
    let id = county_shares_with_city(&w, &approver).await;
    let source = |commitment: &str, agreement: &str| SourceForm {
        commitment: commitment.into(),
        agreement: agreement.into(),
    };
    let field = |r: Result<(), ServiceError>, f: &str| match r {
        Err(ServiceError::Invalid(e)) => e.get(f).map(str::to_owned),
        other => panic!("{other:?}"),
    };
    // Neither, both, a number that is no commitment of the county: refused, nothing named.
    assert_eq!(
        field(
            svc.add_shared_source(&approver, id, &source("", "")).await,
            "commitment"
        ),
        Some("source-required".into())
    );
    assert_eq!(
        field(
            svc.add_shared_source(
                &approver,
                id,
                &source(&s.number, &uuid::Uuid::now_v7().to_string())
            )
            .await,
            "commitment"
        ),
        Some("source-one".into())
    );
    assert_eq!(
        field(
            svc.add_shared_source(&approver, id, &source("2026-99999", ""))
                .await,
            "commitment"
        ),
        Some("unknown-commitment".into())
    );
    assert!(svc
        .cost_sharing(&approver, id)
        .await
        .unwrap()
        .sharing
        .sources
        .is_empty());

    // October's invoice, 8 h at 78.00, sent but not yet approved: nothing is offered.
    let r = svc
        .send_invoice(
            &signer,
            Channel::Upload,
            "oct.xml",
            &month_invoice("2026-5001", &s.number, 10, "8", "78"),
        )
        .await
        .unwrap();
    let inv = r.invoice.unwrap();
    svc.add_shared_source(&approver, id, &source(&s.number, ""))
        .await
        .unwrap();
    assert_eq!(
        field(
            svc.add_shared_source(&approver, id, &source(&s.number, ""))
                .await,
            "commitment"
        ),
        Some("source-twice".into())
    );
    assert!(svc
        .shared_quarter(&approver, id, q4)
        .await
        .unwrap()
        .invoices
        .is_empty());
    let e = svc
        .add_shared_invoice(&approver, id, q4, inv)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("invoice") == Some("invoice-not-shareable")),
        "{e:?}"
    );

    // Approved in part, 600.00 of 624.00: offered on Q4 (its period ends in October) at what
    // was paid, and on no other quarter.
    let fi = domain::locale::Lang::Fi;
    svc.decide_invoice(&checker, inv, &step("check"), fi)
        .await
        .unwrap();
    let mut part = step("approve");
    part.amount = "600,00".into();
    part.reason = "Yksi käynti laskutettu kahdesti".into();
    svc.decide_invoice(&approver, inv, &part, fi).await.unwrap();
    let v = svc.shared_quarter(&approver, id, q4).await.unwrap();
    assert_eq!(v.invoices.len(), 1);
    let c = &v.invoices[0];
    assert_eq!(
        (c.id, c.number.as_str(), c.paid, c.shared),
        (inv, "2026-5001", 60_000, 60_000)
    );
    assert_eq!(c.date, NaiveDate::from_ymd_opt(2026, 10, 31).unwrap());
    let q3 = Period::parse("2026-Q3").unwrap();
    assert!(svc
        .shared_quarter(&approver, id, q3)
        .await
        .unwrap()
        .invoices
        .is_empty());
    // Not on another quarter's page, and the city (a party) neither sees nor takes it.
    let e = svc
        .add_shared_invoice(&approver, id, q3, inv)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("invoice") == Some("invoice-not-shareable"))
    );
    svc.setup()
        .bootstrap_user(w.city, &user_form("city.controller", "controller"))
        .await
        .unwrap();
    let city = w.actor("city.controller").await;
    assert!(svc
        .shared_quarter(&city, id, q4)
        .await
        .unwrap()
        .invoices
        .is_empty());
    assert!(matches!(
        svc.add_shared_invoice(&city, id, q4, inv).await,
        Err(ServiceError::Denied(_))
    ));

    // Taken in: a provider invoice of 600.00 with the seller and number, split 60 / 40.
    svc.add_shared_invoice(&approver, id, q4, inv)
        .await
        .unwrap();
    let v = svc.shared_quarter(&approver, id, q4).await.unwrap();
    assert!(v.invoices.is_empty(), "taken, no longer offered");
    assert_eq!(v.items.len(), 1);
    let item = &v.items[0].data;
    assert_eq!(
        (
            item.kind.code(),
            item.document.as_str(),
            item.amount,
            item.invoice
        ),
        ("provider_invoice", "2026-5001", 60_000, Some(inv))
    );
    assert!(!item.counterparty.is_empty());
    assert_eq!(v.computation.unwrap().shares, [36_000, 24_000]);
    // Once only.
    let e = svc
        .add_shared_invoice(&approver, id, q4, inv)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("invoice") == Some("invoice-already-shared"))
    );
    let log = crate::log(&w).await;
    assert!(log
        .iter()
        .any(|e| e.details == format!("cost 2026-Q4 provider_invoice 60000 cents, invoice {inv}")));
    assert!(log
        .iter()
        .any(|e| e.details == format!("invoices shared from commitment {}", s.number)));
}

#[tokio::test]
async fn an_agreement_shares_the_invoices_on_the_providers_commitments_in_its_procurement() {
    use domain::agreement::Period;
    use service::shared_invoice::SourceForm;
    let w = World::new().await;
    let s = setup(&w).await;
    let svc = &w.service;
    let (checker, approver) = approved_october(&w, &s, &[6, 8, 13, 15]).await;
    let q4 = Period::parse("2026-Q4").unwrap();
    let id = county_shares_with_city(&w, &approver).await;
    let pid = svc.procurements(&s.buyer).await.unwrap()[0].id;
    let mut a = crate::agreement::terms(w.provider);
    a.procurement = Some(pid);
    a.valid_from = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    a.valid_to = Some(NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
    for p in &mut a.products {
        p.prices[0].year = 2026;
    }
    for o in &mut a.orders {
        o.year = 2026;
    }
    let agreement = svc.create_agreement(&s.buyer, &a).await.unwrap();
    // Another organisation's agreement id is unknown here.
    let e = svc
        .add_shared_source(
            &approver,
            id,
            &SourceForm {
                commitment: String::new(),
                agreement: uuid::Uuid::now_v7().to_string(),
            },
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("agreement") == Some("unknown-agreement"))
    );
    let choices = svc
        .cost_sharing(&approver, id)
        .await
        .unwrap()
        .agreement_choices;
    assert_eq!(choices, [(agreement, a.title.clone())]);
    svc.add_shared_source(
        &approver,
        id,
        &SourceForm {
            commitment: String::new(),
            agreement: agreement.to_string(),
        },
    )
    .await
    .unwrap();
    let inv = paid_october(&w, &s, "2026-5002", "4", (&checker, &approver)).await;
    let v = svc.shared_quarter(&approver, id, q4).await.unwrap();
    assert_eq!(v.invoices.len(), 1);
    assert_eq!((v.invoices[0].id, v.invoices[0].shared), (inv, 31_200));
    // Named no longer, it is offered no longer.
    svc.remove_shared_source(&approver, id, 0).await.unwrap();
    assert!(svc
        .shared_quarter(&approver, id, q4)
        .await
        .unwrap()
        .invoices
        .is_empty());
}
