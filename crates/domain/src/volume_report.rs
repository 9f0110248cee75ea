//! What a provider reports as delivered under an agreement ([`crate::agreement`]), read from a
//! form or an uploaded CSV file: one rule for both, so that a count refused on the form is
//! refused in a file too.
//!
//! Two kinds of file, told apart by their header:
//!
//! - volumes: `product;period;count` and then any of the product's indicator codes, one row per
//!   product and period (`toimeentulotuki;2013-Q1;2210;2198;…`);
//! - cases of a product with a processing-time target: `product;reference;received;decided`,
//!   one row per case, with the provider's own reference (never a name or identity code) and
//!   ISO dates; an open case leaves `decided` empty.
//!
//! The file is read into rows of cells first (CSV or XLSX alike, by the `sheet` crate). A
//! refusal names the row (the header is row 1) and the column, as `3:count`, with the reason's
//! code. Blank rows are not counted, so a row number is the row as the spreadsheet numbers it
//! only when the file has none.

use crate::agreement::{Agreement, Measure, Period, ReportedCase};
use crate::locale::Lang;
use crate::money::Money;
use crate::validate::FieldErrors;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// One product's volume for one period, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeRow {
    pub product: String,
    pub period: Period,
    pub count: i64,
    pub indicators: BTreeMap<String, i64>,
}

/// One case of a product, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub product: String,
    pub case: ReportedCase,
}

/// A file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upload {
    Volumes(Vec<VolumeRow>),
    Cases(Vec<CaseRow>),
}

/// Longest file read, in rows: a year's months of every product of a large agreement fit many
/// times over; more is a mistake, refused before it is stored.
pub const MAX_ROWS: usize = 100_000;

fn count_of(s: &str) -> Result<i64, &'static str> {
    let s = s.trim().replace([' ', '\u{a0}'], "");
    match s.parse::<i64>() {
        Ok(n) if n < 0 => Err("number-negative"),
        Ok(n) => Ok(n),
        Err(_) => Err("number-format"),
    }
}

fn amount_of(s: &str, lang: Lang) -> Result<i64, &'static str> {
    match Money::parse(s, lang) {
        Ok(m) if m.is_negative() => Err("number-negative"),
        Ok(m) => Ok(m.cents()),
        Err(e) => Err(e.code()),
    }
}

/// Checks one product's volume for a period as entered: `field(column)` names where a refusal
/// goes (a form field or a file's row and column). Blank indicators are not reported; the count
/// is required.
#[allow(clippy::too_many_arguments)] // the entry as typed, and where its refusals go
pub fn check_volume(
    agreement: &Agreement,
    product: &str,
    period: &str,
    count: &str,
    indicators: &[(&str, &str)],
    lang: Lang,
    field: &dyn Fn(&str) -> String,
    e: &mut FieldErrors,
) -> Option<VolumeRow> {
    let before = e.0.len();
    let p = agreement.product(product.trim());
    if p.is_none() {
        e.add(&field("product"), "order-unknown-product");
    }
    let period = match Period::parse(period) {
        None => {
            e.add(&field("period"), "period-format");
            None
        }
        Some(x) if !within(agreement, x) => {
            e.add(&field("period"), "period-outside");
            None
        }
        Some(x) => Some(x),
    };
    let count = match count_of(count) {
        Ok(n) => Some(n),
        Err(code) => {
            e.add(
                &field("count"),
                if count.trim().is_empty() {
                    "required"
                } else {
                    code
                },
            );
            None
        }
    };
    let mut values = BTreeMap::new();
    if let Some(p) = p {
        for (code, value) in indicators {
            if value.trim().is_empty() {
                continue;
            }
            let Some(ind) = p.indicators.iter().find(|i| i.code == *code) else {
                e.add(&field(code), "column-unknown");
                continue;
            };
            let v = match ind.measure {
                Measure::Count => count_of(value),
                Measure::Amount => amount_of(value, lang),
            };
            match v {
                Ok(v) => {
                    values.insert(ind.code.clone(), v);
                }
                Err(code) => e.add(&field(&ind.code), code),
            }
        }
    }
    if e.0.len() > before {
        return None;
    }
    Some(VolumeRow {
        product: p?.code.clone(),
        period: period?,
        count: count?,
        indicators: values,
    })
}

/// Whether any day of the period falls within the agreement's validity.
pub fn within(agreement: &Agreement, period: Period) -> bool {
    match (period.first_day(), period.last_day()) {
        (Some(first), Some(last)) => {
            last >= agreement.valid_from && agreement.valid_to.is_none_or(|t| first <= t)
        }
        _ => false,
    }
}

/// An ISO date, or a Finnish one (`1.7.2013`).
fn date_of(s: &str) -> Option<NaiveDate> {
    crate::staff::parse_date(s)
}

