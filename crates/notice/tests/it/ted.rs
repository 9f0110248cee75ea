//! TED XML R2.0.8/R2.0.9: the real published notices and the synthetic samples of
//! `../shared/data`, and small documents of our own for the errors.

use notice::{read, ErrorKind, Format, NoticeKind, Reading};
use std::path::{Path, PathBuf};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data");

/// The shared data, or `None` (skipping loudly) when it is not there; in CI it must be.
fn data() -> Option<PathBuf> {
    let p = Path::new(DATA);
    if p.is_dir() {
        return Some(p.to_path_buf());
    }
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("../shared/data not found at {DATA}; CI must provide it");
    }
    eprintln!("SKIPPED: ../shared/data not found");
    None
}

fn xml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            xml_files(&p, out);
        } else if p.extension().and_then(|e| e.to_str()) == Some("xml") {
            out.push(p);
        }
    }
}

fn read_path(path: &Path) -> Reading {
    let bytes = std::fs::read(path).unwrap();
    read(&bytes, &path.display().to_string()).unwrap_or_else(|e| panic!("{e}"))
}

// ---------------------------------------------------------------------------------------------
// An independent look at the files: plain text search, no XML parser, no reader.
// ---------------------------------------------------------------------------------------------

/// The name of the first element in `s` (skipping the declaration and comments).
fn first_element(s: &str) -> &str {
    let mut rest = s;
    loop {
        let i = rest.find('<').unwrap();
        rest = &rest[i..];
        if rest.starts_with("<?") {
            rest = &rest[rest.find("?>").unwrap() + 2..];
        } else if rest.starts_with("<!--") {
            rest = &rest[rest.find("-->").unwrap() + 3..];
        } else {
            let end = rest[1..]
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap();
            return &rest[1..1 + end];
        }
    }
}

/// The original form's text: the element with `CATEGORY="ORIGINAL"` up to its end tag, or the
/// whole document when none says so (an eSender form as root, the synthetic samples).
fn original_section(src: &str) -> &str {
    let Some(i) = src.find("CATEGORY=\"ORIGINAL\"") else {
        return src;
    };
    let start = src[..i].rfind('<').unwrap();
    let name = first_element(&src[start..]);
    let close = format!("</{name}>");
    let end = src[start..]
        .find(&close)
        .map(|e| start + e + close.len())
        .unwrap_or(src.len());
    &src[start..end]
}

/// Start tags `<NAME>`, `<NAME …>` or `<NAME/>` of exactly this name (any prefix ignored).
fn start_tags<'s>(s: &'s str, name: &'s str) -> impl Iterator<Item = usize> + 's {
    s.match_indices('<').map(|(i, _)| i).filter(move |&i| {
        let tag = &s[i + 1..];
        let local = match tag.find(|c: char| c.is_whitespace() || c == '>' || c == '/') {
            Some(end) => &tag[..end],
            None => return false,
        };
        local.rsplit(':').next() == Some(name)
    })
}

/// The text of the first `<name>…</name>` in `s` without tags and comments.
fn content_of(s: &str, name: &str) -> Option<String> {
    let i = start_tags(s, name).next()?;
    let open_end = i + s[i..].find('>')?;
    if s.as_bytes()[open_end - 1] == b'/' {
        return Some(String::new());
    }
    let close = format!("</{name}>");
    let end = open_end + s[open_end..].find(&close)?;
    let inner = &s[open_end + 1..end];
    let mut out = String::new();
    let mut in_tag = false;
    for c in inner.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Some(out.trim().to_owned())
}

/// The text of the first `<outer>…</outer>` block.
fn block<'s>(s: &'s str, outer: &str) -> Option<&'s str> {
    let i = start_tags(s, outer).next()?;
    let close = format!("</{outer}>");
    let end = s[i..].find(&close)? + i;
    Some(&s[i..end])
}

/// Whether the first child of `OBJECT_CONTRACT` is a `TITLE` with text.
fn has_contract_title(section: &str) -> bool {
    let Some(oc) = block(section, "OBJECT_CONTRACT") else {
        return false;
    };
    let after = &oc[oc.find('>').unwrap() + 1..];
    first_element(after) == "TITLE" && content_of(after, "TITLE").is_some_and(|t| !t.is_empty())
}

