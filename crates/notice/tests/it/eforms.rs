//! eForms UBL notices: the SDK's examples (every subtype; SDK 1.7, 1.10, 1.13 and 1.15) and the
//! Finnish national examples (hilma-sdk), read from `../shared/data`, plus small inline notices
//! for what the examples do not show.

use notice::xml::Doc;
use notice::{read, ErrorKind, Format, NoticeKind, Reading};
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// The shared data; `None` (the test is skipped, loudly) where it is missing outside CI.
fn data() -> Option<PathBuf> {
    let dir = Path::new(DATA);
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "../shared/data not found at {DATA}: CI must have it"
    );
    eprintln!("SKIPPED: ../shared/data not found");
    None
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("{} is missing", dir.display())
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "xml") {
            out.push(p);
        }
    }
}

/// Every example notice: the SDK's current and older ones, and hilma-sdk's.
fn examples(data: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "eforms-sdk/examples/notices",
        "eforms-sdk/older-versions",
        "hilma-sdk/examples",
    ] {
        xml_files(&data.join(dir), &mut files);
    }
    files.push(data.join("hilma-sdk/examples-from-history/E4.xml"));
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

/// Lots counted without the reader: each `ProcurementProjectLot` start tag whose first `ID`
/// has `schemeName="Lot"`, or `"Part"` (a prior information notice's parts).
fn count_lots(text: &str) -> usize {
    const TAG: &str = "ProcurementProjectLot>";
    let mut count = 0;
    let mut rest = text;
    while let Some(i) = rest.find(TAG) {
        let before = &rest[..i];
        let opening = before
            .rfind('<')
            .is_some_and(|lt| !before[lt..].starts_with("</"));
        rest = &rest[i + TAG.len()..];
        if !opening {
            continue;
        }
        if let Some(id) = rest.find(":ID ") {
            let tag = &rest[id..id + rest[id..].find('>').unwrap()];
            if ["Lot", "Part"].iter().any(|k| {
                tag.contains(&format!("schemeName=\"{k}\""))
                    || tag.contains(&format!("schemeName='{k}'"))
            }) {
                count += 1;
            }
        }
    }
    count
}

fn read_file(path: &Path) -> Result<Reading, notice::NoticeError> {
    read(&std::fs::read(path).unwrap(), &name(path))
}

#[test]
fn every_valid_example_reads_with_its_title_buyers_cpv_and_lots() {
    let Some(data) = data() else { return };
    let (mut files, mut warnings) = (0, 0);
    for path in examples(&data) {
        let file = name(&path);
        if file.starts_with("INVALID_") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let r = read(text.as_bytes(), &file)
            .unwrap_or_else(|e| panic!("{} is refused: {e}", path.display()));
        let n = &r.notice;
        let at = path.display();

        // What the file has, found with the bare XML tree rather than the reader.
        let doc = Doc::parse(&text, &file).unwrap();
        let root = doc.root();
        let sdk = root.child("CustomizationID").unwrap().text().to_owned();
        assert_eq!(n.format, Format::Eforms { sdk }, "{at}");
        let subtype = root
            .descendants("SubTypeCode")
            .first()
            .map(|e| e.text().to_owned());
        assert_eq!(Some(n.subtype.clone()), subtype, "{at}");
        let has_title = root
            .at("ProcurementProject/Name")
            .is_some_and(|e| !e.text().is_empty());
        assert_eq!(!n.title.is_empty(), has_title, "{at}: title");
        let buyer_refs = root
            .all("ContractingParty/Party/PartyIdentification/ID")
            .len();
        assert_eq!(n.buyers.len(), buyer_refs, "{at}: buyers");
        for b in &n.buyers {
            assert!(!b.name.is_empty(), "{at}: a buyer without a name");
        }
        if text.contains("MainCommodityClassification>") {
            assert!(n.main_cpv.is_some(), "{at}: main CPV");
        }
        assert_eq!(n.lots.len(), count_lots(&text), "{at}: lots");
        assert!(n.lots.iter().all(|l| !l.id.is_empty()), "{at}: lot ids");
        assert!(!n.languages.is_empty(), "{at}: languages");
        assert!(
            n.dates.issued.as_ref().is_some_and(|d| d.len() == 10),
            "{at}: issued"
        );
        // Every result of an award notice names the lots it is about.
        assert!(
            n.results.iter().all(|r| !r.lot_ids.is_empty()),
            "{at}: results"
        );
        // Nothing the reader itself flags in a valid example but what the model cannot hold.
        for w in &r.warnings {
            assert!(
                w.message.starts_with("not read") || w.message.starts_with("country "),
                "{at}: {w:?}"
            );
        }
        files += 1;
        warnings += r.warnings.len();
    }
    eprintln!("eForms examples: {files} files read, {warnings} warnings (unmapped fields)");
    assert!(files >= 290, "only {files} examples found");
}