/// Reads an uploaded table, rows of cells with the header first (as the `sheet` crate reads CSV
/// and XLSX); every refusal of every row is returned at once.
pub fn read(
    rows: &[Vec<String>],
    agreement: &Agreement,
    lang: Lang,
) -> Result<Upload, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut lines = rows.iter().enumerate();
    let Some((_, header)) = lines.next() else {
        e.add("1:product", "file-empty");
        return Err(e);
    };
    let columns: Vec<String> = header
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase())
        .collect();
    let at = |name: &str| columns.iter().position(|c| c == name);
    let cases = at("reference").is_some();
    let required: &[&str] = if cases {
        &["product", "reference", "received", "decided"]
    } else {
        &["product", "period", "count"]
    };
    for r in required {
        if at(r).is_none() {
            e.add(&format!("1:{r}"), "column-missing");
        }
    }
    let extra = columns
        .iter()
        .filter(|c| !c.is_empty() && !required.contains(&c.as_str()));
    for c in extra {
        let known = !cases
            && agreement
                .products
                .iter()
                .any(|p| p.indicators.iter().any(|i| &i.code == c));
        if !known {
            e.add(&format!("1:{c}"), "column-unknown");
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let mut volumes = Vec::new();
    let mut found = Vec::new();
    for (n, (i, line)) in lines.enumerate() {
        if n >= MAX_ROWS {
            e.add(&format!("{}:product", i + 1), "file-too-long");
            return Err(e);
        }
        let row = i + 1;
        let cells: Vec<&str> = line.iter().map(|c| c.trim()).collect();
        let cell = |name: &str| at(name).and_then(|k| cells.get(k)).copied().unwrap_or("");
        let field = |c: &str| format!("{row}:{c}");
        if cases {
            let product = cell("product");
            let p = agreement.product(product);
            match p {
                None => e.add(&field("product"), "order-unknown-product"),
                Some(p) if p.target.is_none() => e.add(&field("product"), "product-no-target"),
                Some(_) => {}
            }
            let reference: String = cell("reference").chars().take(60).collect();
            if reference.is_empty() {
                e.add(&field("reference"), "required");
            } else if !crate::ident::identity_code_offsets(reference.as_bytes()).is_empty() {
                // The provider's own reference only: a case is never named by a person.
                e.add(&field("reference"), "reference-identity-code");
            }
            let received = date_of(cell("received"));
            match received {
                None => e.add(&field("received"), "date-format"),
                Some(d) if !agreement.covers(d) => e.add(&field("received"), "period-outside"),
                Some(_) => {}
            }
            let decided = match cell("decided") {
                "" => Some(None),
                s => match date_of(s) {
                    Some(d) if received.is_some_and(|r| d < r) => {
                        e.add(&field("decided"), "date-range");
                        None
                    }
                    Some(d) => Some(Some(d)),
                    None => {
                        e.add(&field("decided"), "date-format");
                        None
                    }
                },
            };
            if let (Some(p), Some(received), Some(decided), false) =
                (p, received, decided, reference.is_empty())
            {
                found.push(CaseRow {
                    product: p.code.clone(),
                    case: ReportedCase {
                        reference,
                        received,
                        decided,
                    },
                });
            }
        } else {
            let indicators: Vec<(&str, &str)> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| !c.is_empty() && !required.contains(&c.as_str()))
                .map(|(k, c)| (c.as_str(), cells.get(k).copied().unwrap_or("")))
                .collect();
            if let Some(v) = check_volume(
                agreement,
                cell("product"),
                cell("period"),
                cell("count"),
                &indicators,
                lang,
                &field,
                &mut e,
            ) {
                volumes.push((row, v));
            }
        }
    }
    // A product and period once per file: two rows would leave which one counts to chance. And
    // a product's year by quarters or by months, not both: they would count twice.
    let mut seen = std::collections::HashSet::new();
    let mut kind: std::collections::HashMap<(&str, i32), bool> = std::collections::HashMap::new();
    for (row, v) in &volumes {
        if !seen.insert((v.product.clone(), v.period)) {
            e.add(&format!("{row}:period"), "period-duplicate");
        }
        let first = *kind
            .entry((v.product.as_str(), v.period.year()))
            .or_insert(v.period.is_quarter());
        if first != v.period.is_quarter() {
            e.add(&format!("{row}:period"), "period-mixed");
        }
    }
    if volumes.is_empty() && found.is_empty() && e.is_empty() {
        e.add("1:product", "file-empty");
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(if cases {
        Upload::Cases(found)
    } else {
        Upload::Volumes(volumes.into_iter().map(|(_, v)| v).collect())
    })
}
