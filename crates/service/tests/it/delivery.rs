//! Delivery under an accepted commitment: visits logged one by one and in bulk, checked against
//! the lot, confirmed or disputed by a guardian (signed in, with a one-time code, on paper), and
//! the monthly report submitted, returned, resubmitted and approved, which closes the month.

use crate::admission::{app_form, lot, person, procurement, provider, step};
use chrono::NaiveDate;
use domain::access::Denial;
use domain::client::ClientForm;
use domain::delivery::{PlanForm, Reminder, ReportForm, ReportStatus};
use domain::ident::PersonalIdentityCode;
use domain::org::Actor;
use domain::procurement::ProcurementKind;
use domain::requirement::{Requirement, Rule};
use domain::visit::{ConfirmationState, Flag, VisitForm};
use service::commitment::CommitmentForm;
use service::need::{NeedForm, RecommendForm};
use service::visit::{RowOutcome, VisitRow};
use service::ServiceError;
use testkit::{user_form, World};
use uuid::Uuid;

fn hetu(y: i32, m: u32, d: u32, n: u16) -> String {
    PersonalIdentityCode::new_made_up(NaiveDate::from_ymd_opt(y, m, d).unwrap(), n)
        .unwrap()
        .as_str()
        .to_owned()
}

fn person_form(code: &str, first: &str, last: &str) -> ClientForm {
    ClientForm {
        identity_code: code.into(),
        first_name: first.into(),
        last_name: last.into(),
        home_municipality: "Kotka".into(),
        language: "fi".into(),
        turvakielto: "yes".into(),
        ..Default::default()
    }
}

pub(crate) struct Setup {
    pub(crate) number: String,
    /// The provider's worker, who logs visits.
    pub(crate) worker: Actor,
    pub(crate) social: Actor,
    /// Guardian of the served child, and a guardian of another family.
    pub(crate) guardian: Actor,
    pub(crate) stranger: Actor,
    /// Admitted roster (two) and a staff member not on it.
    pub(crate) roster: Vec<Uuid>,
    outsider: Uuid,
    other_provider_worker: Actor,
    /// The commitment's lot, and the procurement specialist.
    pub(crate) lot: Uuid,
    pub(crate) buyer: Actor,
}