#[test]
fn kinds_follow_the_subtype() {
    let Some(data) = data() else { return };
    let dir = data.join("eforms-sdk/examples/notices");
    for (file, kind) in [
        ("pin-buyer_24.xml", NoticeKind::PriorInformation),
        ("pin-only_24.xml", NoticeKind::PriorInformation),
        ("cn_24_minimal.xml", NoticeKind::ContractNotice),
        // A concession's contract notice and a design contest are contract notices, their
        // results contract awards, as the TED forms F24, F12, F25 and F13 have them.
        ("cn_23.xml", NoticeKind::ContractNotice),
        ("cn-desg_24.xml", NoticeKind::ContractNotice),
        ("can_23_contracts.xml", NoticeKind::ContractAward),
        ("can-desg_24.xml", NoticeKind::ContractAward),
        ("can-social_23.xml", NoticeKind::ContractAward),
        ("veat_24.xml", NoticeKind::VoluntaryExAnte),
        ("can_24_minimal.xml", NoticeKind::ContractAward),
        ("can-modif_24_value.xml", NoticeKind::Modification),
        ("change-cn_24_void.xml", NoticeKind::Corrigendum),
        ("t02_ESP.xml", NoticeKind::ContractAward),
        ("X01_EEIG.xml", NoticeKind::Other),
        ("E1_minimal.xml", NoticeKind::PriorInformation),
        ("E3_minimal.xml", NoticeKind::ContractNotice),
        ("E4_minimal.xml", NoticeKind::ContractAward),
    ] {
        assert_eq!(
            read_file(&dir.join(file)).unwrap().notice.kind,
            kind,
            "{file}"
        );
    }
    // SDK 1.7 wrote change notices with a type of their own.
    let old =
        read_file(&data.join("eforms-sdk/older-versions/1.7.0/change-cn_24_void.xml")).unwrap();
    assert_eq!(
        (old.notice.kind, old.notice.subtype.as_str()),
        (NoticeKind::Corrigendum, "16")
    );
}

