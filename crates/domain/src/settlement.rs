//! The three-way match of an invoice: what the commitment ordered (price, hours per week,
//! period) ↔ what was delivered and confirmed (the month's visits and their confirmations) ↔ what
//! the invoice bills, line by line. Seed 001: "Laskun maksamisen edellytyksenä on
//! asianmukaisesti toimitetut raportit" — so a month whose report is not approved holds the
//! invoice ([`hold`]), and the match is made on the approved month.
//!
//! Each discrepancy has a stable code, the line it belongs to, the amount at stake and the two
//! figures compared; a user interface words it from the code. Amounts at stake within the
//! tolerance are not reported (rounding).

use crate::delivery::{allowed_minutes, month_of, ReportStatus};
use crate::money::Money;
use crate::visit::ConfirmationState;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What is wrong with a line, as a stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiscrepancyCode {
    /// More hours billed than the family confirmed, the rest being unconfirmed visits.
    UnconfirmedBilled,
    /// Hours of a visit the family disputed are billed.
    DisputedBilled,
    /// More hours billed than were logged as delivered at all.
    MoreThanDelivered,
    /// Hours already billed on another invoice for the same commitment and month.
    AlreadyBilled,
    /// More hours than the commitment allows for the month (hours per week × days / 7).
    OverCommitment,
    /// A unit price other than the commitment's.
    PriceDiffers,
    /// A month outside the commitment's period.
    OutsidePeriod,
    /// VAT charged on a social service, which is exempt (Arvonlisäverolaki 37 §).
    VatCharged,
    /// A line that names no commitment the invoice bills.
    NoCommitment,
    /// A line in a unit the commitment is not priced in (it is priced per hour).
    UnitNotInCommitment,
    /// A line with no period and an invoice with none: the month cannot be told.
    NoPeriod,
    /// More work participation money billed than the attended hours earn at the lot's rate,
    /// or some billed where the lot carries none.
    WorkMoneyDiffers,
    /// The fee reduction the county decided on a deviation its provider did not correct by
    /// the deadline (741/2023 23–25 §; [`crate::supervision`]): a share of what is otherwise
    /// due for the month.
    FeeReduction,
    /// A client fee on the provider's invoice. The county charges the client the fee of its
    /// own service and the provider never bills the client (Client Fees Act 734/1992, 12 §):
    /// a line that charges, or deducts, a client fee means the family was billed.
    ClientFee,
}

impl DiscrepancyCode {
    pub const ALL: [DiscrepancyCode; 14] = [
        DiscrepancyCode::UnconfirmedBilled,
        DiscrepancyCode::DisputedBilled,
        DiscrepancyCode::MoreThanDelivered,
        DiscrepancyCode::AlreadyBilled,
        DiscrepancyCode::OverCommitment,
        DiscrepancyCode::PriceDiffers,
        DiscrepancyCode::OutsidePeriod,
        DiscrepancyCode::VatCharged,
        DiscrepancyCode::NoCommitment,
        DiscrepancyCode::UnitNotInCommitment,
        DiscrepancyCode::NoPeriod,
        DiscrepancyCode::WorkMoneyDiffers,
        DiscrepancyCode::FeeReduction,
        DiscrepancyCode::ClientFee,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DiscrepancyCode::UnconfirmedBilled => "unconfirmed-billed",
            DiscrepancyCode::DisputedBilled => "disputed-billed",
            DiscrepancyCode::MoreThanDelivered => "more-than-delivered",
            DiscrepancyCode::AlreadyBilled => "already-billed",
            DiscrepancyCode::OverCommitment => "over-commitment",
            DiscrepancyCode::PriceDiffers => "price-differs",
            DiscrepancyCode::OutsidePeriod => "outside-period",
            DiscrepancyCode::VatCharged => "vat-charged",
            DiscrepancyCode::NoCommitment => "no-commitment",
            DiscrepancyCode::UnitNotInCommitment => "unit-not-in-commitment",
            DiscrepancyCode::NoPeriod => "no-period",
            DiscrepancyCode::WorkMoneyDiffers => "work-money-differs",
            DiscrepancyCode::FeeReduction => "fee-reduction",
            DiscrepancyCode::ClientFee => "client-fee",
        }
    }
}