/// A lot with pair work above three, an admitted provider, a child with two guardians and an
/// accepted commitment from 1.10.2026 to 31.3.2027 for three hours a week. The world's clock is
/// Tuesday 24.11.2026.
pub(crate) async fn setup(w: &World) -> Setup {
    let s = &w.service;
    for (u, r) in [
        ("county.buyer", "procurement_specialist"),
        ("county.lead", "leading_social_worker"),
    ] {
        s.setup()
            .bootstrap_user(w.county, &user_form(u, r))
            .await
            .unwrap();
    }
    let (buyer, social, lead) = (
        w.actor("county.buyer").await,
        w.actor("county.worker").await,
        w.actor("county.lead").await,
    );
    let mut l = lot(1, "Tehostettu perhetyö", true);
    l.requirements.push(Requirement {
        text: domain::requirement::LocalText::fi("Ryhmissä kaksi työntekijää"),
        rule: Rule::PairWork {
            more_than_participants: 3,
        },
    });
    let pid = s
        .setup()
        .bootstrap_procurement(
            w.county,
            &procurement(ProcurementKind::DynamicPurchasingSystem),
            &[l],
        )
        .await
        .unwrap();
    let lot_id = s.procurement(&buyer, pid).await.unwrap().lots[0].id;
    let team = [
        person("Kaisa Esimerkki", "responsible_person", "5"),
        person("Mikko Malli", "worker", "3"),
    ];
    let (signer, unit, roster) = provider(w, w.provider, "p.signer", &team).await;
    let outsider = s
        .save_staff_member(&signer, None, &person("Outi Ulkopuolinen", "worker", "4"))
        .await
        .unwrap();
    let app = s.start_application(&signer, lot_id).await.unwrap();
    s.save_application(
        &signer,
        app,
        &app_form(unit, &roster, "78,00"),
        domain::locale::Lang::Fi,
    )
    .await
    .unwrap();
    s.application_step(&signer, app, &step("submit", ""))
        .await
        .unwrap();
    s.application_step(&buyer, app, &step("admit", ""))
        .await
        .unwrap();
    s.setup()
        .bootstrap_user(w.provider, &user_form("p.worker", "worker"))
        .await
        .unwrap();
    let worker = w.actor("p.worker").await;
    let other_org = s
        .setup()
        .bootstrap_organisation(&testkit::org_form("ngo", "Toinen yhdistys ry", "0201256-6"))
        .await
        .unwrap();
    s.setup()
        .bootstrap_user(other_org, &user_form("o.worker", "worker"))
        .await
        .unwrap();
    let other_provider_worker = w.actor("o.worker").await;

    let client = s
        .register_client(
            &social,
            &person_form(&hetu(2014, 5, 3, 915), "Veeti", "Kuvitelma"),
            &[
                person_form(&hetu(1985, 2, 11, 926), "Saara", "Kuvitelma"),
                person_form(&hetu(1983, 9, 30, 937), "Tero", "Kuvitelma"),
            ],
        )
        .await
        .unwrap();
    let other_client = s
        .register_client(
            &social,
            &person_form(&hetu(2015, 1, 1, 948), "Ella", "Esimerkki"),
            &[person_form(&hetu(1980, 1, 1, 959), "Tiina", "Esimerkki")],
        )
        .await
        .unwrap();
    let guardians = s.client(&social, client).await.unwrap().client.guardians;
    let other_guardian = s
        .client(&social, other_client)
        .await
        .unwrap()
        .client
        .guardians[0];
    s.create_person_account(&social, guardians[0], "saara.k", testkit::PASSWORD)
        .await
        .unwrap();
    s.create_person_account(&social, other_guardian, "tiina.e", testkit::PASSWORD)
        .await
        .unwrap();
    // The same user name again is refused, naming the field.
    let e = s
        .create_person_account(&social, guardians[1], "saara.k", "pitkä salasana 3")
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("username") == Some("username-taken")));
    // A provider cannot give accounts to the purchaser's clients.
    assert!(matches!(
        s.create_person_account(&worker, guardians[1], "tero.k", "pitkä salasana 4")
            .await,
        Err(ServiceError::Denied(_))
    ));

    let need = s
        .create_need(
            &social,
            client,
            &NeedForm {
                lot: lot_id.to_string(),
                justification: "Perhe tarvitsee tukea kotiin.".into(),
                urgent: String::new(),
                requested_start: "2026-10-01".into(),
                hours_per_week: "3".into(),
            },
        )
        .await
        .unwrap();
    s.recommend(
        &social,
        need,
        &RecommendForm {
            kind: "ordered_provider".into(),
            application: app.to_string(),
            skips: vec![],
            note: String::new(),
        },
    )
    .await
    .unwrap();
    s.decide_need(&lead, need, true, "Myönnetään.")
        .await
        .unwrap();
    // The commitment reserves money on the county's family-work line.
    let budget_line = s
        .add_budget_line(
            &w.actor("county.admin").await,
            &domain::commitment::BudgetLine {
                cost_centre: "4100".into(),
                service: "Perhetyö".into(),
                year: 2026,
                amount: domain::money::Money::from_cents(10_000_000),
            },
        )
        .await
        .unwrap();
    let cid = s
        .send_commitment(
            &social,
            need,
            &CommitmentForm {
                starts_on: "2026-10-01".into(),
                ends_on: "2027-03-31".into(),
                cost_centre: "4100".into(),
                budget_line: budget_line.to_string(),
            },
        )
        .await
        .unwrap();
    // Before acceptance no visit can be logged.
    let number = s
        .commitments(&social)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.id == cid)
        .unwrap()
        .data
        .number;
    let r = s
        .record_visits(
            &worker,
            &[row(
                &number,
                "early",
                "2026-11-02",
                "09:00",
                "10:00",
                &[roster[0]],
            )],
        )
        .await
        .unwrap();
    assert_eq!(
        r[0].errors.get("commitment"),
        Some("visit-commitment-not-accepted")
    );
    s.answer_commitment(&signer, cid, true, "").await.unwrap();
    Setup {
        number,
        worker,
        social,
        guardian: w.actor("saara.k").await,
        stranger: w.actor("tiina.e").await,
        roster,
        outsider,
        other_provider_worker,
        lot: lot_id,
        buyer,
    }
}