/// Every subtype of the SDK: the reader's table is the SDK's `notice-types.json`.
#[test]
fn the_subtype_table_is_the_sdks() {
    let Some(data) = data() else { return };
    let text =
        std::fs::read_to_string(data.join("eforms-sdk/notice-types/notice-types.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let sdk: Vec<(String, String, String, String)> = json["noticeSubTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let f = |k: &str| n[k].as_str().unwrap().to_owned();
            (f("subTypeId"), f("type"), f("formType"), f("documentType"))
        })
        .collect();
    let ours: Vec<(String, String, String, String)> = notice::SUBTYPES
        .iter()
        .map(|&(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
        .collect();
    assert_eq!(ours, sdk);
}

/// The kind of a notice of each of the 51 subtypes, read from a notice that says only its
/// subtype and type: the class of the TED form for the same notice.
#[test]
fn every_subtype_reads_as_the_kind_its_ted_form_has() {
    use NoticeKind::*;
    let expected = |id: &str| match id {
        "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "10" | "11" | "12" | "13" | "14"
        | "CEI" | "E1" | "E2" | "T01" => PriorInformation,
        "15" | "16" | "17" | "18" | "19" | "20" | "21" | "22" | "23" | "24" | "E3" => {
            ContractNotice
        }
        "25" | "26" | "27" | "28" => VoluntaryExAnte,
        "29" | "30" | "31" | "32" | "33" | "34" | "35" | "36" | "37" | "E4" | "T02" => {
            ContractAward
        }
        "38" | "39" | "40" | "E6" => Modification,
        "E5" | "X01" | "X02" => Other,
        other => panic!("subtype {other} has no expected kind"),
    };
    assert_eq!(notice::SUBTYPES.len(), 51);
    for &(id, notice_type, ..) in &notice::SUBTYPES {
        let xml = inline("", "", "")
            .replace(">E4</cbc:SubTypeCode>", &format!(">{id}</cbc:SubTypeCode>"))
            .replace(
                ">can-standard</cbc:NoticeTypeCode>",
                &format!(">{notice_type}</cbc:NoticeTypeCode>"),
            );
        let r = read(xml.as_bytes(), "inline.xml").unwrap();
        assert_eq!((id, r.notice.kind), (id, expected(id)));
        assert_eq!(r.notice.subtype, id);
        // Without its subtype, the notice type alone gives the same kind.
        let untyped = xml.replace(
            &format!(r#"<efac:NoticeSubType><cbc:SubTypeCode listName="notice-subtype">{id}</cbc:SubTypeCode></efac:NoticeSubType>"#),
            "",
        );
        let r = read(untyped.as_bytes(), "inline.xml").unwrap();
        assert_eq!(
            (id, notice_type, r.notice.kind),
            (id, notice_type, expected(id))
        );
    }
}

/// A prior information notice divides into parts, not lots: each part reads as a lot, with its
/// place, as the TED form of the same notice has it.
#[test]
fn a_prior_information_notice_of_parts_reads_them_as_lots() {
    let part = r#"<cac:ProcurementProject><cbc:Name languageID="FIN">Osa 1</cbc:Name><cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">85311000</cbc:ItemClassificationCode></cac:MainCommodityClassification><cac:RealizedLocation><cac:Address><cbc:CountrySubentityCode listName="nuts">FI1C1</cbc:CountrySubentityCode></cac:Address></cac:RealizedLocation></cac:ProcurementProject>"#;
    let xml = inline(part, "", "")
        .replace(
            r#"<cbc:ID schemeName="Lot">LOT-0001</cbc:ID>"#,
            r#"<cbc:ID schemeName="Part">PAR-0001</cbc:ID>"#,
        )
        .replace(">E4</cbc:SubTypeCode>", ">4</cbc:SubTypeCode>")
        .replace(
            ">can-standard</cbc:NoticeTypeCode>",
            ">pin-only</cbc:NoticeTypeCode>",
        );
    let r = read(xml.as_bytes(), "pin.xml").unwrap();
    let n = &r.notice;
    assert_eq!(n.kind, NoticeKind::PriorInformation);
    assert_eq!(n.lots.len(), 1);
    assert_eq!(n.lots[0].id, "PAR-0001");
    assert_eq!(n.lots[0].main_cpv.as_deref(), Some("85311000"));
    assert_eq!(n.nuts, ["FI1C1"]);

    // The SDK's own example of such a notice.
    let Some(data) = data() else { return };
    let r = read_file(&data.join("eforms-sdk/examples/notices/pin-only_24.xml")).unwrap();
    let ids: Vec<&str> = r.notice.lots.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["PAR-0000"]);
    assert_eq!(r.notice.nuts, ["DE123"]);
}

/// The further information (BT-300), the documents' and the submission's addresses (BT-15,
/// BT-18) and the review organisation of the SDK's maximal contract notice.
#[test]
fn a_contract_notice_gives_its_further_information_and_addresses() {
    let Some(data) = data() else { return };
    let r = read_file(&data.join("eforms-sdk/examples/notices/cn_24_maximal.xml")).unwrap();
    let n = &r.notice;
    assert_eq!(n.additional_info["en"], "Additional information ---");
    assert_eq!(
        n.documents_url.as_deref(),
        Some("http://nonrestricteddocuments.com")
    );
    assert_eq!(
        n.participation_url.as_deref(),
        Some("http://tender-submit.fin-adm.com/esubmission")
    );
    assert_eq!(
        n.review_body.as_ref().unwrap().name["en"],
        "Pub Proc Appeal Adm"
    );
    assert!(n.lots.iter().all(|l| !l.additional_info.is_empty()));
}

/// How an invalid example is taken.
#[derive(Debug, Clone, Copy)]
enum Verdict {
    /// Refused: it lacks what makes it an eForms notice.
    Refused,
    /// Read, every empty value a warning of its own.
    ReadEmptyValuesReported,
    /// Read as the change notice it is: its fault is a business rule, not its shape.
    ReadAsCorrigendum,
    /// Read, with the element of this local name reported.
    ReadReporting(&'static str),
}

/// Every `INVALID_*` example of the SDK, what we do with it and why.
const INVALID: &[(&str, Verdict, &str)] = &[
    (
        "INVALID_can_24_empty.xml",
        Verdict::Refused,
        "only the elements the schema requires: no cbc:CustomizationID, so no SDK version",
    ),
    (
        "INVALID_can_24_stage-1.xml",
        Verdict::Refused,
        "passes validation stage 1 only, without cbc:CustomizationID",
    ),
    (
        "INVALID_can_24_stage-2.xml",
        Verdict::ReadEmptyValuesReported,
        "SDK, subtype and notice type are there, the business values are empty",
    ),
    (
        "INVALID_change-cn_24_FRA_comments.xml",
        Verdict::ReadAsCorrigendum,
        "a complete change notice that changes fields that must not change",
    ),
    (
        "INVALID_cn_24_empty.xml",
        Verdict::Refused,
        "only the elements the schema requires: no cbc:CustomizationID",
    ),
    (
        "INVALID_cn_24_multiple.xml",
        Verdict::ReadReporting("Organization"),
        "faults in repeated elements; its empty efac:Organization is reported",
    ),
    (
        "INVALID_cn_24_stage-1.xml",
        Verdict::Refused,
        "passes validation stage 1 only, without cbc:CustomizationID",
    ),
    (
        "INVALID_cn_24_stage-2.xml",
        Verdict::ReadEmptyValuesReported,
        "SDK, subtype and notice type are there, the business values are empty",
    ),
    (
        "INVALID_pin-buyer_24_stage-1.xml",
        Verdict::Refused,
        "passes validation stage 1 only, without cbc:CustomizationID",
    ),
    (
        "INVALID_pin-only_24_empty.xml",
        Verdict::Refused,
        "only the elements the schema requires: no cbc:CustomizationID",
    ),
    (
        "INVALID_pin-only_24_minimal.xml",
        Verdict::Refused,
        "schema elements and a few more, but no cbc:CustomizationID",
    ),
    (
        "INVALID_pin-only_24_stage-1.xml",
        Verdict::Refused,
        "passes validation stage 1 only, without cbc:CustomizationID",
    ),
];

#[test]
fn each_invalid_example_is_refused_or_read_with_warnings_as_decided() {
    let Some(data) = data() else { return };
    let (mut refused, mut read_ok) = (0, 0);
    for path in examples(&data) {
        let file = name(&path);
        if !file.starts_with("INVALID_") {
            continue;
        }
        let at = path.display();
        let Some(&(_, verdict, why)) = INVALID.iter().find(|(f, _, _)| *f == file) else {
            panic!("{at}: no verdict for this invalid example")
        };
        let result = read_file(&path);
        match verdict {
            Verdict::Refused => {
                let e = result
                    .err()
                    .unwrap_or_else(|| panic!("{at} is read, but {why}"));
                let ErrorKind::Invalid(reason) = &e.kind else {
                    panic!("{at}: {e}")
                };
                assert!(reason.contains("CustomizationID"), "{at}: {reason}");
                assert_eq!(e.file, file);
                assert!(e.line > 1, "{at}: the root's line, after the comment");
                assert!(e.element.ends_with("Notice"), "{at}: {}", e.element);
                refused += 1;
            }
            Verdict::ReadEmptyValuesReported => {
                let r = result.unwrap_or_else(|e| panic!("{at} is refused ({e}), but {why}"));
                let empty = r.warnings.iter().filter(|w| w.message == "empty").count();
                assert!(empty >= 10, "{at}: {empty} empty values reported");
                assert_eq!(r.notice.identifiers.notice_number, None);
                assert_eq!(r.notice.lots.len(), 1);
                read_ok += 1;
            }
            Verdict::ReadAsCorrigendum => {
                let r = result.unwrap_or_else(|e| panic!("{at} is refused ({e}), but {why}"));
                assert_eq!(r.notice.kind, NoticeKind::Corrigendum, "{at}");
                assert_eq!(r.notice.lots.len(), 2, "{at}");
                read_ok += 1;
            }
            Verdict::ReadReporting(element) => {
                let r = result.unwrap_or_else(|e| panic!("{at} is refused ({e}), but {why}"));
                assert!(
                    r.warnings
                        .iter()
                        .any(|w| w.location.ends_with(&format!(":{element}"))
                            && w.message.starts_with("not read")),
                    "{at}: {element} not reported"
                );
                read_ok += 1;
            }
        }
    }
    eprintln!("eForms invalid examples: {refused} refused, {read_ok} read with warnings");
    assert!(refused >= 8 && read_ok >= 4);
}

#[test]
fn a_contract_notice_and_an_award_notice_in_detail() {
    let Some(data) = data() else { return };
    let dir = data.join("eforms-sdk/examples/notices");

    // The Publications Office's IT services tender, in all 24 official languages.
    let r = read_file(&dir.join("cn_24_multilingual.xml")).unwrap();
    let n = &r.notice;
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractNotice, "16")
    );
    assert_eq!(n.languages.len(), 24);
    assert_eq!(n.languages[..2], ["en", "bg"]);
    assert_eq!(n.identifiers.reference.as_deref(), Some("AO 10786"));
    assert_eq!(n.buyers.len(), 1);
    let b = &n.buyers[0];
    assert_eq!(b.name["en"], "Publications Office of the European Union");
    assert_eq!(b.name["fi"], "Euroopan unionin julkaisutoimisto");
    assert_eq!(b.national_id.as_deref(), Some("EU-PO"));
    assert_eq!(b.address.country.as_deref(), Some("LU"));
    assert_eq!(b.address.nuts.as_deref(), Some("LU000"));
    assert!(n.title["en"].starts_with("Provision of IT Services Related to OP IT Systems"));
    assert_eq!(n.main_cpv.as_deref(), Some("72230000"));
    assert_eq!(n.additional_cpv, ["72260000"]);
    assert_eq!(n.nuts, ["LU000"]);
    assert_eq!(n.procedure.kind.as_deref(), Some("open"));
    assert_eq!(n.procedure.legal_basis.as_deref(), Some("32014L0024"));
    assert_eq!(n.procedure.accelerated, Some(false));
    assert!(n.framework_agreement && !n.dynamic_purchasing_system);
    assert_eq!(n.dates.issued.as_deref(), Some("2019-11-21"));
    assert_eq!(
        n.dates.submission_deadline.as_deref(),
        Some("2020-02-03T13:00:00Z")
    );
    assert_eq!(n.dates.contract_start.as_deref(), Some("2020-06-01"));
    let ids: Vec<&str> = n.lots.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["LOT-0000"]);
    let l = &n.lots[0];
    let v = l.estimated_value.as_ref().unwrap();
    assert_eq!((v.value.as_str(), v.currency.as_str()), ("4500000", "EUR"));
    let d = l.duration.as_ref().unwrap();
    assert_eq!((d.value.as_str(), d.unit.as_str()), ("48", "month"));
    let criteria: Vec<(&str, Option<&str>)> = l
        .award_criteria
        .iter()
        .map(|c| (c.kind.as_str(), c.weight.as_deref()))
        .collect();
    assert_eq!(criteria, [("quality", Some("70")), ("price", Some("30"))]);

    // Rouen Habitat's green-space maintenance: two lots, two winners.
    let r = read_file(&dir.join("can_24_FRA_comments.xml")).unwrap();
    let n = &r.notice;
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractAward, "29")
    );
    assert_eq!(n.languages, ["fr"]);
    let b = &n.buyers[0];
    assert_eq!(b.name["fr"], "Rouen Habitat");
    assert_eq!(b.national_id.as_deref(), Some("123 456 789"));
    assert_eq!(b.address.city.as_deref(), Some("Rouen Cedex 1"));
    assert_eq!(b.address.country.as_deref(), Some("FR"));
    assert_eq!(n.main_cpv.as_deref(), Some("77310000"));
    assert_eq!(n.nuts, ["FRD22"]);
    let ids: Vec<&str> = n.lots.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["LOT-0001", "LOT-0002"]);
    assert_eq!(n.total_value.as_ref().unwrap().cents(), Some(39_069_784));
    assert_eq!(n.results.len(), 2);
    let res = &n.results[0];
    assert_eq!(res.lot_ids, ["LOT-0001"]);
    assert!(res.awarded);
    assert_eq!(res.winners.len(), 1);
    assert_eq!(res.winners[0].name["fr"], "Espaces Verts Lemire");
    assert_eq!(res.winners[0].national_id.as_deref(), Some("326 912 557"));
    let v = res.value.as_ref().unwrap();
    assert_eq!((v.value.as_str(), v.currency.as_str()), ("95414", "EUR"));
    assert_eq!(res.contract_date.as_deref(), Some("2019-09-03"));
    assert_eq!(res.tenders_received, Some(3));
    assert_eq!(n.results[1].winners[0].name["fr"], "ID Verde SASU");
}

