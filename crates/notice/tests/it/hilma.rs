//! Legacy Hilma JSON: no real notices are public, so these fixtures are written from the API's
//! model (`shared/data/codes/hilma-ets-write-api-v1-definitions.json`) with made-up parties.

use notice::{read, ErrorKind, Format, NoticeKind};

const CONTRACT: &[u8] = include_bytes!("../fixtures/hilma/social_contract.json");
const AWARD: &[u8] = include_bytes!("../fixtures/hilma/social_award.json");

#[test]
fn a_social_services_contract_notice_reads_into_the_model() {
    let r = read(CONTRACT, "social_contract.json").unwrap();
    let n = &r.notice;
    assert_eq!(
        n.format,
        Format::HilmaJson {
            notice_type: "SocialContract".into()
        }
    );
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractNotice, "F21")
    );
    assert_eq!(n.identifiers.notice_number.as_deref(), Some("125079"));
    assert_eq!(n.identifiers.procedure_id.as_deref(), Some("85839"));
    assert_eq!(n.languages, ["fi"]);
    assert_eq!(n.title["fi"], "Lasten, nuorten ja perheiden tukitoimet");
    assert_eq!(n.buyers[0].name["fi"], "Kuvitteellinen hyvinvointialue");
    assert_eq!(n.buyers[0].national_id.as_deref(), Some("9909901-1"));
    assert_eq!(n.buyers[0].address.city.as_deref(), Some("Kotka"));
    assert_eq!(n.main_cpv.as_deref(), Some("85300000"));
    assert_eq!(n.additional_cpv, ["85311300"]);
    assert_eq!(n.nuts, ["FI1C7"]);
    assert_eq!(
        n.estimated_value.as_ref().unwrap().cents(),
        Some(1_000_000_000)
    );
    assert!(n.dynamic_purchasing_system && !n.framework_agreement);
    assert_eq!(n.procedure.kind.as_deref(), Some("open"));
    assert_eq!(n.lots.len(), 2);
    let l = &n.lots[0];
    assert_eq!(
        (l.id.as_str(), l.title["fi"].as_str()),
        ("1", "Tehostettu perhetyö")
    );
    assert_eq!(
        l.estimated_value.as_ref().unwrap().cents(),
        Some(250_000_050)
    );
    assert_eq!(l.duration.as_ref().unwrap().unit, "month");
    assert_eq!(l.award_criteria.len(), 2);
    assert_eq!(l.options["fi"], "1+1 vuotta");
    assert_eq!(n.lots[1].start_date.as_deref(), Some("2023-04-04"));
    // Fields of the model this reader does not map are named, not dropped.
    let locations: Vec<&str> = r.warnings.iter().map(|w| w.location.as_str()).collect();
    assert!(
        locations.contains(&"/project/contractType"),
        "{locations:?}"
    );
    assert!(locations.contains(&"/organisation/contractingAuthorityType"));
}

#[test]
fn an_award_notice_gives_winners_values_and_unawarded_lots_and_flags_unknown_fields() {
    let r = read(AWARD, "social_award.json").unwrap();
    let n = &r.notice;
    assert_eq!(n.kind, NoticeKind::ContractAward);
    assert_eq!(
        n.identifiers.ted_number.as_deref(),
        Some("2023/S 150-999999")
    );
    assert_eq!(n.results.len(), 2);
    let won = &n.results[0];
    assert!(won.awarded);
    assert_eq!(won.winners[0].name["fi"], "Kuvitteellinen Perhetuki Oy");
    assert_eq!(won.value.as_ref().unwrap().cents(), Some(48_000_000));
    assert_eq!(won.tenders_received, Some(4));
    assert_eq!(won.contract_date.as_deref(), Some("2023-08-01"));
    assert!(!n.results[1].awarded);
    let unknown: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| w.message.contains("not a field"))
        .map(|w| w.location.as_str())
        .collect();
    assert_eq!(unknown, ["/someFutureField"]);
}

#[test]
fn wrong_types_and_unknown_codes_are_refused_naming_the_field() {
    let bad_type = br#"{"type": 4242, "project": {"title": "x"}}"#;
    let e = read(bad_type, "t.json").unwrap_err();
    assert_eq!(e.element, "/type");
    let bad_field =
        br#"{"type": 2100, "project": {"title": 5}, "objectDescriptions": [{"lotNumber": "one"}]}"#;
    let e = read(bad_field, "t.json").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Invalid(_)), "{e}");
    assert!(["/project/title", "/objectDescriptions/0/lotNumber"].contains(&e.element.as_str()));
    let e = read(b"{\"type\": 2100,", "broken.json").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Json(_)));
    assert_eq!(e.file, "broken.json");
}