fn has_buyer_name(section: &str) -> bool {
    ["ADDRESS_CONTRACTING_BODY", "CA_CE_CONCESSIONAIRE_PROFILE"]
        .iter()
        .filter_map(|b| block(section, b))
        .any(|b| content_of(b, "OFFICIALNAME").is_some_and(|t| !t.is_empty()))
}

/// How many lots the original form has. 2014 forms: one `OBJECT_DESCR` each. R2.0.8 forms have
/// no `OBJECT_DESCR`: their lots are the annex B blocks (`F17_ANNEX_B`,
/// `LOT_PRIOR_INFORMATION`, …), and a form without them whose object section (`OBJECT_*`)
/// describes the procurement as a whole reads as one lot, as a 2014 form with
/// `NO_LOT_DIVISION` does.
fn expected_lots(section: &str, form: &str) -> usize {
    if form.ends_with("_2014") || form == "MOVE" {
        return start_tags(section, "OBJECT_DESCR").count();
    }
    let annex = section
        .match_indices('<')
        .filter(|(i, _)| {
            let tag = &section[i + 1..];
            let end = tag
                .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
                .unwrap_or(0);
            let name = &tag[..end];
            name.ends_with("ANNEX_B")
                || name == "LOT_PRIOR_INFORMATION"
                || name.starts_with("ANNEX_B_INFORMATION_LOTS")
        })
        .count();
    let has_object = section.match_indices("<OBJECT_").next().is_some();
    if annex > 0 {
        annex
    } else {
        usize::from(has_object)
    }
}