#[test]
fn finnish_national_examples_read_in_finnish() {
    let Some(data) = data() else { return };
    let dir = data.join("hilma-sdk/examples");
    for (file, title, kind) in [
        ("E1_minimum.xml", None, NoticeKind::PriorInformation),
        (
            "E3_minimum.xml",
            Some("E3_minimum"),
            NoticeKind::ContractNotice,
        ),
        (
            "E4_minimum.xml",
            Some("E4-minimum"),
            NoticeKind::ContractAward,
        ),
    ] {
        let r = read_file(&dir.join(file)).unwrap();
        let n = &r.notice;
        assert_eq!(n.kind, kind, "{file}");
        assert_eq!(n.languages, ["fi"], "{file}");
        assert_eq!(
            n.format,
            Format::Eforms {
                sdk: "eforms-sdk-1.13".into()
            }
        );
        if let Some(title) = title {
            assert_eq!(n.title["fi"], title, "{file}");
        }
        assert!(n.title.keys().all(|l| l == "fi"), "{file}");
        let b = &n.buyers[0];
        assert_eq!(b.name["fi"], "Hansel Oy", "{file}");
        assert_eq!(b.national_id.as_deref(), Some("0988084-1"), "{file}");
        assert_eq!(b.address.country.as_deref(), Some("FI"), "{file}");
        assert_eq!(b.address.city.as_deref(), Some("HELSINKI"), "{file}");
    }
    let e3 = read_file(&dir.join("E3_minimum.xml")).unwrap().notice;
    assert_eq!(e3.subtype, "E3");
    // FI-11: national procurement law where the EU legal basis is "other".
    assert_eq!(
        e3.procedure.legal_basis.as_deref(),
        Some("procurement-legislation")
    );
    assert_eq!(
        e3.dates.submission_deadline.as_deref(),
        Some("2025-04-18T12:00:00+03:00")
    );
    assert_eq!(e3.dates.contract_start.as_deref(), Some("2025-03-20"));
    assert_eq!(e3.dates.contract_end.as_deref(), Some("2025-03-31"));
    assert_eq!(e3.lots[0].award_criteria.len(), 2);
    assert_eq!(e3.lots[0].award_criteria[0].weight.as_deref(), Some("50"));

    let e4 = read_file(&dir.join("E4_minimum.xml")).unwrap().notice;
    assert_eq!(e4.results[0].winners[0].name["fi"], "Testiyritys");
    assert_eq!(
        e4.results[0].winners[0].national_id.as_deref(),
        Some("5717358-6")
    );
    assert_eq!(e4.total_value.as_ref().unwrap().cents(), Some(5_000_000));

    // A published example with a foreign element in the national extension: reported.
    let odd = data.join("hilma-sdk/examples-from-history/29_FI-70_invalid.xml");
    let r = read_file(&odd).unwrap();
    assert!(r
        .warnings
        .iter()
        .any(|w| w.location.ends_with("hilma:SettledContracts/blaa")));
}

