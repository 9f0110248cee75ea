//! Agreements between a purchaser and a provider, their service products and the year's order,
//! and what the provider reports as delivered.
//!
//! Seed 003 (Hämeenlinna's purchaser–provider agreement for 2013) is the model: each service
//! product has a unit and a unit price for the year ("palveluohjaus 392,86 €/asiakas",
//! "toimeentulotuen käsittely 57,10 €/hakemus"), indicators that describe the work (reception
//! visits, decisions, appeals), and some a processing-time target ("toimeentulotukihakemukset
//! käsitellään seitsemän arkipäivän kuluessa"). The yearly order sets a volume per product, and
//! the contract value follows from the order and the prices. A change is a new version that both
//! parties agree to; the earlier versions stay as they were.

use crate::calendar::DayCount;
use crate::locale::Lang;
use crate::money::Money;
use crate::processing::{summarize, Case, Summary};
use crate::validate::FieldErrors;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What one unit of a product is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Client,
    Application,
    Hour,
    Visit,
    Day,
    Customership,
    Month,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::Client,
        Unit::Application,
        Unit::Hour,
        Unit::Visit,
        Unit::Day,
        Unit::Customership,
        Unit::Month,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Unit::Client => "client",
            Unit::Application => "application",
            Unit::Hour => "hour",
            Unit::Visit => "visit",
            Unit::Day => "day",
            Unit::Customership => "customership",
            Unit::Month => "month",
        }
    }

    pub fn parse(s: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|u| u.code() == s.trim())
    }
}

/// Where the agreement comes from: a procurement (a framework agreement, a call-off under a
/// dynamic purchasing system) or not (an internal purchaser–provider agreement as in seed 003,
/// a fixed purchase from an NGO).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgreementKind {
    Framework,
    DpsCallOff,
    Internal,
    FixedPurchase,
    /// A cooperation agreement that is not a procurement: the purchaser supports an NGO's
    /// activity (seed 004: Vantaa and the mental health society's volunteer support persons),
    /// its fees and volumes agreed at joint meetings and paid by the agreement.
    Cooperation,
}

impl AgreementKind {
    pub const ALL: [AgreementKind; 5] = [
        AgreementKind::Framework,
        AgreementKind::DpsCallOff,
        AgreementKind::Internal,
        AgreementKind::FixedPurchase,
        AgreementKind::Cooperation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AgreementKind::Framework => "framework",
            AgreementKind::DpsCallOff => "dps_call_off",
            AgreementKind::Internal => "internal",
            AgreementKind::FixedPurchase => "fixed_purchase",
            AgreementKind::Cooperation => "cooperation",
        }
    }

    pub fn parse(s: &str) -> Option<AgreementKind> {
        AgreementKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
    }
}

/// Whether an indicator counts things or sums euros.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Count,
    /// In cents.
    Amount,
}

/// A figure that describes a product's work (e.g. "vastaanottokäynnit", "valitukset").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// A short key, unique within the product; the column name in an upload.
    pub code: String,
    pub name: String,
    pub measure: Measure,
    /// What is counted, in the agreement's words.
    pub definition: String,
}

/// How soon a case of the product must be decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingTarget {
    pub days: u32,
    pub count: DayCount,
}

/// The unit price of a product for one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearPrice {
    pub year: i32,
    pub price: Money,
}

/// A service product of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    /// A short key, unique within the agreement; what an upload names the product by.
    pub code: String,
    pub name_fi: String,
    pub name_sv: String,
    pub name_en: String,
    pub unit: Unit,
    pub prices: Vec<YearPrice>,
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    #[serde(default)]
    pub target: Option<ProcessingTarget>,
}

impl Product {
    /// The unit price for `year`.
    pub fn price(&self, year: i32) -> Option<Money> {
        self.prices.iter().find(|p| p.year == year).map(|p| p.price)
    }

    /// The name in `lang`, falling back to Finnish where it was not given.
    pub fn name(&self, lang: Lang) -> &str {
        let n = match lang {
            Lang::Fi => &self.name_fi,
            Lang::Sv => &self.name_sv,
            Lang::En => &self.name_en,
        };
        if n.trim().is_empty() {
            &self.name_fi
        } else {
            n
        }
    }
}

/// The year's order of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub year: i32,
    pub product: String,
    pub volume: i64,
}

/// Who agreed to a version and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub name: String,
    pub at: DateTime<Utc>,
}