/// One discrepancy, on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    pub code: DiscrepancyCode,
    /// The invoice line's identifier.
    pub line: String,
    /// What paying the line as billed would pay too much.
    pub at_stake: Money,
    /// The figures compared: what the commitment and the visits give, and what the invoice
    /// bills. Kept as values; each reader words them in its language ([`Figure::text`] is the
    /// language-neutral form the API gives).
    pub expected: Figure,
    pub found: Figure,
}

/// A figure the match compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Figure {
    /// Nothing to compare (a line without a commitment or a period).
    None,
    Hours {
        minutes: i64,
    },
    /// What is left of `of` once `less` is taken: the hours delivered less those billed before.
    HoursLess {
        of: i64,
        less: i64,
    },
    Money {
        cents: i64,
    },
    /// A VAT category and its rate in hundredths of a percent.
    Vat {
        category: String,
        rate_bp: i64,
    },
    Period {
        from: NaiveDate,
        to: NaiveDate,
    },
    Month {
        month: NaiveDate,
    },
    /// The unit the commitment is priced in (hours).
    Unit {
        unit: String,
    },
    /// A rate in hundredths of a percent (a fee reduction of 10 % is 1000).
    Percent {
        rate_bp: i64,
    },
}

impl Figure {
    /// The figure without a language: hours as decimals (`12.5 h`), money as `78.00`, a month
    /// as `2026-10`.
    pub fn text(&self) -> String {
        match self {
            Figure::None => String::new(),
            Figure::Hours { minutes } => hours_text(*minutes, '.'),
            Figure::HoursLess { of, less } => {
                format!("{} − {}", hours_text(*of, '.'), hours_text(*less, '.'))
            }
            Figure::Money { cents } => {
                let m = cents.abs();
                let sign = if *cents < 0 { "-" } else { "" };
                format!("{sign}{}.{:02}", m / 100, m % 100)
            }
            Figure::Vat { category, rate_bp } => {
                format!("{category} {} %", percent_text(*rate_bp, '.'))
            }
            Figure::Period { from, to } => format!("{from} – {to}"),
            Figure::Month { month } => month.format("%Y-%m").to_string(),
            Figure::Unit { unit } => unit.clone(),
            Figure::Percent { rate_bp } => format!("{} %", percent_text(*rate_bp, '.')),
        }
    }
}

/// An invoice line as the match sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BilledLine {
    pub id: String,
    pub commitment: Option<String>,
    /// The line's own month, else the invoice's.
    pub month: Option<NaiveDate>,
    /// Hours as minutes when the unit is hours; `None` for another unit.
    pub minutes: Option<i64>,
    pub unit_price: Option<Money>,
    pub net: Money,
    pub vat_category: String,
    /// The VAT rate in hundredths of a percent (25.5 % is 2550).
    pub vat_rate_bp: i64,
    /// Work participation money handed on to the client, not hours of service
    /// ([`crate::work_money::is_work_money_line`]).
    pub work_money: bool,
    /// A client fee charged or deducted ([`is_client_fee_line`]).
    pub client_fee: bool,
}

/// Whether an invoice line is a client fee (asiakasmaksu, klientavgift, the client's own
/// share), by its item identifier or name in Finnish, Swedish or English.
pub fn is_client_fee_line(item_id: &str, name: &str) -> bool {
    let id = item_id.trim().to_lowercase();
    let name = name.to_lowercase();
    [
        "asiakasmaksu",
        "asiakasmaksut",
        "asiakkaan omavastuu",
        "omavastuuosuus",
        "klientavgift",
        "klientens självrisk",
        "client fee",
        "client's fee",
    ]
    .iter()
    .any(|w| id == *w || name.contains(w))
}