/// A small notice in the shape of the examples, with `{…}` holes filled per test.
fn inline(lot: &str, result: &str, national: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ContractAwardNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2" xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1" xmlns:efbc="http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1" xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1" xmlns:hilma="urn:hanselHilma:NationalNoticeExtension">
<ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
<efac:NoticeResult>{result}</efac:NoticeResult>
<efac:NoticeSubType><cbc:SubTypeCode listName="notice-subtype">E4</cbc:SubTypeCode></efac:NoticeSubType>
<efac:Organizations>
<efac:Organization><efac:Company><cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name languageID="FIN">Kuvitteellinen hyvinvointialue</cbc:Name></cac:PartyName></efac:Company></efac:Organization>
<efac:Organization><efac:Company><cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0002</cbc:ID></cac:PartyIdentification><cac:PartyName><cbc:Name languageID="FIN">Hoivapalvelu Oy</cbc:Name></cac:PartyName></efac:Company></efac:Organization>
</efac:Organizations>
</efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension>
<ext:UBLExtension><ext:ExtensionContent><sig:UBLDocumentSignatures xmlns:sig="urn:oasis:names:specification:ubl:schema:xsd:CommonSignatureComponents-2"><sig:SignatureInformation><cbc:ID>sig</cbc:ID></sig:SignatureInformation></sig:UBLDocumentSignatures></ext:ExtensionContent></ext:UBLExtension>
</ext:UBLExtensions>
<cbc:CustomizationID>eforms-sdk-1.13</cbc:CustomizationID>
<cbc:ID schemeName="notice-id">n-1</cbc:ID>
<cbc:IssueDate>2025-03-19Z</cbc:IssueDate>
<cbc:RegulatoryDomain>other</cbc:RegulatoryDomain>
<cbc:NoticeTypeCode listName="result">can-standard</cbc:NoticeTypeCode>
<cbc:NoticeLanguageCode>FIN</cbc:NoticeLanguageCode>
<cac:ContractingParty><cac:Party><cac:PartyIdentification><cbc:ID>ORG-0001</cbc:ID></cac:PartyIdentification></cac:Party></cac:ContractingParty>
<cac:ProcurementProject><cbc:Name>Kotihoito</cbc:Name></cac:ProcurementProject>
<cac:ProcurementProjectLot><cbc:ID schemeName="LotsGroup">GLO-0001</cbc:ID><cac:ProcurementProject><cbc:Name>Ryhmä</cbc:Name></cac:ProcurementProject></cac:ProcurementProjectLot>
<cac:ProcurementProjectLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID>{lot}</cac:ProcurementProjectLot>
{national}
</ContractAwardNotice>"#
    )
}

