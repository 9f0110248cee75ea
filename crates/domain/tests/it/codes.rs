#![allow(clippy::unwrap_used, clippy::expect_used)]

use domain::codes::{cpv, nuts};
use domain::locale::Lang;

#[test]
fn the_cpv_list_is_complete_with_three_languages() {
    let l = cpv();
    assert_eq!(l.len(), 9_454);
    assert!(l
        .all()
        .iter()
        .all(|c| c.code.len() == 8 && !c.fi.is_empty() && !c.sv.is_empty() && !c.en.is_empty()));
    assert_eq!(l.all().iter().filter(|c| c.social_service).count(), 115);
    let c = l
        .get("85311300-5")
        .expect("child and youth welfare services");
    assert_eq!(c.label(Lang::Fi), "Lasten ja nuorten sosiaalipalvelut");
    assert_eq!(c.label(Lang::Sv), "Barn- och ungdomsomsorg");
    assert_eq!(
        c.label(Lang::En),
        "Welfare services for children and young people"
    );
    assert!(c.social_service);
    // A label with a comma inside quotes is read whole.
    let first = l.get("03000000").unwrap();
    assert_eq!(
        first.label(Lang::Fi),
        "Maa-, karja-, kala- ja metsätaloustuotteet sekä vastaavat tuotteet"
    );
    assert!(!first.social_service);
    assert!(l.get("99999999").is_none());
}

#[test]
fn nuts_regions_of_finland_are_there() {
    let l = nuts();
    assert!(l.len() > 2_000);
    assert_eq!(l.get("FI1C2").unwrap().label(Lang::Fi), "Kanta-Häme");
    assert!(l.get("FI1C").is_some());
}

#[test]
fn notice_labels_come_from_the_eforms_sdk_in_three_languages() {
    use domain::codes::notice_label;
    use domain::locale::Lang;
    assert_eq!(
        notice_label("business-term:BT-21", Lang::Fi),
        Some("Ilmoituksen nimi")
    );
    assert_eq!(notice_label("business-term:BT-21", Lang::Sv), Some("Titel"));
    assert_eq!(
        notice_label("code:procurement-procedure-type.open", Lang::Fi),
        Some("Avoin")
    );
    assert!(notice_label("notice:16", Lang::En).is_some());
    // Every one of the 51 eForms subtypes has a name in each language.
    let subtypes = domain::codes::notice_labels()
        .all()
        .iter()
        .filter(|c| c.code.starts_with("notice:"))
        .count();
    assert_eq!(subtypes, 51);
}