#[test]
fn every_ted_file_reads_with_its_title_buyer_cpv_and_lots() {
    let Some(data) = data() else { return };
    let mut files = Vec::new();
    xml_files(&data.join("ted-xml-real"), &mut files);
    let real = files.len();
    xml_files(&data.join("ted-xml-synthetic/output/samples"), &mut files);
    assert!(real >= 160, "only {real} real TED files");
    assert!(
        files.len() >= real + 23,
        "the synthetic samples are missing"
    );

    let (mut warnings, mut problems) = (0, Vec::new());
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let bytes = src.as_bytes();
        let r = match read(bytes, &path.display().to_string()) {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("refused: {e}"));
                continue;
            }
        };
        warnings += r.warnings.len();
        let n = &r.notice;
        let section = original_section(&src);
        let form = first_element(section);
        let name = path.strip_prefix(&data).unwrap().display();
        let mut check = |ok: bool, what: &str| {
            if !ok {
                problems.push(format!("{name}: {what}"));
            }
        };
        check(
            matches!(
                n.format,
                Format::TedExport { .. } | Format::TedEsender { .. }
            ),
            "not a TED format",
        );
        check(!n.subtype.is_empty(), "no subtype");
        check(!n.languages.is_empty(), "no language");
        if has_contract_title(section) || start_tags(section, "TITLE_CONTRACT").next().is_some() {
            check(!n.title.is_empty(), "the title is missing");
        }
        if has_buyer_name(section) {
            check(
                n.buyers.first().is_some_and(|b| !b.name.is_empty()),
                "the buyer's name is missing",
            );
        }
        if start_tags(section, "CPV_MAIN").next().is_some() {
            check(n.main_cpv.is_some(), "the main CPV is missing");
        }
        let lots = expected_lots(section, form);
        check(
            n.lots.len() == lots,
            &format!("{} lots, the file has {lots}", n.lots.len()),
        );
        if src.contains("<NO_DOC_OJS>") {
            check(n.identifiers.ted_number.is_some(), "no TED number");
            check(n.dates.published.is_some(), "no publication date");
        }
    }
    eprintln!(
        "TED XML: {} files read ({real} real, {} synthetic), {} refused, {warnings} warnings",
        files.len() - problems.iter().filter(|p| p.starts_with("refused")).count(),
        files.len() - real,
        problems.iter().filter(|p| p.starts_with("refused")).count(),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every real file's declared schema version is what the reader reports, and one R2.0.8 and one
/// R2.0.9 notice of the manifest read in detail.
#[test]
fn r208_and_r209_notices_of_the_manifest_read() {
    let Some(data) = data() else { return };
    let real = data.join("ted-xml-real");
    let manifest = std::fs::read_to_string(real.join("MANIFEST.tsv")).unwrap();
    let mut first = std::collections::BTreeMap::new();
    for line in manifest.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (file, schema, form) = (cols[0], cols[2], cols[3]);
        let r = read_path(&real.join(file));
        assert_eq!(
            r.notice.format,
            Format::TedExport {
                schema: schema.to_owned()
            },
            "{file}"
        );
        assert_eq!(r.notice.subtype, form, "{file}");
        first.entry(&schema[..6]).or_insert(file.to_owned());
    }
    assert_eq!(
        first.keys().copied().collect::<Vec<_>>(),
        ["R2.0.8", "R2.0.9"]
    );

    // R2.0.8: a defence contract award (F18).
    let r = read_path(&real.join("F18/R2.0.8.S05.E01/119261-2021.xml"));
    let n = &r.notice;
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractAward, "F18")
    );
    assert_eq!(n.languages, ["fr"]);
    assert_eq!(
        n.identifiers.ted_number.as_deref(),
        Some("2021/S 047-119261")
    );
    assert_eq!(n.identifiers.reference.as_deref(), Some("DSSFBM20B00069"));
    assert_eq!(n.dates.issued.as_deref(), Some("2021-03-04"));
    assert_eq!(n.buyers[0].name["fr"], "Marine/DCSSF/ DSSFBREST");
    assert_eq!(n.buyers[0].address.city.as_deref(), Some("Brest Cedex 9"));
    assert_eq!(n.main_cpv.as_deref(), Some("35521000"));
    assert_eq!(n.additional_cpv, ["50640000"]);
    assert_eq!(n.nuts, ["FRH02", "FRL05"]);
    assert_eq!(n.procedure.kind.as_deref(), Some("restricted"));
    assert_eq!(n.procedure.legal_basis.as_deref(), Some("32009L0081"));
    assert!(n.framework_agreement);
    assert!(
        n.title["fr"].starts_with("Approvisionnement"),
        "{:?}",
        n.title
    );
    assert_eq!(n.results.len(), 1);
    let res = &n.results[0];
    assert!(res.awarded);
    assert_eq!(res.winners[0].name["fr"], "Lognav CM");
    assert_eq!(res.contract_date.as_deref(), Some("2021-03-02"));
    assert_eq!(res.tenders_received, Some(6));
    let v = res.value.as_ref().unwrap();
    assert_eq!((v.value.as_str(), v.currency.as_str()), ("1440000", "EUR"));

    // R2.0.8: a defence prior information notice with four annex lots (F16).
    let r = read_path(&real.join("F16/R2.0.8.S04.E01/080899-2021.xml"));
    let n = &r.notice;
    assert_eq!(n.kind, NoticeKind::PriorInformation);
    assert_eq!(
        n.lots.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["1", "2", "3", "4"]
    );
    assert!(n.lots[0].title["pl"].starts_with("Zadanie 1."));
    assert_eq!(n.lots[0].main_cpv.as_deref(), Some("90910000"));
    assert!(!n.framework_agreement);

    // R2.0.9: a contract notice (F02) of the newest schema.
    let r = read_path(
        &real.join("F02/R2.0.9.S05.E01").join(
            std::fs::read_dir(real.join("F02/R2.0.9.S05.E01"))
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .file_name(),
        ),
    );
    let n = &r.notice;
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractNotice, "F02")
    );
    assert!(!n.title.is_empty() && !n.buyers.is_empty() && n.main_cpv.is_some());
    assert!(n.procedure.kind.is_some() && n.dates.submission_deadline.is_some());
}