const RESULT: &str = r#"<efac:LotResult><cbc:ID>RES-0001</cbc:ID><cbc:TenderResultCode listName="winner-selection-status">selec-w</cbc:TenderResultCode><efac:LotTender><cbc:ID>TEN-0001</cbc:ID></efac:LotTender><efac:LotTender><cbc:ID>TEN-0002</cbc:ID></efac:LotTender><efac:SettledContract><cbc:ID>CON-0001</cbc:ID></efac:SettledContract><efac:TenderLot><cbc:ID schemeName="Lot">LOT-0001</cbc:ID></efac:TenderLot></efac:LotResult>
<efac:LotTender><cbc:ID>TEN-0001</cbc:ID><efac:TenderingParty><cbc:ID>TPA-0001</cbc:ID></efac:TenderingParty></efac:LotTender>
<efac:LotTender><cbc:ID>TEN-0002</cbc:ID><efac:TenderingParty><cbc:ID>TPA-0002</cbc:ID></efac:TenderingParty></efac:LotTender>
<efac:SettledContract><cbc:ID>CON-0001</cbc:ID><cbc:IssueDate>2025-03-01+02:00</cbc:IssueDate></efac:SettledContract>
<efac:TenderingParty><cbc:ID>TPA-0001</cbc:ID><efac:Tenderer><cbc:ID>ORG-0002</cbc:ID></efac:Tenderer></efac:TenderingParty>
<efac:TenderingParty><cbc:ID>TPA-0002</cbc:ID><efac:Tenderer><cbc:ID>ORG-0009</cbc:ID></efac:Tenderer></efac:TenderingParty>"#;