/// One version of an agreement. The first version's id is the agreement's id; each later
/// version is a document of its own whose parent is that id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agreement {
    pub title: String,
    pub kind: AgreementKind,
    pub provider: Uuid,
    /// The procurement it was awarded in, for framework agreements and call-offs.
    #[serde(default)]
    pub procurement: Option<Uuid>,
    pub purchaser_contact: String,
    pub provider_contact: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    /// The purchaser may inspect the work and interview clients (seed 003: "tilaajalla on
    /// oikeus tarkastaa ja haastatella asiakkaita").
    pub inspection_right: bool,
    pub products: Vec<Product>,
    pub orders: Vec<Order>,
    /// 1 for the first version.
    pub version: u32,
    /// Why this version differs from the one before it.
    #[serde(default)]
    pub change_reason: String,
    /// The purchaser's side proposes each version…
    pub proposed: Signature,
    /// …and it is in force once the provider's side agrees.
    #[serde(default)]
    pub agreed: Option<Signature>,
}

impl Agreement {
    pub fn product(&self, code: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.code == code)
    }

    /// The contract value of `year`: each ordered volume at its product's price. `None` when a
    /// product has no price for the year or the sum overflows.
    pub fn contract_value(&self, year: i32) -> Option<Money> {
        let mut total = Money::ZERO;
        for o in self.orders.iter().filter(|o| o.year == year) {
            let price = self.product(&o.product)?.price(year)?;
            total = total.checked_add(price.checked_mul(o.volume)?)?;
        }
        Some(total)
    }

    /// The years the order covers, ascending.
    pub fn order_years(&self) -> Vec<i32> {
        let mut y: Vec<i32> = self.orders.iter().map(|o| o.year).collect();
        y.sort_unstable();
        y.dedup();
        y
    }

    /// Whether `day` falls within the agreement's validity.
    pub fn covers(&self, day: NaiveDate) -> bool {
        day >= self.valid_from && self.valid_to.is_none_or(|t| day <= t)
    }

    /// What must hold of any version: a title and contacts, a validity that ends after it
    /// starts, products with distinct codes, a name, a price for every ordered year and
    /// indicators with distinct codes, and orders only of its own products, once per year.
    pub fn validate(&self) -> FieldErrors {
        let mut e = FieldErrors::default();
        if self.title.trim().is_empty() {
            e.add("title", "required");
        }
        if self.valid_to.is_some_and(|t| t < self.valid_from) {
            e.add("valid_to", "date-range");
        }
        let mut codes = std::collections::HashSet::new();
        for (i, p) in self.products.iter().enumerate() {
            if p.code.trim().is_empty() {
                e.add(&format!("products[{i}].code"), "required");
            } else if !is_code(&p.code) {
                e.add(&format!("products[{i}].code"), "code-format");
            } else if !codes.insert(p.code.as_str()) {
                e.add(&format!("products[{i}].code"), "product-duplicate");
            }
            if p.name_fi.trim().is_empty() {
                e.add(&format!("products[{i}].name_fi"), "required");
            }
            if p.prices.is_empty() {
                e.add(&format!("products[{i}].price"), "required");
            }
            if p.prices.iter().any(|y| y.price.is_negative()) {
                e.add(&format!("products[{i}].price"), "money-format");
            }
            let mut ind = std::collections::HashSet::new();
            for (j, x) in p.indicators.iter().enumerate() {
                if !is_code(&x.code) || !ind.insert(x.code.as_str()) {
                    e.add(
                        &format!("products[{i}].indicators[{j}].code"),
                        "code-format",
                    );
                }
            }
        }
        let mut ordered = std::collections::HashSet::new();
        for (i, o) in self.orders.iter().enumerate() {
            match self.product(&o.product) {
                None => e.add(&format!("orders[{i}].product"), "order-unknown-product"),
                Some(p) if p.price(o.year).is_none() => {
                    e.add(&format!("orders[{i}].year"), "order-no-price")
                }
                Some(_) => {}
            }
            if o.volume < 0 {
                e.add(&format!("orders[{i}].volume"), "number-format");
            }
            if !ordered.insert((o.year, o.product.as_str())) {
                e.add(&format!("orders[{i}].product"), "order-duplicate");
            }
        }
        e
    }
}