#[test]
fn a_finnish_social_services_contract_notice_reads_in_detail() {
    let Some(data) = data() else { return };
    let r = read_path(&data.join("ted-xml-real/F21/R2.0.9.S04.E01/172265-2021.xml"));
    let n = &r.notice;
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractNotice, "F21")
    );
    assert_eq!(
        n.identifiers.ted_number.as_deref(),
        Some("2021/S 066-172265")
    );
    assert_eq!(n.identifiers.reference.as_deref(), Some("11/2021"));
    assert_eq!(n.languages[0], "fi");
    assert_eq!(n.dates.issued.as_deref(), Some("2021-04-01"));
    assert_eq!(n.dates.published.as_deref(), Some("2021-04-06"));
    assert_eq!(
        n.dates.submission_deadline.as_deref(),
        Some("2025-04-01T16:55")
    );
    assert_eq!(n.title["fi"], "Psykiatrian palvelualueen ostopalvelut");
    let b = &n.buyers[0];
    assert_eq!(b.name["fi"], "Keski-Suomen sairaanhoitopiiri");
    assert_eq!(b.national_id.as_deref(), Some("0215978-7"));
    assert_eq!(b.address.city.as_deref(), Some("Jyväskylä"));
    assert_eq!(b.address.postal_code.as_deref(), Some("FI-40620"));
    assert_eq!(b.address.country.as_deref(), Some("FI"));
    assert_eq!(b.address.nuts.as_deref(), Some("FI193"));
    assert_eq!(b.email.as_deref(), Some("tarjous@ksshp.fi"));
    assert_eq!(n.procedure.kind.as_deref(), Some("restricted"));
    assert_eq!(n.procedure.legal_basis.as_deref(), Some("32014L0024"));
    assert_eq!(n.main_cpv.as_deref(), Some("85100000"));
    assert_eq!(n.additional_cpv, ["85121200", "85000000", "80570000"]);
    assert_eq!(n.nuts, ["FI193"]);
    let lots: Vec<(&str, &str)> = n
        .lots
        .iter()
        .map(|l| (l.id.as_str(), l.title["fi"].as_str()))
        .collect();
    assert_eq!(
        lots,
        [
            ("1", "Erikoislääkäripalvelut"),
            ("2", "Lasten terapiapalvelut"),
            ("3", "Työnohjauspalvelut")
        ]
    );
    let l = &n.lots[0];
    assert_eq!(l.main_cpv.as_deref(), Some("85100000"));
    assert_eq!(l.additional_cpv, ["85121200"]);
    assert_eq!(l.nuts, ["FI193"]);
    let d = l.duration.as_ref().unwrap();
    assert_eq!((d.value.as_str(), d.unit.as_str()), ("48", "month"));
    assert!(l.description["fi"].starts_with("Palveluluokka A Erikoislääkäripalvelut"));
    // The further information tells the system's real period and the application round, each
    // paragraph on its own line; where to apply, and who hears appeals.
    assert_eq!(
        n.additional_info["fi"],
        "Dynaamisen toimittajarekisterin etusijajärjestys tulee voimaan 1.6.2021. Kaikkien \
         1.6.2021 alkavalle hankintakaudelle mukaan haluavien on jätettävä osallistumishakemus \
         3.5.2021 klo 12.00 mennessä.\nHankintayksikkö tekee hankintoja järjestelmässä \
         1.6.2021—31.5.2025."
    );
    assert_eq!(
        l.additional_info["fi"],
        "Hankintayksikkö tekee hankintoja dynaamisen toimittajarekisterin perusteella \
         aikavälillä 1.6.2021–31.5.2025."
    );
    assert!(n.participation_url.is_some());
    assert!(n.documents_url.is_some());
    let review = n.review_body.as_ref().unwrap();
    assert_eq!(review.name["fi"], "Markkinaoikeus");
    assert_eq!(review.address.city.as_deref(), Some("Helsinki"));
    assert!(!r.warnings.iter().any(|w| w.location.contains("INFO_ADD")
        || w.location.ends_with("ADDRESS_REVIEW_BODY/OFFICIALNAME")
        || w.location.ends_with("URL_PARTICIPATION")
        || w.location.ends_with("URL_DOCUMENT")));

    // Values: a Bulgarian social-services contract notice of two lots.
    let r = read_path(&data.join("ted-xml-real/F21/R2.0.9.S02.E01/236144-2018.xml"));
    let n = &r.notice;
    assert_eq!(n.kind, NoticeKind::ContractNotice);
    assert_eq!(n.buyers[0].national_id.as_deref(), Some("831601932"));
    assert_eq!(n.main_cpv.as_deref(), Some("55521200"));
    let est = n.estimated_value.as_ref().unwrap();
    assert_eq!(
        (est.value.as_str(), est.currency.as_str()),
        ("533484.00", "BGN")
    );
    assert_eq!(est.cents(), Some(53_348_400));
    let lot_values: Vec<Option<i64>> = n
        .lots
        .iter()
        .map(|l| l.estimated_value.as_ref().and_then(|a| a.cents()))
        .collect();
    assert_eq!(lot_values, [Some(40_471_200), Some(12_877_200)]);
    assert_eq!(n.nuts, ["BG422", "BG342"]);
    assert_eq!(n.procedure.kind.as_deref(), Some("open"));
}