#[test]
fn values_it_cannot_understand_and_missing_references_are_reported_where_they_are() {
    let lot = r#"<cac:ProcurementProject>
<cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="EUR">12 000,50</cbc:EstimatedOverallContractAmount></cac:RequestedTenderTotal>
<cac:PlannedPeriod><cbc:DurationMeasure unitCode="HUR">36</cbc:DurationMeasure></cac:PlannedPeriod>
</cac:ProcurementProject>
<cac:TenderingProcess><cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>18.4.2025</cbc:EndDate></cac:TenderSubmissionDeadlinePeriod></cac:TenderingProcess>"#;
    let national = r#"<hilma:NationalExtension><hilma:NoticeResult><hilma:SettledContracts><hilma:SettledContract><cbc:ID>CON-0001</cbc:ID><hilma:ContractValueAmount currencyID="EUR">48000</hilma:ContractValueAmount></hilma:SettledContract></hilma:SettledContracts></hilma:NoticeResult></hilma:NationalExtension>"#;
    let xml = inline(lot, RESULT, national);
    let r = read(xml.as_bytes(), "inline.xml").unwrap();
    let n = &r.notice;
    assert_eq!(
        n.title["fi"], "Kotihoito",
        "a text without languageID is in the notice's language"
    );
    assert_eq!(n.dates.issued.as_deref(), Some("2025-03-19"));
    assert_eq!(n.lots.len(), 1, "the group of lots is not a lot");
    let l = &n.lots[0];
    assert_eq!(l.estimated_value.as_ref().unwrap().cents(), Some(1_200_050));
    assert_eq!(l.duration, None);
    assert_eq!(n.dates.submission_deadline, None);
    let res = &n.results[0];
    assert_eq!(res.winners.len(), 1);
    assert_eq!(res.winners[0].name["fi"], "Hoivapalvelu Oy");
    // FI-70: the national contract value stands in for the missing tender values.
    assert_eq!(res.value.as_ref().unwrap().cents(), Some(4_800_000));
    assert_eq!(res.contract_date.as_deref(), Some("2025-03-01"));

    let find = |needle: &str| {
        r.warnings
            .iter()
            .find(|w| w.message.contains(needle))
            .unwrap_or_else(|| panic!("no warning about {needle}: {:#?}", r.warnings))
    };
    let unit = find("unknown unit HUR");
    assert!(unit
        .location
        .ends_with("cac:PlannedPeriod/cbc:DurationMeasure"));
    assert!(unit.line.is_some());
    assert!(find("not a date: 18.4.2025")
        .location
        .ends_with("cbc:EndDate"));
    assert!(find("ORG-0009").location.ends_with("efac:Tenderer/cbc:ID"));
    // Signatures and the group of lots are taken as read; nothing of them is reported.
    assert!(r.warnings.iter().all(|w| !w.location.contains("Signature")
        && !w
            .location
            .ends_with("cac:ProcurementProjectLot/cac:ProcurementProject/cbc:Name")));

    let bad_amount = inline(
        r#"<cac:ProcurementProject><cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="EUR">noin 5 M€</cbc:EstimatedOverallContractAmount></cac:RequestedTenderTotal></cac:ProcurementProject>"#,
        "",
        "",
    );
    let r = read(bad_amount.as_bytes(), "amount.xml").unwrap();
    assert_eq!(r.notice.lots[0].estimated_value, None);
    assert!(r
        .warnings
        .iter()
        .any(|w| w.message == "not an amount: noin 5 M€"
            && w.location.ends_with("cbc:EstimatedOverallContractAmount")));
}

