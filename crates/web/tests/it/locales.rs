use domain::locale::Lang;
use std::collections::BTreeSet;
use web::i18n::{keys, Tr, SOURCES};

fn key_set(src: &str) -> BTreeSet<String> {
    keys(src).into_iter().collect()
}

#[test]
fn the_three_languages_have_the_same_keys_and_no_duplicates() {
    let (_, fi) = SOURCES[0];
    let reference = key_set(fi);
    assert!(reference.len() > 150, "too few keys: {}", reference.len());
    for (lang, src) in SOURCES {
        let all = keys(src);
        let set = key_set(src);
        assert_eq!(all.len(), set.len(), "{lang}: duplicate keys");
        let missing: Vec<_> = reference.difference(&set).collect();
        let extra: Vec<_> = set.difference(&reference).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, extra {extra:?}"
        );
        // Every message parses and formats in its own bundle.
        for k in &set {
            assert!(Tr::has(lang, k), "{lang}: {k} does not parse");
        }
    }
}

/// Every key the code and templates use exists: literal `t("…")`, `t1("…"`, `tn("…"` calls and
/// the key families built from codes (roles, kinds, languages, log fields, error codes).
#[test]
fn every_key_used_exists() {
    let mut used: BTreeSet<String> = BTreeSet::new();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/");
    let mut files = Vec::new();
    for dir in ["src", "src/pages", "templates"] {
        for e in std::fs::read_dir(format!("{root}{dir}")).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                files.push(p);
            }
        }
    }
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for pat in [".t(\"", ".t1(\"", ".tn(\"", ".ta(\""] {
            for (i, _) in text.match_indices(pat) {
                let rest = &text[i + pat.len()..];
                if let Some(end) = rest.find('"') {
                    let k = &rest[..end];
                    if !k.is_empty() && !k.contains('{') && !k.contains(' ') {
                        used.insert(k.to_owned());
                    }
                }
            }
        }
        // Form fields take their label from `field-<name>`.
        for (i, _) in text.match_indices("Field::new(t, \"") {
            let rest = &text[i + "Field::new(t, \"".len()..];
            if let Some(end) = rest.find('"') {
                used.insert(format!("field-{}", rest[..end].replace('_', "-")));
            }
        }
        // Keys passed by name to helpers: `"field-…"`, `"hint-…"`, `"title-…"`, `"action-…"`.
        for prefix in [
            "\"hint-",
            "\"title-",
            "\"action-",
            "\"role-history",
            "\"nav-",
        ] {
            for (i, _) in text.match_indices(prefix) {
                let rest = &text[i + 1..];
                if let Some(end) = rest.find('"') {
                    used.insert(rest[..end].to_owned());
                }
            }
        }
    }
    assert!(
        used.len() > 80,
        "the scan found too few keys: {}",
        used.len()
    );
    for r in domain::org::Role::ALL {
        used.insert(format!("role-{}", r.code()));
    }
    for k in domain::org::OrgKind::ALL {
        used.insert(format!("org-kind-{}", k.code()));
    }
    for l in Lang::ALL {
        used.insert(format!("language-{}", l.code()));
    }
    for a in domain::audit::AuditAction::ALL {
        used.insert(format!("audit-action-{}", a.code()));
    }
    for o in domain::audit::Outcome::ALL {
        used.insert(format!("audit-outcome-{}", o.code()));
    }
    for r in domain::audit::RecordKind::ALL {
        used.insert(format!("audit-record-{}", r.code()));
    }
    for p in domain::audit::Purpose::ALL {
        used.insert(format!("audit-purpose-{}", p.code()));
    }
    for t in [
        domain::retention::Trigger::Death,
        domain::retention::Trigger::Closure,
        domain::retention::Trigger::Birth,
    ] {
        used.insert(format!("retention-trigger-{}", t.code()));
    }
    for t in domain::threshold::Tier::ALL {
        used.insert(format!("procurement-tier-{}", t.code()));
    }
    for r in domain::version::Reason::ALL {
        used.insert(format!("version-reason-{}", r.code()));
    }
    // Delivery: visit kinds, statuses, confirmations, flags and report statuses by code.
    for k in domain::visit::VisitKind::ALL {
        used.insert(format!("visit-kind-{}", k.code().replace('_', "-")));
    }
    for k in domain::visit::VisitStatus::ALL {
        used.insert(format!("visit-status-{}", k.code().replace('_', "-")));
    }
    for k in domain::visit::ConfirmationState::ALL {
        used.insert(format!("confirmation-{}", k.code().replace('_', "-")));
    }
    for k in domain::delivery::ReportStatus::ALL {
        used.insert(format!("report-status-{}", k.code()));
    }
    // Settlement: invoice statuses, reasons, refusals, channels and discrepancies by code.
    for k in domain::invoice::InvoiceStatus::ALL {
        used.insert(format!("invoice-status-{}", k.code()));
    }
    for k in domain::invoice::QuarantineReason::ALL {
        used.insert(format!("invoice-quarantine-{}", k.code()));
    }
    for k in domain::invoice::Refusal::ALL {
        used.insert(format!("error-{}", k.code()));
    }
    for k in [
        domain::invoice::Channel::Upload,
        domain::invoice::Channel::Api,
        domain::invoice::Channel::Import,
    ] {
        used.insert(format!("invoice-channel-{}", k.code()));
    }
    for k in domain::invoice::InvoiceStep::ALL {
        used.insert(format!("invoice-step-{}", k.code()));
    }
    for k in domain::settlement::DiscrepancyCode::ALL {
        used.insert(format!("discrepancy-{}", k.code()));
    }
    for o in domain::api_key::Operation::ALL {
        used.insert(format!("api-key-op-{}", o.code().replace('.', "-")));
    }
    for f in [
        "worker-not-on-roster",
        "too-short",
        "longer-than-usual",
        "too-long",
        "outside-daytime",
        "pair-work-missing",
        "week-over-commitment",
        "month-over-commitment",
    ] {
        used.insert(format!("visit-flag-{f}"));
    }
    for s in domain::processing::Step::ALL {
        used.insert(format!("processing-step-{}", s.code().replace('_', "-")));
    }
    // Agreements: units and kinds by code.
    for u in domain::agreement::Unit::ALL {
        used.insert(format!("agreement-unit-{}", u.code().replace('_', "-")));
    }
    for k in domain::agreement::AgreementKind::ALL {
        used.insert(format!("agreement-kind-{}", k.code().replace('_', "-")));
    }
    // The procurement vocabulary, built from codes.
    used.extend(web::describe::all_keys());
    for s in ["met", "manual-review", "cannot-evaluate", "not-met"] {
        used.insert(format!("eval-overall-{s}"));
    }
    for s in [
        "submit",
        "withdraw",
        "start-review",
        "ask-info",
        "admit",
        "reject",
        "saved",
    ] {
        used.insert(format!("notice-{s}"));
    }
    for name in [
        "kind",
        "name",
        "business-id",
        "street-address",
        "postal-code",
        "city",
        "email",
        "phone",
        "municipality",
        "soteri-number",
        "oid",
        "languages",
        "username",
        "display-name",
        "language",
        "roles",
        "password",
        "user",
        "record",
        "from",
        "until",
    ] {
        used.insert(format!("field-{name}"));
    }
    let codes = domain::validate::ALL_CODES
        .iter()
        .chain(domain::ident::ALL_CODES)
        .chain(domain::money::ALL_CODES)
        .chain(service::ServiceError::ALL_CODES);
    for c in codes {
        used.insert(format!("error-{c}"));
    }
    for lang in Lang::ALL {
        let missing: Vec<_> = used.iter().filter(|k| !Tr::has(lang, k)).collect();
        assert!(missing.is_empty(), "{lang}: used but missing: {missing:?}");
    }
}

#[test]
fn plural_and_arguments_format() {
    let en = Tr::new(Lang::En);
    assert_eq!(en.tn("audit-count", "count", 1), "One entry.");
    assert_eq!(en.tn("audit-count", "count", 3), "3 entries.");
    assert_eq!(
        Tr::new(Lang::Fi).t1("home-greeting", "name", "Aino"),
        "Tervetuloa, Aino."
    );
    assert_eq!(
        Tr::new(Lang::Sv).error("required"),
        "Fyll i det här fältet."
    );
}