pub(crate) fn row(
    number: &str,
    id: &str,
    date: &str,
    start: &str,
    end: &str,
    workers: &[Uuid],
) -> VisitRow {
    VisitRow {
        commitment: number.into(),
        form: VisitForm {
            provider_ref: id.into(),
            date: date.into(),
            start: start.into(),
            end: end.into(),
            kind: "home_visit".into(),
            status: "done".into(),
            workers: workers.iter().map(Uuid::to_string).collect(),
            participants: "1".into(),
            place: "Koti".into(),
            description: "Arjen rutiinit".into(),
        },
    }
}

pub(crate) fn oct(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
}

#[tokio::test]
async fn a_month_of_visits_is_checked_confirmed_reported_and_approved() {
    let w = World::new().await;
    let s = &w.service;
    let x = setup(&w).await;
    let k = x.roster[0];
    let m = x.roster[1];
    // October: eight visits on Tuesdays and Thursdays, one of them on a Saturday evening with
    // someone off the roster, one a group of five with one worker.
    let mut rows = vec![
        row(&x.number, "v1", "2026-10-06", "09:00", "10:30", &[k]),
        row(&x.number, "v2", "2026-10-08", "13:00", "14:00", &[m]),
        row(&x.number, "v3", "2026-10-13", "09:00", "10:30", &[k]),
        row(&x.number, "v4", "2026-10-15", "13:00", "14:00", &[m]),
        row(&x.number, "v5", "2026-10-20", "09:00", "10:30", &[k]),
        row(
            &x.number,
            "v6",
            "2026-10-24",
            "18:30",
            "19:30",
            &[x.outsider],
        ),
        row(&x.number, "v7", "2026-10-27", "09:00", "10:30", &[k]),
        row(&x.number, "v8", "2026-10-29", "13:00", "14:00", &[m]),
    ];
    rows[7].form.kind = "group_session".into();
    rows[7].form.participants = "5".into();
    let r = s.record_visits(&x.worker, &rows).await.unwrap();
    assert!(r.iter().all(|r| r.outcome == RowOutcome::Created), "{r:?}");
    assert!(r[0].flags.is_empty(), "{:?}", r[0].flags);
    assert!(r[5]
        .flags
        .contains(&Flag::WorkerNotOnRoster { worker: x.outsider }));
    assert!(r[5].flags.contains(&Flag::OutsideDaytime));
    assert!(r[7].flags.contains(&Flag::PairWorkMissing {
        participants: 5,
        workers: 1
    }));

    // Sent again: nothing is counted twice. A changed row is an update.
    let again = s.record_visits(&x.worker, &rows).await.unwrap();
    assert!(again.iter().all(|r| r.outcome == RowOutcome::Unchanged));
    assert_eq!(again[3].visit, r[3].visit);
    let mut changed = rows[1].clone();
    changed.form.end = "14:30".into();
    let u = s.record_visits(&x.worker, &[changed]).await.unwrap();
    assert_eq!(u[0].outcome, RowOutcome::Updated);
    let v = s.delivery(&x.worker, &x.number, oct(1)).await.unwrap();
    assert_eq!(v.visits.len(), 8);
    // Four visits of 90 minutes, the changed one now 90, and three of 60.
    assert_eq!(v.totals.billable_minutes, 5 * 90 + 3 * 60);

    // Bad rows are refused one by one, with the good row of the same request saved.
    let mut bad = vec![
        row(&x.number, "b1", "2026-10-09", "10:00", "09:00", &[k]),
        row(&x.number, "b2", "2026-08-31", "09:00", "10:00", &[k]),
        row(&x.number, "b3", "2026-11-30", "09:00", "10:00", &[k]),
        row(&x.number, "b4", "2026-09-15", "09:00", "10:00", &[k]),
        row(&x.number, "ok", "2026-11-03", "09:00", "10:00", &[k]),
        row(&x.number, "ok", "2026-11-05", "09:00", "10:00", &[k]),
        row(
            "MS-2026-0000000",
            "b6",
            "2026-11-03",
            "09:00",
            "10:00",
            &[k],
        ),
        row(&x.number, "b7", "2026-10-06", "09:00", "10:30", &[k]),
    ];
    bad[0].form.kind = "ghost".into();
    let r = s.record_visits(&x.worker, &bad).await.unwrap();
    let codes: Vec<(RowOutcome, Option<&str>)> = r
        .iter()
        .map(|r| {
            (
                r.outcome.clone(),
                r.errors.0.first().map(|e| e.code.as_str()),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (RowOutcome::Refused, Some("visit-ends-before-start")),
            (RowOutcome::Refused, Some("visit-too-old")),
            (RowOutcome::Refused, Some("visit-in-future")),
            (RowOutcome::Refused, Some("visit-outside-commitment")),
            (RowOutcome::Created, None),
            (RowOutcome::Refused, Some("visit-duplicate")),
            (RowOutcome::Refused, Some("visit-commitment-unknown")),
            (RowOutcome::Refused, Some("visit-duplicate")),
        ]
    );
    assert_eq!(r[0].errors.get("kind"), Some("visit-kind-unknown"));
    // The purchaser does not log visits, the provider does: the whole request is refused.
    let e = s
        .record_visits(
            &x.social,
            &[row(&x.number, "s", "2026-11-03", "12:00", "13:00", &[k])],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, ServiceError::Denied(Denial::MissingRole)),
        "{e:?}"
    );
    // A correction may not land on another visit's time.
    let mut onto = rows[2].clone();
    onto.form.date = "2026-10-06".into();
    onto.form.start = "09:00".into();
    onto.form.end = "10:30".into();
    let r = s.record_visits(&x.worker, &[onto]).await.unwrap();
    assert_eq!(r[0].errors.get("date"), Some("visit-duplicate"));
    // Another provider's worker may log nothing under this commitment.
    let r = s
        .record_visits(
            &x.other_provider_worker,
            &[row(&x.number, "z", "2026-11-03", "12:00", "13:00", &[k])],
        )
        .await
        .unwrap();
    assert_eq!(
        r[0].errors.get("commitment"),
        Some("access-other-organisation")
    );
    assert!(matches!(
        s.delivery(&x.other_provider_worker, &x.number, oct(1))
            .await,
        Err(ServiceError::Denied(Denial::OtherOrganisation))
    ));

    // The guardian sees the family's visits and confirms seven, disputes one with a reason.
    let fam = s.family_visits(&x.guardian).await.unwrap();
    assert_eq!(fam.len(), 9);
    assert!(fam.iter().all(|v| v.child == "Veeti" && v.open));
    let october: Vec<Uuid> = fam
        .iter()
        .filter(|v| v.record.visit.date < NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        .map(|v| v.id)
        .collect();
    assert_eq!(october.len(), 8);
    let e = s
        .answer_visit(&x.guardian, october[0], false, " ")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("reason") == Some("dispute-reason-required"))
    );
    s.answer_visit(&x.guardian, october[0], false, "Työntekijä ei tullut.")
        .await
        .unwrap();
    for id in &october[1..] {
        s.answer_visit(&x.guardian, *id, true, "").await.unwrap();
    }
    let e = s
        .answer_visit(&x.guardian, october[1], false, "Muutin mieleni")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("visit") == Some("visit-already-confirmed"))
    );
    // A confirmed visit cannot be changed by the provider either.
    let fam_first = fam.iter().find(|v| v.id == october[1]).unwrap();
    let confirmed_ref = fam_first.record.provider_ref.clone().unwrap();
    let confirmed_row = rows
        .iter()
        .find(|r| r.form.provider_ref == confirmed_ref)
        .cloned()
        .map(|mut r| {
            r.form.place = "Kirjasto".into();
            r
        })
        .unwrap();
    let r = s.record_visits(&x.worker, &[confirmed_row]).await.unwrap();
    assert_eq!(r[0].errors.get("id"), Some("visit-already-confirmed"));

    // A guardian of another family sees none of it and can answer nothing.
    assert!(s.family_visits(&x.stranger).await.unwrap().is_empty());
    assert!(matches!(
        s.answer_visit(&x.stranger, october[2], true, "").await,
        Err(ServiceError::Denied(_))
    ));
    assert!(s.delivery(&x.guardian, &x.number, oct(1)).await.is_err());

    // November's visit gets a one-time code; it works once.
    let nov = fam.iter().find(|v| !october.contains(&v.id)).unwrap().id;
    let code = s.issue_code(&x.worker, nov).await.unwrap();
    assert_eq!(code.len(), 9);
    assert!(s.code_visit(&code, "").await.is_ok());
    let e = s
        .answer_with_code(&code, true, "", " ", "")
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("name") == Some("required")));
    s.answer_with_code(&code, true, "", "Tero Kuvitelma", "")
        .await
        .unwrap();
    let e = s
        .answer_with_code(&code, true, "", "Tero", "")
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("code") == Some("code-invalid")));
    let e = s.code_visit("1234-5678", "").await.unwrap_err();
    // Unknown, used and expired codes look alike to whoever tries them; the log tells them apart.
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("code") == Some("code-invalid")));

    // The plan, then the report: a submitted report needs a rating and words for every goal.
    let plan = PlanForm {
        meeting_date: "2026-10-01".into(),
        participants: "Veeti\nSaara ja Tero Kuvitelma\nsosiaalityöntekijä\nKaisa Esimerkki".into(),
        goals: "Arki rytmittyy | aamut sujuvat ilman myöhästymisiä\nVanhemmat jaksavat | vanhempien oma arvio".into(),
        estimated_duration: "6 kuukautta".into(),
        weekly_hours: "3".into(),
        evaluation_date: "2027-01-15".into(),
    };
    assert_eq!(s.save_plan(&x.worker, &x.number, &plan).await.unwrap(), 1);
    assert_eq!(s.save_plan(&x.social, &x.number, &plan).await.unwrap(), 2);
    let mut form = ReportForm {
        ratings: vec!["4".into(), String::new()],
        texts: vec!["Aamut sujuvat.".into(), String::new()],
        gone_through_with_family: true,
        summary: "Hyvä kuukausi.".into(),
    };
    let e = s
        .save_report(&x.worker, &x.number, oct(1), &form, true)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("rating_1") == Some("required") && f.get("progress_1") == Some("required"))
    );
    // Reminded: October's report was due on 5.11.
    let rem = s.report_reminders(&x.worker).await.unwrap();
    assert!(rem
        .iter()
        .any(|r| r.commitment_number == x.number && r.reminder == Reminder::Overdue { days: 19 }));
    form.ratings[1] = "3".into();
    form.texts[1] = "Väsymystä on vähemmän.".into();
    s.save_report(&x.worker, &x.number, oct(1), &form, true)
        .await
        .unwrap();
    assert!(!s
        .report_reminders(&x.worker)
        .await
        .unwrap()
        .iter()
        .any(|r| r.month == oct(1)));
    // The social worker sees seven confirmed and one disputed, returns, then approves.
    let v = s.delivery(&x.social, &x.number, oct(1)).await.unwrap();
    assert_eq!(
        (v.totals.confirmed, v.totals.disputed, v.totals.unconfirmed),
        (7, 1, 0)
    );
    assert!(v.may_decide);
    let (_, report) = v.report.clone().unwrap();
    assert_eq!(report.status, ReportStatus::Submitted);
    assert!(report.unconfirmed_at_submission.is_empty());
    // Only the purchaser's social workers decide: not the provider, not a guardian.
    assert!(matches!(
        s.decide_report(&x.guardian, &x.number, oct(1), true, "")
            .await,
        Err(ServiceError::Denied(_))
    ));
    let e = s
        .decide_report(&x.social, &x.number, oct(1), false, "")
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("comments") == Some("comments-required"))
    );
    assert!(matches!(
        s.decide_report(&x.worker, &x.number, oct(1), true, "")
            .await,
        Err(ServiceError::Denied(Denial::MissingRole))
    ));
    s.decide_report(
        &x.social,
        &x.number,
        oct(1),
        false,
        "Kerro kiistetystä käynnistä.",
    )
    .await
    .unwrap();
    form.summary = "Hyvä kuukausi. 6.10. käynti jäi väliin sairastumisen vuoksi.".into();
    s.save_report(&x.worker, &x.number, oct(1), &form, true)
        .await
        .unwrap();
    s.decide_report(&x.social, &x.number, oct(1), true, "")
        .await
        .unwrap();
    let (_, report) = s
        .delivery(&x.worker, &x.number, oct(1))
        .await
        .unwrap()
        .report
        .unwrap();
    assert_eq!(report.status, ReportStatus::Approved);
    assert_eq!(report.history.len(), 4);
    // An approved month is closed: a resent month is recognised, a change is refused.
    let mut resent = rows.clone();
    resent[1].form.end = "14:30".into(); // as corrected above
    let again = s.record_visits(&x.worker, &resent).await.unwrap();
    assert!(
        again.iter().all(|r| r.outcome == RowOutcome::Unchanged),
        "{again:?}"
    );
    let mut moved = rows[2].clone();
    moved.form.end = "11:00".into();
    let r = s.record_visits(&x.worker, &[moved]).await.unwrap();
    assert_eq!(r[0].errors.get("date"), Some("visit-period-closed"));
    let r = s
        .record_visits(
            &x.worker,
            &[row(&x.number, "late", "2026-10-30", "09:00", "10:00", &[k])],
        )
        .await
        .unwrap();
    assert_eq!(r[0].errors.get("date"), Some("visit-period-closed"));
    let e = s
        .save_report(&x.worker, &x.number, oct(1), &form, false)
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("status") == Some("step-not-possible")));

    // November: a report submitted with a visit unconfirmed says which; paper confirms another.
    let r = s
        .record_visits(
            &x.worker,
            &[
                row(&x.number, "n2", "2026-11-10", "09:00", "10:00", &[k]),
                row(&x.number, "n3", "2026-11-12", "09:00", "10:00", &[k]),
            ],
        )
        .await
        .unwrap();
    let (n2, n3) = (r[0].visit.unwrap(), r[1].visit.unwrap());
    let e = s
        .paper_confirm(
            &x.worker,
            &x.number,
            &[n2],
            "raportti.pdf",
            "application/pdf",
            vec![],
            "Saara",
        )
        .await
        .unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("file") == Some("file-required")));
    s.paper_confirm(
        &x.worker,
        &x.number,
        &[n2],
        "raportti.pdf",
        "application/pdf",
        b"%PDF-1.4 allekirjoitettu".to_vec(),
        "Saara Kuvitelma",
    )
    .await
    .unwrap();
    let nov1 = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    // The signed report is kept: the social worker reads it, another provider and a family not.
    let doc = s
        .delivery(&x.social, &x.number, nov1)
        .await
        .unwrap()
        .visits
        .iter()
        .find_map(|v| v.record.confirmation.document)
        .unwrap();
    assert_eq!(
        s.attachment(&x.social, doc).await.unwrap().bytes,
        b"%PDF-1.4 allekirjoitettu"
    );
    assert!(s.attachment(&x.worker, doc).await.is_ok());
    for who in [&x.other_provider_worker, &x.guardian] {
        assert!(matches!(
            s.attachment(who, doc).await,
            Err(ServiceError::Denied(_))
        ));
    }
    // November is not over: a draft is fine, submitting is not.
    let e = s
        .save_report(&x.worker, &x.number, nov1, &form, true)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, ServiceError::Invalid(f) if f.get("month") == Some("report-month-not-over"))
    );
    w.clock.advance(chrono::Duration::days(8));
    s.save_report(&x.worker, &x.number, nov1, &form, true)
        .await
        .unwrap();
    let v = s.delivery(&x.social, &x.number, nov1).await.unwrap();
    let states: Vec<ConfirmationState> = v
        .visits
        .iter()
        .map(|v| v.record.confirmation.state)
        .collect();
    assert_eq!(
        states,
        [
            ConfirmationState::Confirmed,
            ConfirmationState::PaperConfirmed,
            ConfirmationState::Unconfirmed
        ]
    );
    assert_eq!(v.report.unwrap().1.unconfirmed_at_submission, [n3]);

    // A code for n3 expires after fourteen days.
    let code = s.issue_code(&x.worker, n3).await.unwrap();
    w.clock.advance(chrono::Duration::days(15));
    let e = s.code_visit(&code, "").await.unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("code") == Some("code-invalid")));

    // Everything is in the access log with the child as subject, and no identity code is.
    let log = crate::log(&w).await;
    let visit_rows = log
        .iter()
        .filter(|e| e.record_kind == "visit" && e.action == "create" && e.outcome == "ok")
        .count();
    assert_eq!(visit_rows, 8 + 1 + 2);
    assert!(log.iter().any(|e| e.record_kind == "visit"
        && e.outcome == "failed"
        && e.details.contains("visit-too-old")));
    assert!(log
        .iter()
        .any(|e| e.record_kind == "visit" && e.outcome == "denied" && e.actor_name == "o.worker"));
    assert!(log
        .iter()
        .any(|e| e.record_kind == "visit" && e.action == "list" && e.actor_name == "saara.k"));
    assert!(log
        .iter()
        .any(|e| e.record_kind == "monthly_report" && e.details.contains("approved")));
    assert!(log.iter().any(|e| e.record_kind == "visit"
        && e.details.starts_with("one-time code")
        && e.details.contains("code-used")));
    for e in &log {
        assert!(!e.details.contains("150816") && !e.details.contains(&hetu(2014, 5, 3, 915)));
    }
    // The chain holds over the rows written many at a time.
    let v = db::audit::verify(s.db()).await.unwrap();
    assert_eq!(v.first_break, None);
    assert_eq!(v.checked, log.len() as i64);
}