/// A product's or indicator's code: what a file's column and a form field are named by, so
/// lowercase letters a–z, digits, `-` and `_`, at most 40.
pub fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// The version in force: the newest version the provider agreed to.
pub fn in_force(versions: &[Agreement]) -> Option<&Agreement> {
    versions
        .iter()
        .filter(|v| v.agreed.is_some())
        .max_by_key(|v| v.version)
}

/// A period the provider reports for: a quarter or a month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Period {
    Quarter { year: i32, quarter: u32 },
    Month { year: i32, month: u32 },
}

impl Period {
    /// `2013-Q1` (or `2013-q1`) for a quarter, `2013-03` for a month; anything else, including a
    /// fifth quarter or a thirteenth month, is `None`.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let (y, rest) = s.split_once('-')?;
        if y.len() != 4 {
            return None;
        }
        let year: i32 = y.parse().ok()?;
        if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            let quarter: u32 = q.parse().ok()?;
            return (1..=4)
                .contains(&quarter)
                .then_some(Period::Quarter { year, quarter });
        }
        if rest.len() != 2 {
            return None;
        }
        let month: u32 = rest.parse().ok()?;
        (1..=12)
            .contains(&month)
            .then_some(Period::Month { year, month })
    }

    pub fn code(self) -> String {
        match self {
            Period::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Period::Month { year, month } => format!("{year}-{month:02}"),
        }
    }

    pub fn year(self) -> i32 {
        match self {
            Period::Quarter { year, .. } | Period::Month { year, .. } => year,
        }
    }

    /// The last month of the year the period reaches (3, 6, 9, 12 for quarters).
    pub fn last_month(self) -> u32 {
        match self {
            Period::Quarter { quarter, .. } => quarter * 3,
            Period::Month { month, .. } => month,
        }
    }

    pub fn first_day(self) -> Option<NaiveDate> {
        let m = match self {
            Period::Quarter { quarter, .. } => quarter * 3 - 2,
            Period::Month { month, .. } => month,
        };
        NaiveDate::from_ymd_opt(self.year(), m, 1)
    }

    pub fn last_day(self) -> Option<NaiveDate> {
        let m = self.last_month();
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(self.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year(), m + 1, 1)
        }?;
        next.pred_opt()
    }

    pub fn is_quarter(self) -> bool {
        matches!(self, Period::Quarter { .. })
    }
}

/// The quarter a day falls in.
pub fn quarter_of(day: NaiveDate) -> Period {
    Period::Quarter {
        year: day.year(),
        quarter: (day.month() - 1) / 3 + 1,
    }
}

/// One case of a product with a processing-time target, as the provider reports it: its own
/// reference (never a person's name or identity code), when it arrived and when it was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedCase {
    pub reference: String,
    pub received: NaiveDate,
    pub decided: Option<NaiveDate>,
}

/// What the provider reports of one product for one period. A correction is a new version of
/// the same product and period; the newest counts, the earlier ones are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Realised {
    pub product: String,
    pub period: Period,
    pub count: i64,
    /// By indicator code: a count, or cents for an amount.
    #[serde(default)]
    pub indicators: BTreeMap<String, i64>,
    #[serde(default)]
    pub cases: Vec<ReportedCase>,
    pub version: u32,
    pub reported: Signature,
}

/// The newest version of each product's report for each period.
pub fn latest(reports: &[Realised]) -> Vec<&Realised> {
    let mut by: BTreeMap<(&str, Period), &Realised> = BTreeMap::new();
    for r in reports {
        let e = by.entry((r.product.as_str(), r.period)).or_insert(r);
        if r.version > e.version {
            *e = r;
        }
    }
    by.into_values().collect()
}

/// One product's year so far at a follow-up meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFollowUp {
    pub product: String,
    pub ordered: i64,
    pub ordered_value: Money,
    /// Reported for the periods up to the meeting's.
    pub realised: i64,
    pub realised_value: Money,
    /// The realised volume carried on at the same pace to December.
    pub projected: i64,
    pub projected_value: Money,
    /// Per cent of the order realised so far, rounded down; `None` without an order.
    pub share: Option<u32>,
    /// Indicator sums so far, by code, in the product's order.
    pub indicators: Vec<(String, i64)>,
    /// Processing times of the reported cases, measured on `today`.
    pub processing: Option<Summary<String>>,
}