#[test]
fn a_finnish_social_services_award_reads_its_winners_and_values() {
    let Some(data) = data() else { return };
    let r = read_path(&data.join("ted-xml-real/F21/R2.0.9.S01.E01/005392-2017.xml"));
    let n = &r.notice;
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractAward, "F21")
    );
    assert_eq!(
        n.identifiers.ted_number.as_deref(),
        Some("2017/S 004-005392")
    );
    // R2.0.9.S01 names the directive, not the legal basis.
    assert_eq!(n.procedure.legal_basis.as_deref(), Some("32014L0024"));
    assert_eq!(n.buyers[0].name["fi"], "Vantaan kaupunki");
    let total = n.total_value.as_ref().unwrap();
    assert_eq!(
        (total.value.as_str(), total.currency.as_str()),
        ("3000000.00", "EUR")
    );
    assert_eq!(n.results.len(), 2);
    let r1 = &n.results[0];
    assert_eq!(r1.lot_ids, ["1"]);
    assert!(r1.awarded);
    assert_eq!(r1.contract_date.as_deref(), Some("2016-12-14"));
    assert_eq!(r1.tenders_received, Some(9));
    assert_eq!(r1.winners.len(), 5);
    assert_eq!(r1.winners[0].name["fi"], "Invalidisäätiö");
    assert_eq!(r1.winners[0].address.city.as_deref(), Some("Espoo"));
    assert_eq!(r1.value.as_ref().and_then(|a| a.cents()), Some(60_000_000));
    let r2 = &n.results[1];
    assert_eq!(r2.lot_ids, ["2"]);
    assert_eq!(r2.tenders_received, Some(11));
    assert_eq!(r2.value.as_ref().and_then(|a| a.cents()), Some(240_000_000));
}

#[test]
fn a_multilingual_export_gives_the_title_in_every_language() {
    let Some(data) = data() else { return };
    let r =
        read_path(&data.join("ted-xml-real/converter-test-notices/ted-xml/20-242009-001-EXP.xml"));
    let n = &r.notice;
    assert_eq!(n.languages.len(), 24);
    assert_eq!(n.languages[0], "en");
    assert!(n.title.len() > 1);
    assert_eq!(n.title["en"], "Security Services Delegation to Tanzania");
    assert_eq!(n.title["fi"], "Turvapalvelut Tansanian-edustustoa varten");
    assert_eq!(
        n.title["sv"],
        "Säkerhetstjänster till delegation i Tanzania"
    );
    assert_eq!(n.title.len(), 24);
    assert!(n.description.len() > 1);
    // The lot's description in the translations too.
    assert!(n.lots[0].description.contains_key("fi"));
    assert_eq!(n.lots.len(), 1);
    assert_eq!(n.lots[0].id, "1");
}

#[test]
fn the_finnish_esender_contract_notice_reads() {
    let Some(data) = data() else { return };
    let r = read_path(&data.join("hilma-legacy/Hilma.MigrationExample/notice.xml"));
    let n = &r.notice;
    assert_eq!(
        n.format,
        Format::TedEsender {
            schema: "R2.0.9".into()
        }
    );
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractNotice, "F02")
    );
    assert_eq!(n.languages, ["fi"]);
    assert!(n.title["fi"].starts_with("Henkilökuljetukset Testia Oy:n Pohjois-Savon alueella"));
    assert_eq!(n.identifiers.reference.as_deref(), Some("1811291"));
    let b = &n.buyers[0];
    assert_eq!(b.name["fi"], "Testia Oy");
    assert_eq!(b.national_id.as_deref(), Some("2364760-8"));
    assert_eq!(b.address.city.as_deref(), Some("Kuopio"));
    assert_eq!(b.address.nuts.as_deref(), Some("FI1"));
    assert_eq!(n.main_cpv.as_deref(), Some("60000000"));
    assert!(n.dynamic_purchasing_system);
    assert_eq!(n.procedure.kind.as_deref(), Some("restricted"));
    assert_eq!(n.dates.issued.as_deref(), Some("2019-01-30"));
    assert_eq!(
        n.dates.submission_deadline.as_deref(),
        Some("2025-01-31T00:00")
    );
    assert_eq!(
        n.estimated_value.as_ref().and_then(|a| a.cents()),
        Some(6_500_000_000)
    );
    assert_eq!(n.lots.len(), 1);
    let l = &n.lots[0];
    assert_eq!(l.id, "1");
    assert_eq!(
        (l.start_date.as_deref(), l.end_date.as_deref()),
        (Some("2019-02-01"), Some("2025-01-31"))
    );
    assert_eq!(l.renewal, Some(true));
    assert!(l.options["fi"].starts_with("Järjestelmää voidaan jatkaa"));
    assert_eq!(n.dates.contract_start.as_deref(), Some("2019-02-01"));
    // The file has an OFFICIALNAME straight in CONTRACTING_BODY, where the schema has none: it
    // is reported, not taken.
    assert!(
        r.warnings
            .iter()
            .any(|w| w.location
                == "/TED_ESENDERS/FORM_SECTION/F02_2014/CONTRACTING_BODY/OFFICIALNAME"),
        "{:#?}",
        r.warnings
    );
}