/// What a commitment ordered and what was delivered in one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFacts {
    pub commitment: String,
    pub month: NaiveDate,
    pub unit_price: Money,
    pub hours_per_week: u32,
    pub period: (NaiveDate, NaiveDate),
    /// Billable minutes (done, and cancelled by the client too late) by the family's answer.
    pub confirmed: i64,
    pub disputed: i64,
    pub unconfirmed: i64,
    /// Minutes of this commitment and month billed on other invoices already taken in (of an
    /// approved one, what it settled).
    pub billed_before: i64,
    pub report: Option<ReportStatus>,
    /// The month's work participation money, when the lot carries it.
    pub work_money: Option<crate::work_money::WorkMoney>,
    /// Work participation money of this commitment and month billed on other invoices.
    pub work_money_billed_before: Money,
    /// The fee reduction in force for the month, in hundredths of a percent
    /// ([`crate::supervision::reduction_for`]); 0 for none.
    pub reduction_bp: i64,
}

impl MonthFacts {
    /// Adds a visit's billable minutes under its confirmation.
    pub fn count(&mut self, minutes: i64, billable: bool, state: ConfirmationState) {
        if !billable {
            return;
        }
        match state {
            ConfirmationState::Disputed => self.disputed += minutes,
            s if s.accepted() => self.confirmed += minutes,
            _ => self.unconfirmed += minutes,
        }
    }
}

/// A decimal as written (`12.5`, `12,5`, `-3`) times 10^`digits`, rounded half away from zero;
/// `None` when not a number.
pub fn scaled(s: &str, digits: u32) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let negative = s.starts_with('-');
    let s = s.trim_start_matches(['-', '+']);
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if (whole.is_empty() && frac.is_empty())
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 15
    {
        return None;
    }
    let w: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let keep: String = frac
        .chars()
        .chain(std::iter::repeat('0'))
        .take(digits as usize)
        .collect();
    let kept: i64 = if keep.is_empty() {
        0
    } else {
        keep.parse().ok()?
    };
    let round_up = frac
        .as_bytes()
        .get(digits as usize)
        .is_some_and(|b| *b >= b'5');
    let v = w
        .checked_mul(10i64.checked_pow(digits)?)?
        .checked_add(kept)?
        .checked_add(i64::from(round_up))?;
    Some(if negative { -v } else { v })
}

/// Hours written as decimals as minutes, rounded to the minute.
pub fn hours_as_minutes(s: &str) -> Option<i64> {
    let ten_thousandths = scaled(s, 4)?;
    let minutes = (ten_thousandths.abs() * 60 + 5_000) / 10_000;
    Some(if ten_thousandths < 0 {
        -minutes
    } else {
        minutes
    })
}

/// Whether a unit code means hours (UN/ECE Rec 20 `HUR`, or as providers write it).
pub fn is_hours(unit: &str) -> bool {
    matches!(
        unit.trim().to_lowercase().as_str(),
        "hur" | "h" | "hour" | "hours" | "t" | "tunti" | "tuntia" | "timme" | "timmar"
    )
}

/// Hours as decimals, as invoices write them (`12.5 h` is written `12.50 h`), with the
/// language's decimal separator.
pub fn hours_text(minutes: i64, separator: char) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let (h, m) = (minutes.abs() / 60, minutes.abs() % 60);
    if m == 0 {
        format!("{sign}{h} h")
    } else {
        // Two decimals of an hour are what people write (12.5 h, 0.75 h).
        format!("{sign}{h}{separator}{:02} h", m * 100 / 60)
    }
}

/// A rate in hundredths of a percent as written, with the language's decimal separator:
/// 2550 is `25.5`, 2400 is `24`.
pub fn percent_text(bp: i64, separator: char) -> String {
    if bp % 100 == 0 {
        (bp / 100).to_string()
    } else {
        format!(
            "{}{separator}{}",
            bp / 100,
            format!("{:02}", bp % 100).trim_end_matches('0')
        )
    }
}