#[tokio::test]
async fn the_same_visits_sent_twice_at_once_count_once() {
    let w = World::new().await;
    let s = &w.service;
    let x = setup(&w).await;
    let k = x.roster[0];
    // With the provider's ids, and without: a retry racing the first request.
    let mut rows = vec![
        row(&x.number, "r1", "2026-11-03", "09:00", "10:00", &[k]),
        row(&x.number, "r2", "2026-11-05", "09:00", "10:00", &[k]),
    ];
    let mut anonymous = row(&x.number, "", "2026-11-10", "09:00", "10:00", &[k]);
    anonymous.form.provider_ref = String::new();
    rows.push(anonymous);
    let (a, b) = tokio::join!(
        s.record_visits(&x.worker, &rows),
        s.record_visits(&x.worker, &rows)
    );
    let all: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
    let count = |o: RowOutcome| all.iter().filter(|r| r.outcome == o).count();
    assert_eq!(count(RowOutcome::Created), 3, "{all:?}");
    assert_eq!(count(RowOutcome::Unchanged), 2, "{all:?}");
    assert_eq!(count(RowOutcome::Refused), 1, "{all:?}");
    let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    assert_eq!(
        s.delivery(&x.worker, &x.number, nov)
            .await
            .unwrap()
            .visits
            .len(),
        3
    );
}