#[test]
fn a_notice_without_sdk_version_or_notice_type_is_refused_naming_file_line_and_element() {
    let xml = inline("", "", "");
    let no_sdk = xml.replace(
        "<cbc:CustomizationID>eforms-sdk-1.13</cbc:CustomizationID>",
        "",
    );
    let e = read(no_sdk.as_bytes(), "no-sdk.xml").err().unwrap();
    assert!(matches!(&e.kind, ErrorKind::Invalid(r) if r.contains("CustomizationID")));
    assert_eq!(
        (e.file.as_str(), e.line, e.element.as_str()),
        ("no-sdk.xml", 2, "/ContractAwardNotice")
    );

    let other = xml.replace("eforms-sdk-1.13", "urn:cen.eu:en16931:2017");
    let e = read(other.as_bytes(), "other.xml").err().unwrap();
    assert!(matches!(&e.kind, ErrorKind::Invalid(r) if r.contains("not an eForms SDK version")));
    assert_eq!(e.element, "/ContractAwardNotice/cbc:CustomizationID");

    let no_type = xml
        .replace(r#"<efac:NoticeSubType><cbc:SubTypeCode listName="notice-subtype">E4</cbc:SubTypeCode></efac:NoticeSubType>"#, "")
        .replace(r#"<cbc:NoticeTypeCode listName="result">can-standard</cbc:NoticeTypeCode>"#, "");
    let e = read(no_type.as_bytes(), "no-type.xml").err().unwrap();
    assert!(
        matches!(&e.kind, ErrorKind::Invalid(r) if r.contains("not a notice")),
        "{e}"
    );
    assert!(
        e.element.ends_with("efext:EformsExtension"),
        "{}",
        e.element
    );
}