/// The price of `minutes` at an hourly price, rounded half up to the cent.
pub fn price_of(minutes: i64, per_hour: Money) -> Money {
    let cents = per_hour.cents() * minutes;
    Money::from_cents(if cents >= 0 {
        (cents + 30) / 60
    } else {
        (cents - 30) / 60
    })
}

/// The months whose reports must be approved before the invoice is paid: every (commitment,
/// month) it bills, within the commitment's period, whose report is not approved. A month
/// outside the period can have no report; it is a discrepancy ([`DiscrepancyCode::OutsidePeriod`]),
/// not a reason to wait.
pub fn hold(facts: &[MonthFacts]) -> Vec<(String, NaiveDate)> {
    facts
        .iter()
        .filter(|f| crate::delivery::month_end(f.month) >= f.period.0 && f.month <= f.period.1)
        .filter(|f| f.report != Some(ReportStatus::Approved))
        .map(|f| (f.commitment.clone(), f.month))
        .collect()
}

/// Matches the lines against the months' facts. `facts` has an entry for every (commitment,
/// month) the lines bill that is in force; a line billing anything else is a discrepancy of its
/// own. Discrepancies at stake within `tolerance` are left out.
pub fn match_lines(
    lines: &[BilledLine],
    facts: &[MonthFacts],
    tolerance: Money,
) -> Vec<Discrepancy> {
    let mut out = Vec::new();
    let mut push = |code, line: &BilledLine, at_stake: Money, expected: Figure, found: Figure| {
        if at_stake.cents().abs() > tolerance.cents() {
            out.push(Discrepancy {
                code,
                line: line.id.clone(),
                at_stake,
                expected,
                found,
            });
        }
    };
    // Lines one by one: what each says of itself.
    let mut groups: Vec<(&MonthFacts, Vec<&BilledLine>)> = Vec::new();
    let mut work: Vec<(&MonthFacts, Vec<&BilledLine>)> = Vec::new();
    for l in lines {
        if l.vat_rate_bp > 0 || !matches!(l.vat_category.as_str(), "E" | "O" | "Z" | "") {
            let vat = Money::from_cents((l.net.cents() * l.vat_rate_bp + 5_000) / 10_000);
            push(
                DiscrepancyCode::VatCharged,
                l,
                vat,
                Figure::Vat {
                    category: "E".into(),
                    rate_bp: 0,
                },
                Figure::Vat {
                    category: l.vat_category.clone(),
                    rate_bp: l.vat_rate_bp,
                },
            );
        }
        if l.client_fee {
            push(
                DiscrepancyCode::ClientFee,
                l,
                Money::from_cents(l.net.cents().abs()),
                Figure::None,
                Figure::None,
            );
            continue;
        }
        let Some(number) = &l.commitment else {
            push(
                DiscrepancyCode::NoCommitment,
                l,
                l.net,
                Figure::None,
                Figure::None,
            );
            continue;
        };
        let Some(month) = l.month.map(month_of) else {
            push(
                DiscrepancyCode::NoPeriod,
                l,
                l.net,
                Figure::None,
                Figure::None,
            );
            continue;
        };
        let Some(f) = facts
            .iter()
            .find(|f| &f.commitment == number && f.month == month)
        else {
            continue;
        };
        if crate::delivery::month_end(month) < f.period.0 || month > f.period.1 {
            push(
                DiscrepancyCode::OutsidePeriod,
                l,
                l.net,
                Figure::Period {
                    from: f.period.0,
                    to: f.period.1,
                },
                Figure::Month { month },
            );
            continue;
        }
        if l.work_money {
            match work.iter_mut().find(|(g, _)| std::ptr::eq(*g, f)) {
                Some((_, ls)) => ls.push(l),
                None => work.push((f, vec![l])),
            }
            continue;
        }
        let Some(minutes) = l.minutes else {
            push(
                DiscrepancyCode::UnitNotInCommitment,
                l,
                l.net,
                Figure::Unit { unit: "h".into() },
                Figure::None,
            );
            continue;
        };
        if let Some(price) = l.unit_price {
            if price != f.unit_price {
                let diff = price.cents() - f.unit_price.cents();
                push(
                    DiscrepancyCode::PriceDiffers,
                    l,
                    price_of(minutes, Money::from_cents(diff)),
                    Figure::Money {
                        cents: f.unit_price.cents(),
                    },
                    Figure::Money {
                        cents: price.cents(),
                    },
                );
            }
        }
        match groups.iter_mut().find(|(g, _)| std::ptr::eq(*g, f)) {
            Some((_, ls)) => ls.push(l),
            None => groups.push((f, vec![l])),
        }
    }
    // Work participation money, per commitment and month: no more than the attended hours earn
    // at the rate in force, less what other invoices billed of it.
    for (f, ls) in work {
        let Some(last) = ls.last() else { continue };
        let billed: i64 = ls.iter().map(|l| l.net.cents()).sum();
        let earned = f.work_money.map(|w| w.amount.cents()).unwrap_or(0);
        let open = earned - f.work_money_billed_before.cents();
        if billed > open {
            push(
                DiscrepancyCode::WorkMoneyDiffers,
                last,
                Money::from_cents(billed - open.max(0)),
                Figure::Money { cents: open.max(0) },
                Figure::Money { cents: billed },
            );
        }
    }
    // Each commitment and month as a whole: hours against the commitment and the visits.
    for (f, ls) in groups {
        let Some(last) = ls.last() else { continue };
        let billed: i64 = ls.iter().filter_map(|l| l.minutes).sum();
        let total = f.billed_before + billed;
        let delivered = f.confirmed + f.unconfirmed + f.disputed;
        let found = Figure::Hours { minutes: billed };
        // Beyond what was logged at all: billed twice, or never delivered.
        let beyond = (total - delivered).clamp(0, billed);
        if beyond > 0 {
            let (code, expected) = if f.billed_before > 0 {
                (
                    DiscrepancyCode::AlreadyBilled,
                    Figure::HoursLess {
                        of: delivered,
                        less: f.billed_before,
                    },
                )
            } else {
                (
                    DiscrepancyCode::MoreThanDelivered,
                    Figure::Hours { minutes: delivered },
                )
            };
            push(
                code,
                last,
                price_of(beyond, f.unit_price),
                expected,
                found.clone(),
            );
        }
        // Within what was logged, but beyond what the family confirmed: unconfirmed visits
        // first, then disputed ones (a month with one disputed visit billed in full shows it).
        let within = total.min(delivered);
        let over_confirmed = (within - f.confirmed).clamp(0, billed - beyond);
        let unconfirmed = over_confirmed.min(f.unconfirmed);
        let disputed = (over_confirmed - unconfirmed).min(f.disputed);
        let expected = Figure::Hours {
            minutes: f.confirmed,
        };
        if unconfirmed > 0 {
            push(
                DiscrepancyCode::UnconfirmedBilled,
                last,
                price_of(unconfirmed, f.unit_price),
                expected.clone(),
                found.clone(),
            );
        }
        if disputed > 0 {
            push(
                DiscrepancyCode::DisputedBilled,
                last,
                price_of(disputed, f.unit_price),
                expected,
                found.clone(),
            );
        }
        let allowed = allowed_minutes(f.month, f.period, f.hours_per_week);
        let over = (total - allowed).clamp(0, billed);
        if over > 0 {
            push(
                DiscrepancyCode::OverCommitment,
                last,
                price_of(over, f.unit_price),
                Figure::Hours { minutes: allowed },
                found,
            );
        }
        // A fee reduction is taken off what is due once the discrepancies above are left
        // unpaid, so that no euro is taken twice.
        if f.reduction_bp > 0 {
            let due = crate::correction::settle(f, billed).amount;
            push(
                DiscrepancyCode::FeeReduction,
                last,
                crate::supervision::reduction_of(due, f.reduction_bp),
                Figure::Percent {
                    rate_bp: f.reduction_bp,
                },
                Figure::Money { cents: due.cents() },
            );
        }
    }
    out
}