#[tokio::test]
async fn a_new_code_voids_the_old_and_guessing_is_limited_per_address_and_overall() {
    let w = World::new().await;
    let s = &w.service;
    let x = setup(&w).await;
    let k = x.roster[0];
    let r = s
        .record_visits(
            &x.worker,
            &[row(&x.number, "g1", "2026-11-03", "09:00", "10:00", &[k])],
        )
        .await
        .unwrap();
    let visit = r[0].visit.unwrap();
    let first = s.issue_code(&x.worker, visit).await.unwrap();
    let second = s.issue_code(&x.worker, visit).await.unwrap();
    // The earlier code no longer works, and says no more than a code never issued.
    let e = s.code_visit(&first, "192.0.2.1").await.unwrap_err();
    assert!(matches!(&e, ServiceError::Invalid(f) if f.get("code") == Some("code-invalid")));
    assert!(s.code_visit(&second, "192.0.2.1").await.is_ok());

    // Ten wrong codes from one address: then even the right code is refused from there …
    for i in 0..9 {
        let e = s
            .code_visit(&format!("1111-{i:04}"), "192.0.2.1")
            .await
            .unwrap_err();
        assert!(matches!(e, ServiceError::Invalid(_)), "{e:?}");
    }
    assert!(matches!(
        s.code_visit(&second, "192.0.2.1").await,
        Err(ServiceError::Throttled)
    ));
    assert!(matches!(
        s.answer_with_code(&second, true, "", "Saara", "192.0.2.1")
            .await,
        Err(ServiceError::Throttled)
    ));
    // … while the family at another address is not held up by it.
    s.answer_with_code(&second, true, "", "Saara Kuvitelma", "198.51.100.7")
        .await
        .unwrap();
    // A window later the address may try again.
    w.clock.advance(chrono::Duration::minutes(16));
    let e = s.code_visit("2222-2222", "192.0.2.1").await.unwrap_err();
    assert!(matches!(e, ServiceError::Invalid(_)), "{e:?}");
    let log = crate::log(&w).await;
    assert!(log
        .iter()
        .any(|e| e.details.contains("too-many-tries") && e.outcome == "failed"));
    assert!(log.iter().any(|e| e.details.contains("1 earlier voided")));
}

#[tokio::test]
async fn guessing_codes_from_many_addresses_meets_the_overall_limit() {
    let mut settings = service::Settings::default();
    settings.throttle.code_from_all.failures = 5;
    let w = World::with_settings(settings).await;
    let s = &w.service;
    for i in 0..5 {
        let from = format!("203.0.113.{i}");
        s.code_visit(&format!("3333-{i:04}"), &from)
            .await
            .unwrap_err();
    }
    assert!(matches!(
        s.code_visit("3333-9999", "203.0.113.200").await,
        Err(ServiceError::Throttled)
    ));
}