/// The follow-up of an agreement's year up to the end of `upto`: for each product, ordered
/// against realised so far and projected to the year's end, the indicator sums and the
/// processing times against the product's target, of the cases that arrived in those periods,
/// measured on `today` (a case decided since counts as decided). The projection assumes that
/// the rest of the year goes at the pace so far: realised × 12 / the months reported (up to the
/// last month any report of the product covers), rounded half up; so a meeting held before its
/// own quarter is reported projects from the quarters that are.
pub fn follow_up(
    agreement: &Agreement,
    upto: Period,
    reports: &[Realised],
    today: NaiveDate,
) -> Vec<ProductFollowUp> {
    let year = upto.year();
    let current = latest(reports);
    agreement
        .products
        .iter()
        .map(|p| {
            let price = p.price(year).unwrap_or(Money::ZERO);
            let ordered = agreement
                .orders
                .iter()
                .filter(|o| o.year == year && o.product == p.code)
                .map(|o| o.volume)
                .sum::<i64>();
            let mine: Vec<&&Realised> = current
                .iter()
                .filter(|r| {
                    r.product == p.code
                        && r.period.year() == year
                        && r.period.last_month() <= upto.last_month()
                })
                .collect();
            let realised: i64 = mine.iter().map(|r| r.count).sum();
            let months = mine
                .iter()
                .filter(|r| r.count != 0 || !r.indicators.is_empty())
                .map(|r| i128::from(r.period.last_month()))
                .max()
                .unwrap_or(0);
            let projected = if months == 0 {
                0
            } else {
                i64::try_from((i128::from(realised) * 12 * 2 + months) / (2 * months))
                    .unwrap_or(i64::MAX)
            };
            let value = |n: i64| price.checked_mul(n).unwrap_or(Money::ZERO);
            let indicators = p
                .indicators
                .iter()
                .map(|i| {
                    let sum = mine
                        .iter()
                        .filter_map(|r| r.indicators.get(&i.code))
                        .sum::<i64>();
                    (i.code.clone(), sum)
                })
                .collect();
            let processing = p.target.map(|t| {
                let cases: Vec<Case<String>> = mine
                    .iter()
                    .flat_map(|r| r.cases.iter())
                    .map(|c| Case {
                        key: c.reference.clone(),
                        started: c.received,
                        ended: c.decided.filter(|d| *d <= today),
                        target: t.days,
                        count: t.count,
                    })
                    .collect();
                summarize(&cases, today)
            });
            ProductFollowUp {
                product: p.code.clone(),
                ordered,
                ordered_value: value(ordered),
                realised,
                realised_value: value(realised),
                projected,
                projected_value: value(projected),
                share: (ordered > 0)
                    .then(|| u32::try_from(i128::from(realised) * 100 / i128::from(ordered)).ok())
                    .flatten(),
                indicators,
                processing,
            }
        })
        .collect()
}

/// The follow-up group's meeting on a quarter of an agreement (seed 003: the purchaser calls
/// the group in March, June, September and December to go through how the agreement is being
/// carried out). Its agenda is the quarter's follow-up; the minutes record, for each item,
/// what was said and what was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// The quarter followed up.
    pub period: Period,
    pub held_on: NaiveDate,
    /// Members present, one per line as entered (name and role).
    pub members: Vec<String>,
    pub items: Vec<MeetingItem>,
    pub recorded: Signature,
}

/// A quarter's minutes as typed: the day held (required), the members present one per line
/// (at least one), and each agenda item of `agenda` with what was said and decided. Minutes
/// are filed and sent on, so an identity code typed into them is overwritten; texts are
/// clipped to their lengths.
pub fn minutes(
    quarter: Period,
    held_on: &str,
    members: &str,
    agenda: &[String],
    items: &[MeetingItem],
    recorded: Signature,
) -> Result<Meeting, FieldErrors> {
    let mut e = FieldErrors::default();
    if !quarter.is_quarter() {
        e.add("period", "period-format");
    }
    let held = crate::staff::parse_date(held_on);
    if held.is_none() {
        e.add("held_on", "date-format");
    }
    let clean = crate::ident::redact_identity_codes_in;
    let members: Vec<String> = members
        .lines()
        .map(|l| clean(l.trim()).chars().take(200).collect::<String>())
        .filter(|l| !l.is_empty())
        .take(50)
        .collect();
    if members.is_empty() {
        e.add("members", "required");
    }
    let Some(held_on) = held.filter(|_| e.is_empty()) else {
        return Err(e);
    };
    let items = agenda
        .iter()
        .map(|k| {
            let given = items.iter().find(|i| &i.key == k);
            let clip = |s: &str| clean(s.trim()).chars().take(4000).collect::<String>();
            MeetingItem {
                key: k.clone(),
                comment: given.map(|i| clip(&i.comment)).unwrap_or_default(),
                decision: given.map(|i| clip(&i.decision)).unwrap_or_default(),
            }
        })
        .collect();
    Ok(Meeting {
        period: quarter,
        held_on,
        members,
        items,
        recorded,
    })
}