#[test]
fn an_export_without_a_form_or_with_an_unknown_form_is_refused_naming_the_element() {
    let src = "<TED_EXPORT>\n<CODED_DATA_SECTION/>\n</TED_EXPORT>";
    let e = read(src.as_bytes(), "none.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Invalid(_)), "{e}");
    assert_eq!(
        (e.file.as_str(), e.line, e.element.as_str()),
        ("none.xml", 1, "/TED_EXPORT")
    );

    let src = "<TED_EXPORT>\n<FORM_SECTION>\n</FORM_SECTION>\n</TED_EXPORT>";
    let e = read(src.as_bytes(), "empty.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::Invalid(_)), "{e}");
    assert_eq!(
        (e.line, e.element.as_str()),
        (2, "/TED_EXPORT/FORM_SECTION")
    );

    let src = "<TED_EXPORT>\n<FORM_SECTION>\n<OTH_NOT LG=\"EN\"/>\n</FORM_SECTION>\n</TED_EXPORT>";
    let e = read(src.as_bytes(), "other.xml").unwrap_err();
    assert!(matches!(e.kind, ErrorKind::UnknownFormat(_)), "{e}");
    assert_eq!(
        (e.line, e.element.as_str()),
        (3, "/TED_EXPORT/FORM_SECTION/OTH_NOT")
    );
}

#[test]
fn a_form_as_root_reads_and_what_it_cannot_map_is_reported() {
    let src = r#"<F21_2014 LG="FI" CATEGORY="ORIGINAL" FORM="F21">
  <LEGAL_BASIS VALUE="32014L0024"/>
  <NOTICE TYPE="AWARD_CONTRACT"/>
  <CONTRACTING_BODY>
    <ADDRESS_CONTRACTING_BODY>
      <OFFICIALNAME>Kuvitteellinen kunta</OFFICIALNAME>
      <TOWN>Kotka</TOWN>
      <COUNTRY VALUE="FI"/>
    </ADDRESS_CONTRACTING_BODY>
    <CA_TYPE VALUE="REGIONAL_AUTHORITY"/>
  </CONTRACTING_BODY>
  <OBJECT_CONTRACT>
    <TITLE><P>Kotihoito</P></TITLE>
    <CPV_MAIN><CPV_CODE CODE="85000000"/></CPV_MAIN>
    <VAL_RANGE_TOTAL CURRENCY="EUR"><LOW>100</LOW><HIGH>200</HIGH></VAL_RANGE_TOTAL>
    <NO_LOT_DIVISION/>
    <OBJECT_DESCR>
      <SHORT_DESCR><P>Kotihoidon palvelut</P></SHORT_DESCR>
      <AC><AC_QUALITY><AC_CRITERION>Laatu</AC_CRITERION><AC_WEIGHTING>60</AC_WEIGHTING></AC_QUALITY><AC_PRICE><AC_WEIGHTING>40</AC_WEIGHTING></AC_PRICE></AC>
      <DURATION TYPE="MONTH">24</DURATION>
    </OBJECT_DESCR>
  </OBJECT_CONTRACT>
  <PROCEDURE><PT_AWARD_CONTRACT_WITHOUT_PUBLICATION/></PROCEDURE>
  <AWARD_CONTRACT>
    <AWARDED_CONTRACT>
      <DATE_CONCLUSION_CONTRACT>2024-02-30</DATE_CONCLUSION_CONTRACT>
      <VALUES><VAL_TOTAL CURRENCY="EUR">12 345,50</VAL_TOTAL></VALUES>
    </AWARDED_CONTRACT>
  </AWARD_CONTRACT>
  <AWARD_CONTRACT><NO_AWARDED_CONTRACT><PROCUREMENT_UNSUCCESSFUL/></NO_AWARDED_CONTRACT></AWARD_CONTRACT>
  <AWARD_CONTRACT><AWARDED_CONTRACT><VALUES>
    <VAL_RANGE_TOTAL CURRENCY="EUR"><LOW>500</LOW><HIGH>500</HIGH></VAL_RANGE_TOTAL>
  </VALUES></AWARDED_CONTRACT></AWARD_CONTRACT>
</F21_2014>"#;
    let r = read(src.as_bytes(), "f21.xml").unwrap();
    let n = &r.notice;
    assert_eq!(
        n.format,
        Format::TedEsender {
            schema: "R2.0.9".into()
        }
    );
    assert_eq!(
        (n.kind, n.subtype.as_str()),
        (NoticeKind::ContractAward, "F21")
    );
    assert_eq!(n.procedure.kind.as_deref(), Some("neg-wo-call"));
    assert_eq!(n.buyers[0].name["fi"], "Kuvitteellinen kunta");
    assert_eq!(n.lots.len(), 1);
    let l = &n.lots[0];
    assert_eq!(l.id, "1");
    assert_eq!(l.main_cpv.as_deref(), Some("85000000"));
    let crit: Vec<(&str, Option<&str>)> = l
        .award_criteria
        .iter()
        .map(|c| (c.kind.as_str(), c.weight.as_deref()))
        .collect();
    assert_eq!(crit, [("quality", Some("60")), ("price", Some("40"))]);
    assert_eq!(l.award_criteria[0].name["fi"], "Laatu");
    assert_eq!(n.total_value, None);
    assert_eq!(n.results.len(), 3);
    assert_eq!(n.results[0].lot_ids, ["1"]);
    assert_eq!(
        n.results[0].value.as_ref().map(|a| a.value.as_str()),
        Some("12345.50")
    );
    assert!(!n.results[1].awarded);
    // A range whose ends are equal is one amount.
    assert_eq!(
        n.results[2].value.as_ref().map(|a| a.value.as_str()),
        Some("500")
    );
    let messages: Vec<(&str, &str)> = r
        .warnings
        .iter()
        .map(|w| (w.location.as_str(), w.message.as_str()))
        .collect();
    for (location, start) in [
        (
            "/F21_2014/OBJECT_CONTRACT/VAL_RANGE_TOTAL",
            "a value range 100–200 EUR",
        ),
        (
            "/F21_2014/AWARD_CONTRACT/AWARDED_CONTRACT/DATE_CONCLUSION_CONTRACT",
            "not a date",
        ),
        ("/F21_2014/CONTRACTING_BODY/CA_TYPE", "not read"),
        (
            "/F21_2014/AWARD_CONTRACT/NO_AWARDED_CONTRACT/PROCUREMENT_UNSUCCESSFUL",
            "not read",
        ),
    ] {
        assert!(
            messages
                .iter()
                .any(|(l, m)| *l == location && m.starts_with(start)),
            "no {start:?} at {location}: {messages:#?}"
        );
    }
    assert_eq!(r.warnings.len(), 4, "{messages:#?}");
}

/// TED writes superscripts and subscripts as `<FT>` inside a paragraph: they stay in their place,
/// as the Unicode character where there is one; paragraphs stay on their own lines.
#[test]
fn inline_formatting_stays_in_its_place() {
    let src = r#"<F02_2014 LG="FR" CATEGORY="ORIGINAL" FORM="F02">
  <LEGAL_BASIS VALUE="32014L0024"/>
  <CONTRACTING_BODY>
    <ADDRESS_CONTRACTING_BODY><OFFICIALNAME>Commune fictive</OFFICIALNAME><COUNTRY VALUE="FR"/></ADDRESS_CONTRACTING_BODY>
  </CONTRACTING_BODY>
  <OBJECT_CONTRACT>
    <TITLE><P>Marché n<FT TYPE="SUP">o</FT> 2016-360</P></TITLE>
    <CPV_MAIN><CPV_CODE CODE="85000000"/></CPV_MAIN>
    <SHORT_DESCR><P>Eau : 121 140 m<FT TYPE="SUP">3</FT> facturés, CO<FT TYPE="SUB">2</FT> <FT TYPE="SUP">x</FT> <FT TYPE="SUB">y</FT>.</P><P>Deuxième paragraphe.</P></SHORT_DESCR>
    <NO_LOT_DIVISION/>
  </OBJECT_CONTRACT>
</F02_2014>"#;
    let r = read(src.as_bytes(), "ft.xml").unwrap();
    let n = &r.notice;
    assert_eq!(n.title["fr"], "Marché nº 2016-360");
    assert_eq!(
        n.description["fr"],
        "Eau : 121 140 m³ facturés, CO₂ x y.\nDeuxième paragraphe."
    );
}

/// Real notices with superscripts in their descriptions: each is where it was.
#[test]
fn real_notices_with_superscripts_read_them_in_place() {
    let Some(data) = data() else { return };
    let dir = data.join("ted-xml-real");
    let r = read_path(&dir.join("F12/R2.0.9.S03.E01/051233-2019.xml"));
    let all = format!("{:?}", r.notice.lots);
    assert!(all.contains("16 182 m². Réf."), "{all}");
    assert!(all.contains("cadastrale AK nº 80, 100"), "{all}");
    let r = read_path(&dir.join("F24/R2.0.9.S02.E01/286385-2017.xml"));
    let all = format!("{:?}", r.notice.lots);
    assert!(all.contains("cumulée de 103 000 m². Le lot 1"), "{all}");
}

/// An F21's further information, the addresses to apply at and to appeal to, from a form that
/// runs anywhere: paragraphs stay paragraphs.
#[test]
fn an_f21_keeps_its_further_information_and_its_addresses() {
    let src = r#"<F21_2014 LG="FI" CATEGORY="ORIGINAL" FORM="F21">
  <LEGAL_BASIS VALUE="32014L0024"/>
  <NOTICE TYPE="CONTRACT"/>
  <CONTRACTING_BODY>
    <ADDRESS_CONTRACTING_BODY><OFFICIALNAME>Kuvitteellinen kunta</OFFICIALNAME><NATIONALID>9909901-1</NATIONALID><TOWN>Kotka</TOWN><COUNTRY VALUE="FI"/></ADDRESS_CONTRACTING_BODY>
    <URL_DOCUMENT>https://tarjouspalvelu.example/asiakirjat</URL_DOCUMENT>
    <URL_PARTICIPATION>https://tarjouspalvelu.example/hae</URL_PARTICIPATION>
  </CONTRACTING_BODY>
  <OBJECT_CONTRACT>
    <TITLE><P>Perhetyö</P></TITLE>
    <CPV_MAIN><CPV_CODE CODE="85311300"/></CPV_MAIN>
    <NO_LOT_DIVISION/>
    <OBJECT_DESCR><SHORT_DESCR><P>Kuvaus.</P></SHORT_DESCR><INFO_ADD><P>Osan lisätieto.</P></INFO_ADD></OBJECT_DESCR>
  </OBJECT_CONTRACT>
  <COMPLEMENTARY_INFO>
    <INFO_ADD><P>Järjestelmä on voimassa 1.1.2027–31.12.2030.</P><P>Hakemukset 1.12.2026 klo 12 mennessä.</P></INFO_ADD>
    <ADDRESS_REVIEW_BODY><OFFICIALNAME>Markkinaoikeus</OFFICIALNAME><TOWN>Helsinki</TOWN><COUNTRY VALUE="FI"/></ADDRESS_REVIEW_BODY>
    <DATE_DISPATCH_NOTICE>2026-11-01</DATE_DISPATCH_NOTICE>
  </COMPLEMENTARY_INFO>
</F21_2014>"#;
    let r = read(src.as_bytes(), "f21.xml").unwrap();
    let n = &r.notice;
    assert_eq!(
        n.additional_info["fi"],
        "Järjestelmä on voimassa 1.1.2027–31.12.2030.\nHakemukset 1.12.2026 klo 12 mennessä."
    );
    assert_eq!(n.lots[0].additional_info["fi"], "Osan lisätieto.");
    assert_eq!(
        n.documents_url.as_deref(),
        Some("https://tarjouspalvelu.example/asiakirjat")
    );
    assert_eq!(
        n.participation_url.as_deref(),
        Some("https://tarjouspalvelu.example/hae")
    );
    assert_eq!(n.review_body.as_ref().unwrap().name["fi"], "Markkinaoikeus");
    assert_eq!(n.dates.issued.as_deref(), Some("2026-11-01"));
}