/// One agenda item's minutes. `key` names the item: `product:<code>` for a product's
/// ordered and delivered volumes, `processing:<code>` for its processing times, `other` for
/// anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingItem {
    pub key: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub decision: String,
}

/// The agenda of a quarter's meeting: an item per product, one per product with a
/// processing-time target, and other matters.
pub fn agenda(agreement: &Agreement) -> Vec<String> {
    let mut keys: Vec<String> = agreement
        .products
        .iter()
        .map(|p| format!("product:{}", p.code))
        .collect();
    keys.extend(
        agreement
            .products
            .iter()
            .filter(|p| p.target.is_some())
            .map(|p| format!("processing:{}", p.code)),
    );
    keys.push("other".into());
    keys
}

/// The day in the quarter's last month the meeting is planned for by default: the last
/// weekday of March, June, September or December.
pub fn default_meeting_day(quarter: Period) -> Option<NaiveDate> {
    let mut d = quarter.last_day()?;
    while matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        d = d.pred_opt()?;
    }
    Some(d)
}

/// A payment the purchaser made under an agreement: a cooperation agreement's grant, or a
/// purchase paid outside the invoice flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub paid_on: NaiveDate,
    pub amount: Money,
    /// What it pays for: "support persons' fees 1–3/2026".
    pub purpose: String,
    /// The payment's reference in the purchaser's accounts.
    pub reference: String,
    pub entered: Signature,
}

/// A payment as typed.
#[derive(Debug, Clone, Default)]
pub struct PaymentForm {
    pub paid_on: String,
    pub amount: String,
    pub purpose: String,
    pub reference: String,
}

impl PaymentForm {
    /// Reads the form: a day within the agreement's validity and not in the future, a positive
    /// amount, and what it pays for.
    pub fn read(
        &self,
        agreement: &Agreement,
        today: NaiveDate,
        lang: crate::locale::Lang,
        entered: Signature,
    ) -> Result<Payment, FieldErrors> {
        let mut e = FieldErrors::default();
        let paid_on = crate::staff::parse_date(&self.paid_on);
        match paid_on {
            None if self.paid_on.trim().is_empty() => e.add("paid_on", "required"),
            None => e.add("paid_on", "date-format"),
            Some(d) if d > today => e.add("paid_on", "date-in-future"),
            Some(d)
                if d < agreement.valid_from
                    || agreement
                        .valid_to
                        .and_then(|v| v.checked_add_months(chrono::Months::new(6)))
                        .is_some_and(|v| d > v) =>
            {
                e.add("paid_on", "outside-agreement")
            }
            Some(_) => {}
        }
        let amount = match Money::parse(&self.amount, lang) {
            Ok(m) if m.cents() > 0 => Some(m),
            Ok(_) => {
                e.add("amount", "amount-positive");
                None
            }
            Err(err) => {
                e.add("amount", err.code());
                None
            }
        };
        let purpose = e.required("purpose", &self.purpose, 300);
        let reference = e.optional("reference", &self.reference, 100);
        match (paid_on, amount) {
            (Some(paid_on), Some(amount)) if e.is_empty() => Ok(Payment {
                paid_on,
                amount,
                purpose,
                reference,
                entered,
            }),
            _ => Err(e),
        }
    }
}

/// Paid in each year against the year's contract value of the version in force, oldest year
/// first: (year, paid, contract value).
pub fn paid_by_year(
    agreement: &Agreement,
    payments: &[Payment],
) -> Vec<(i32, Money, Option<Money>)> {
    let mut years: Vec<i32> = agreement.order_years();
    for p in payments {
        let y = p.paid_on.year();
        if !years.contains(&y) {
            years.push(y);
        }
    }
    years.sort_unstable();
    years
        .into_iter()
        .map(|y| {
            let paid = Money::checked_sum(
                payments
                    .iter()
                    .filter(|p| p.paid_on.year() == y)
                    .map(|p| p.amount),
            )
            .unwrap_or(Money::ZERO);
            (y, paid, agreement.contract_value(y))
        })
        .collect()
}
