//! Costs shared between organisations: who pays how much of a cost, to the cent.
//!
//! Seed 002 (Länsi-Pohja): six municipalities share a regional social worker and an NGO's
//! foster-family work by population — Kemi 34.6 %, Keminmaa 13.2 %, Simo 5.6 %, Tervola
//! 5.6 %, Tornio 33 %, Ylitornio 7.9 % — which add up to 99.9 %, not 100. State project funding
//! lowers every share in the same proportion, and the host (Tornio) invoices the others
//! quarterly. This module is the arithmetic those invoices rest on:
//!
//! - external funding comes off the cost first, so it lowers every share in proportion;
//! - shares that do not add up to 100 % are either normalised (each in proportion to the sum)
//!   or the host carries the rest, as the agreement chooses;
//! - each share is rounded to the cent by the largest-remainder method (shares rounded down,
//!   the cents left over go one each to the largest fractions, ties to the earlier party), so
//!   the shares add up exactly to what is shared;
//! - a basis that changes within a period splits the cost by days first.

use chrono::NaiveDate;

/// What a party's share is weighed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Fixed percentages in hundredths of a per cent (34.6 % is 3 460), as the agreement
    /// writes them; they need not add up to 100 %.
    Percent(Vec<u32>),
    /// Populations on a given date: shares in proportion, which always add up.
    Population(Vec<u64>),
}

/// What happens to the part that percentages adding up to less (or more) than 100 % leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remainder {
    /// Each share in proportion to the sum of the percentages.
    Normalise,
    /// Each other party pays its percentage of the whole; the host, at this index, the rest.
    HostCarries(usize),
}

/// The whole of `cents` divided by `weights`, to the cent, adding up exactly: each part rounded
/// down and the cents left over given one each to the largest remainders (ties to the earlier).
fn largest_remainder(cents: i64, weights: &[u128]) -> Vec<i64> {
    let total: u128 = weights.iter().sum();
    if total == 0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let sign = if cents < 0 { -1 } else { 1 };
    let whole = u128::from(cents.unsigned_abs());
    let mut parts: Vec<(usize, u128, u128)> = weights
        .iter()
        .enumerate()
        .map(|(i, w)| (i, whole * w / total, whole * w % total))
        .collect();
    let given: u128 = parts.iter().map(|p| p.1).sum();
    let mut left = whole - given;
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| parts[b].2.cmp(&parts[a].2).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        parts[i].1 += 1;
        left -= 1;
    }
    parts
        .into_iter()
        .map(|(_, p, _)| sign * i64::try_from(p).unwrap_or(i64::MAX))
        .collect()
}

/// Each party's share of `cost` less `funding`, in cents, in the order of the basis. The
/// shares add up exactly to `cost - funding`.
pub fn split(cost: i64, funding: i64, basis: &Basis, remainder: Remainder) -> Vec<i64> {
    let net = cost - funding;
    match basis {
        Basis::Population(p) => {
            largest_remainder(net, &p.iter().map(|&x| u128::from(x)).collect::<Vec<_>>())
        }
        Basis::Percent(p) => match remainder {
            Remainder::Normalise => {
                largest_remainder(net, &p.iter().map(|&x| u128::from(x)).collect::<Vec<_>>())
            }
            Remainder::HostCarries(host) => {
                // Out of 100 %: each other party its percentage, the host what is left (its
                // own percentage and whatever the others' do not reach). Percentages of the
                // others over 100 % leave the host nothing and are weighed against each other.
                let others: u32 = p
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != host)
                    .map(|(_, x)| *x)
                    .sum();
                let weights: Vec<u128> = p
                    .iter()
                    .enumerate()
                    .map(|(i, &x)| {
                        if i == host {
                            u128::from(10_000u32.saturating_sub(others))
                        } else {
                            u128::from(x)
                        }
                    })
                    .collect();
                largest_remainder(net, &weights)
            }
        },
    }
}

/// One stretch of a period under one basis: its days, its part of the cost and the funding,
/// and each party's share of that part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: i64,
    /// Index of the basis in the list given.
    pub basis: usize,
    pub cost: i64,
    pub funding: i64,
    pub shares: Vec<i64>,
}

/// A cost over a period whose basis changed within it: the cost and the funding divided by
/// days among the bases in force (each by the largest remainder, so the parts add up), then
/// each part by its basis. `versions` are `(first day, last day or open, basis)`; days no
/// basis covers carry no cost, and the caller refuses such a period before (see
/// [`uncovered_days`]).
pub fn spans(
    cost: i64,
    funding: i64,
    from: NaiveDate,
    to: NaiveDate,
    versions: &[(NaiveDate, Option<NaiveDate>, &Basis)],
    remainder: Remainder,
) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for (i, (start, end, _)) in versions.iter().enumerate() {
        let a = (*start).max(from);
        let b = end.map_or(to, |e| e.min(to));
        let days = (b - a).num_days() + 1;
        if days > 0 {
            out.push(Span {
                from: a,
                to: b,
                days,
                basis: i,
                cost: 0,
                funding: 0,
                shares: Vec::new(),
            });
        }
    }
    out.sort_by_key(|s| s.from);
    let day_weights: Vec<u128> = out.iter().map(|s| s.days.unsigned_abs().into()).collect();
    let costs = largest_remainder(cost, &day_weights);
    let fundings = largest_remainder(funding, &day_weights);
    for ((s, c), f) in out.iter_mut().zip(costs).zip(fundings) {
        s.cost = c;
        s.funding = f;
        if let Some((_, _, basis)) = versions.get(s.basis) {
            s.shares = split(c, f, basis, remainder);
        }
    }
    out
}

/// Each party's share of a cost over a period whose basis changed within it (see [`spans`]);
/// `versions` are `(first day, basis)` in date order, each in force until the next.
pub fn split_by_days(
    cost: i64,
    funding: i64,
    from: NaiveDate,
    to: NaiveDate,
    versions: &[(NaiveDate, Basis)],
    remainder: Remainder,
    parties: usize,
) -> Vec<i64> {
    let ranges: Vec<(NaiveDate, Option<NaiveDate>, &Basis)> = versions
        .iter()
        .enumerate()
        .map(|(i, (start, basis))| {
            let end = versions.get(i + 1).and_then(|(n, _)| n.pred_opt());
            (*start, end, basis)
        })
        .collect();
    total(&spans(cost, funding, from, to, &ranges, remainder), parties)
}

/// The parties' shares over all spans.
pub fn total(spans: &[Span], parties: usize) -> Vec<i64> {
    let mut out = vec![0i64; parties];
    for s in spans {
        for (o, x) in out.iter_mut().zip(&s.shares) {
            *o += x;
        }
    }
    out
}

/// The days from `from` to `to` that no version covers, as ranges.
pub fn uncovered_days(
    from: NaiveDate,
    to: NaiveDate,
    versions: &[(NaiveDate, Option<NaiveDate>)],
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut gaps = Vec::new();
    let mut day = from;
    let mut gap_start: Option<NaiveDate> = None;
    while day <= to {
        let covered = versions
            .iter()
            .any(|(a, b)| *a <= day && b.is_none_or(|b| day <= b));
        match (covered, gap_start) {
            (false, None) => gap_start = Some(day),
            (true, Some(g)) => {
                gaps.push((g, day.pred_opt().unwrap_or(day)));
                gap_start = None;
            }
            _ => {}
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    if let Some(g) = gap_start {
        gaps.push((g, to));
    }
    gaps
}

/// Each party's weight under a basis and rule, in hundred-thousandths of the whole (so that
/// 34.635 % is 34 635), for showing the rule's effect; the weights the shares are cut by.
pub fn effective_weights(basis: &Basis, remainder: Remainder) -> Vec<u64> {
    let weights: Vec<u128> = match (basis, remainder) {
        (Basis::Population(p), _) => p.iter().map(|&x| u128::from(x)).collect(),
        (Basis::Percent(p), Remainder::Normalise) => p.iter().map(|&x| u128::from(x)).collect(),
        (Basis::Percent(p), Remainder::HostCarries(host)) => {
            let others: u32 = p
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != host)
                .map(|(_, x)| *x)
                .sum();
            p.iter()
                .enumerate()
                .map(|(i, &x)| {
                    u128::from(if i == host {
                        10_000u32.saturating_sub(others)
                    } else {
                        x
                    })
                })
                .collect()
        }
    };
    let total: u128 = weights.iter().sum();
    if total == 0 {
        return vec![0; weights.len()];
    }
    weights
        .iter()
        .map(|w| u64::try_from((w * 100_000 * 2 + total) / (2 * total)).unwrap_or(0))
        .collect()
}

pub use agreement_model::*;

/// The regional steering group's agenda for a quarter (seed 002: "alueellinen ohjausryhmä"
/// organises the follow-up): the shared costs by party and quarter, the agreements' figures
/// by kind of cost, and the sizes of the region's registers.
pub const STEERING_AGENDA: [&str; 3] = ["costs", "agreements", "registers"];

/// The cost-sharing agreement as Kumppani keeps it: parties, the bases in force over time, the
/// cost lines expected each quarter, and what the host's recharge invoices carry.
mod agreement_model {
    use super::{Basis, Remainder};
    use crate::agreement::Signature;
    use crate::validate::FieldErrors;
    use chrono::NaiveDate;
    use serde::{Deserialize, Serialize};
    use uuid::Uuid;

    /// One organisation sharing the costs.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Party {
        pub org: Uuid,
        pub name: String,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum BasisKind {
        /// Fixed percentages, in hundredths of a per cent.
        Percent,
        /// Population on a given date.
        Population,
    }

    impl BasisKind {
        pub fn code(self) -> &'static str {
            match self {
                BasisKind::Percent => "percent",
                BasisKind::Population => "population",
            }
        }

        pub fn parse(s: &str) -> Option<BasisKind> {
            match s {
                "percent" => Some(BasisKind::Percent),
                "population" => Some(BasisKind::Population),
                _ => None,
            }
        }
    }

    /// The rule for percentages that do not add up to 100 %.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum RemainderRule {
        Normalise,
        HostCarries,
    }

    impl RemainderRule {
        pub fn code(self) -> &'static str {
            match self {
                RemainderRule::Normalise => "normalise",
                RemainderRule::HostCarries => "host_carries",
            }
        }

        pub fn parse(s: &str) -> Option<RemainderRule> {
            match s {
                "normalise" => Some(RemainderRule::Normalise),
                "host_carries" => Some(RemainderRule::HostCarries),
                _ => None,
            }
        }
    }

    /// One basis and the days it is in force; a change is a new version from its first day.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct BasisVersion {
        pub from: NaiveDate,
        pub to: Option<NaiveDate>,
        pub kind: BasisKind,
        /// Per party, in the order of the parties: hundredths of a per cent, or inhabitants.
        pub figures: Vec<u64>,
        /// The day the population figures are of (Statistics Finland's year-end figure, say).
        pub population_date: Option<NaiveDate>,
        pub reason: String,
        pub entered: Signature,
    }

    impl BasisVersion {
        pub fn basis(&self) -> Basis {
            match self.kind {
                BasisKind::Percent => Basis::Percent(
                    self.figures
                        .iter()
                        .map(|&f| u32::try_from(f).unwrap_or(u32::MAX))
                        .collect(),
                ),
                BasisKind::Population => Basis::Population(self.figures.clone()),
            }
        }

        /// Whether this is an open-ended version that began before `day`: a new version from
        /// `day` ends it the day before rather than overlapping it.
        pub fn continues_until(&self, day: NaiveDate) -> bool {
            self.to.is_none() && self.from < day
        }

        /// Whether this version and `other` share a day.
        pub fn overlaps(&self, from: NaiveDate, to: Option<NaiveDate>) -> bool {
            let a_end = self.to.unwrap_or(NaiveDate::MAX);
            let b_end = to.unwrap_or(NaiveDate::MAX);
            self.from <= b_end && from <= a_end
        }
    }

    /// A line of cost expected every quarter (the NGO's invoice, the worker's salary): a
    /// quarter is complete for recharging when each has at least one item.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ExpectedCost {
        pub kind: CostKind,
        pub label: String,
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
    #[serde(rename_all = "snake_case")]
    pub enum CostKind {
        /// A provider's invoice to the host for the shared service.
        ProviderInvoice,
        /// The shared worker's salary and its side costs.
        Salary,
        /// Overheads: premises, travel, equipment, administration.
        Overhead,
        Other,
        /// External (state project) funding, which lowers every share in proportion.
        Funding,
    }

    impl CostKind {
        pub const ALL: [CostKind; 5] = [
            CostKind::ProviderInvoice,
            CostKind::Salary,
            CostKind::Overhead,
            CostKind::Other,
            CostKind::Funding,
        ];

        pub fn code(self) -> &'static str {
            match self {
                CostKind::ProviderInvoice => "provider_invoice",
                CostKind::Salary => "salary",
                CostKind::Overhead => "overhead",
                CostKind::Other => "other",
                CostKind::Funding => "funding",
            }
        }

        pub fn parse(s: &str) -> Option<CostKind> {
            CostKind::ALL.into_iter().find(|k| k.code() == s)
        }
    }

    /// A cost-sharing agreement (seed 002's service agreements): a host that pays and
    /// recharges, the parties with it, and the bases over time.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Sharing {
        pub title: String,
        /// What is shared, in words: the service, the provider's agreement or commitments.
        pub description: String,
        pub host: Uuid,
        /// The host among them.
        pub parties: Vec<Party>,
        pub valid_from: NaiveDate,
        pub valid_to: Option<NaiveDate>,
        pub remainder: RemainderRule,
        /// Oldest first; never overlapping.
        pub bases: Vec<BasisVersion>,
        pub expected: Vec<ExpectedCost>,
        /// The host's account for the recharges: IBAN and BIC.
        pub account: String,
        pub bic: String,
        /// Days from issue to due date.
        pub payment_days: u32,
        /// The commitments and agreements whose invoices to the host are shared: each approved
        /// invoice on them can be taken in as a cost of its quarter, once.
        #[serde(default)]
        pub sources: Vec<SharedSource>,
    }

    /// What the host's received invoices are shared by.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum SharedSource {
        /// One payment commitment of the host, by its number.
        Commitment { number: String },
        /// An agreement of the host with a provider: every commitment of the host with that
        /// provider in the agreement's procurement.
        Agreement { id: Uuid, title: String },
    }

    impl SharedSource {
        /// What the access log says of it: the commitment's number or the agreement's id.
        pub fn log_text(&self) -> String {
            match self {
                SharedSource::Commitment { number } => format!("commitment {number}"),
                SharedSource::Agreement { id, .. } => format!("agreement {id}"),
            }
        }

        /// Whether it names the same commitment or agreement as `other`.
        pub fn same_as(&self, other: &SharedSource) -> bool {
            match (self, other) {
                (
                    SharedSource::Commitment { number: a },
                    SharedSource::Commitment { number: b },
                ) => a == b,
                (SharedSource::Agreement { id: a, .. }, SharedSource::Agreement { id: b, .. }) => {
                    a == b
                }
                _ => false,
            }
        }
    }

    impl Sharing {
        pub fn host_index(&self) -> Option<usize> {
            self.parties.iter().position(|p| p.org == self.host)
        }

        pub fn rule(&self) -> Remainder {
            match (self.remainder, self.host_index()) {
                (RemainderRule::HostCarries, Some(h)) => Remainder::HostCarries(h),
                _ => Remainder::Normalise,
            }
        }

        /// Whether some day of `period` is within the agreement's validity.
        pub fn covers(&self, period: crate::agreement::Period) -> bool {
            let ends_before = period.last_day().is_some_and(|l| l < self.valid_from);
            let starts_after = self
                .valid_to
                .is_some_and(|v| period.first_day().is_some_and(|f| f > v));
            !ends_before && !starts_after
        }

        pub fn party_index(&self, org: Uuid) -> Option<usize> {
            self.parties.iter().position(|p| p.org == org)
        }

        /// The agreement's own rules: a title, parties once each with the host among them,
        /// a validity, an account to pay to.
        pub fn validate(&self) -> FieldErrors {
            let mut e = FieldErrors::default();
            if self.title.trim().is_empty() {
                e.add("title", "required");
            }
            for (i, p) in self.parties.iter().enumerate() {
                if self.parties[..i].iter().any(|q| q.org == p.org) {
                    e.add("parties", "party-twice");
                }
            }
            if self.parties.len() < 2 {
                e.add("parties", "parties-too-few");
            } else if self.host_index().is_none() {
                e.add("parties", "host-not-party");
            }
            if self.valid_to.is_some_and(|t| t < self.valid_from) {
                e.add("valid_to", "date-range");
            }
            if crate::ident::Iban::parse(&self.account).is_err() {
                e.add("account", "iban-invalid");
            }
            if !(8..=11).contains(&self.bic.trim().len()) {
                e.add("bic", "bic-invalid");
            }
            for (i, x) in self.expected.iter().enumerate() {
                if self.expected[..i].iter().any(|y| y.kind == x.kind) {
                    e.add("expected", "expected-kind-twice");
                }
            }
            if !(1..=90).contains(&self.payment_days) {
                e.add("payment_days", "payment-days-range");
            }
            e
        }

        /// Adds a version read by [`BasisForm::read`]: an open-ended version before it ends the
        /// day before it starts; the versions stay in date order.
        pub fn add_basis(&mut self, v: BasisVersion) {
            for b in &mut self.bases {
                if b.continues_until(v.from) {
                    b.to = v.from.pred_opt();
                }
            }
            self.bases.push(v);
            self.bases.sort_by_key(|b| b.from);
        }
    }

    /// A cost-sharing agreement as typed on the form, before it is read.
    #[derive(Debug, Clone, Default)]
    pub struct SharingForm {
        pub title: String,
        pub description: String,
        /// The parties' organisation ids; the host is added when it is not among them.
        pub parties: Vec<String>,
        pub valid_from: String,
        pub valid_to: String,
        pub remainder: String,
        /// The cost kinds expected every quarter, and each one's label by kind code.
        pub expected: Vec<(String, String)>,
        pub account: String,
        pub bic: String,
        pub payment_days: String,
    }

    impl SharingForm {
        /// Reads the form for `host` among `known` (the organisations that may share costs:
        /// counties and municipalities, with their names).
        pub fn read(&self, host: Uuid, known: &[(Uuid, String)]) -> Result<Sharing, FieldErrors> {
            let mut e = FieldErrors::default();
            let title = e.required("title", &self.title, 300);
            let description = e.optional("description", &self.description, 4000);
            let mut parties: Vec<Party> = Vec::new();
            let mut ids: Vec<Uuid> = Vec::new();
            for p in self.parties.iter().filter(|p| !p.trim().is_empty()) {
                match Uuid::parse_str(p.trim())
                    .ok()
                    .and_then(|id| known.iter().find(|(k, _)| *k == id))
                {
                    Some((id, _)) if ids.contains(id) => e.add("parties", "party-twice"),
                    Some((id, name)) => {
                        ids.push(*id);
                        parties.push(Party {
                            org: *id,
                            name: name.clone(),
                        });
                    }
                    None => e.add("parties", "party-unknown"),
                }
            }
            if !ids.contains(&host) {
                if let Some((id, name)) = known.iter().find(|(k, _)| *k == host) {
                    parties.push(Party {
                        org: *id,
                        name: name.clone(),
                    });
                }
            }
            let valid_from = match crate::staff::parse_date(&self.valid_from) {
                Some(d) => Some(d),
                None => {
                    e.add(
                        "valid_from",
                        if self.valid_from.trim().is_empty() {
                            "required"
                        } else {
                            "date-format"
                        },
                    );
                    None
                }
            };
            let valid_to = if self.valid_to.trim().is_empty() {
                None
            } else {
                let d = crate::staff::parse_date(&self.valid_to);
                if d.is_none() {
                    e.add("valid_to", "date-format");
                }
                d
            };
            let remainder = RemainderRule::parse(self.remainder.trim());
            if remainder.is_none() {
                e.add("remainder", "required");
            }
            let mut expected = Vec::new();
            for (code, label) in &self.expected {
                match CostKind::parse(code.trim()) {
                    Some(CostKind::Funding) | None => e.add("expected", "cost-kind-unknown"),
                    Some(kind) => expected.push(ExpectedCost {
                        kind,
                        label: label.trim().chars().take(200).collect(),
                    }),
                }
            }
            let payment_days: u32 = match self.payment_days.trim().parse() {
                Ok(d) => d,
                Err(_) => {
                    e.add("payment_days", "payment-days-range");
                    0
                }
            };
            let (Some(valid_from), Some(remainder)) = (valid_from, remainder) else {
                return Err(e);
            };
            let s = Sharing {
                title,
                description,
                host,
                parties,
                valid_from,
                valid_to,
                remainder,
                bases: Vec::new(),
                expected,
                account: self
                    .account
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_uppercase(),
                bic: self.bic.trim().to_ascii_uppercase(),
                payment_days,
                sources: Vec::new(),
            };
            for x in s.validate().0 {
                if e.get(&x.field).is_none() {
                    e.add(&x.field, &x.code);
                }
            }
            if e.is_empty() {
                Ok(s)
            } else {
                Err(e)
            }
        }
    }

    /// The parties' populations from a table's rows (municipality, inhabitants), as figures
    /// for the basis form: a row names a party by its name ("Kemin kaupunki") or by the
    /// municipality's own name as Statistics Finland lists it ("Kemi"); the inhabitants may
    /// have spaces between thousands. A party no row names is refused next to its figure, as
    /// is a figure that is not a whole number; rows naming no party (a header, a total, other
    /// municipalities) are passed over.
    pub fn populations_from_rows(
        parties: &[Party],
        rows: &[Vec<String>],
    ) -> (Vec<String>, FieldErrors) {
        let mut e = FieldErrors::default();
        let names = |p: &Party| -> (String, String) {
            let full = p.name.trim().to_lowercase();
            let first = full.split_whitespace().next().unwrap_or("").to_owned();
            (full, first)
        };
        let figures = parties
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let (full, first) = names(p);
                let row = rows.iter().find(|r| {
                    let n = r
                        .first()
                        .map(|c| c.trim().to_lowercase())
                        .unwrap_or_default();
                    !n.is_empty()
                        && (n == full
                            || (first.starts_with(&n)
                                && first.chars().count() <= n.chars().count() + 2))
                });
                match row.and_then(|r| r.get(1)) {
                    None => {
                        e.add(&figure_field(i), "population-missing");
                        String::new()
                    }
                    Some(v) => {
                        let digits: String = v.chars().filter(|c| !c.is_whitespace()).collect();
                        let digits = digits.strip_suffix(".0").unwrap_or(&digits).to_owned();
                        if digits.parse::<u64>().is_err() {
                            e.add(&figure_field(i), "population-format");
                        }
                        digits
                    }
                }
            })
            .collect();
        (figures, e)
    }

    /// A basis version as typed on the form, before it is read.
    #[derive(Debug, Clone, Default)]
    pub struct BasisForm {
        pub from: String,
        pub to: String,
        pub kind: String,
        /// Per party in the order of the parties.
        pub figures: Vec<String>,
        pub population_date: String,
        pub reason: String,
    }

    /// The form's field of party `i`'s figure.
    pub fn figure_field(i: usize) -> String {
        format!("figure-{i}")
    }

    /// Reads a percentage as people type it ("34,6", "33", "5.55 %") into hundredths of a
    /// per cent; more than two decimals, a sign or anything over 100 % is refused.
    pub fn parse_percent(s: &str) -> Result<u64, &'static str> {
        let t = s.trim().trim_end_matches('%').trim().replace(',', ".");
        if t.is_empty() {
            return Err("required");
        }
        if t.starts_with(['-', '\u{2212}']) {
            return Err("share-negative");
        }
        let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err("percent-format");
        }
        if frac.len() > 2 {
            return Err("percent-precision");
        }
        let w: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| "percent-format")?
        };
        let f: u64 = format!("{frac:0<2}")
            .parse()
            .map_err(|_| "percent-format")?;
        let v = w.saturating_mul(100).saturating_add(f);
        if v > 10_000 {
            return Err("share-over-100");
        }
        Ok(v)
    }

    /// Hundredths of a per cent as people read them: `34,6 %`.
    pub fn percent_text(v: u64, lang: crate::locale::Lang) -> String {
        let whole = v / 100;
        let frac = v % 100;
        let sep = if lang == crate::locale::Lang::En {
            "."
        } else {
            ","
        };
        let s = if frac == 0 {
            format!("{whole}")
        } else if frac.is_multiple_of(10) {
            format!("{whole}{sep}{}", frac / 10)
        } else {
            format!("{whole}{sep}{frac:02}")
        };
        format!("{s}\u{a0}%")
    }

    impl BasisForm {
        /// Reads the form into a version for `parties` parties: percentages that together do
        /// not exceed 100 %, or a population for each; a version that overlaps one of
        /// `existing`, or lies outside the agreement, is refused.
        pub fn read(
            &self,
            sharing: &Sharing,
            entered: Signature,
        ) -> Result<BasisVersion, FieldErrors> {
            let mut e = FieldErrors::default();
            let from = crate::staff::parse_date(&self.from);
            if self.from.trim().is_empty() {
                e.add("from", "required");
            } else if from.is_none() {
                e.add("from", "date-format");
            }
            let to = if self.to.trim().is_empty() {
                None
            } else {
                let d = crate::staff::parse_date(&self.to);
                if d.is_none() {
                    e.add("to", "date-format");
                }
                d
            };
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    e.add("to", "date-range");
                }
            }
            if let Some(f) = from {
                if f < sharing.valid_from || sharing.valid_to.is_some_and(|v| f > v) {
                    e.add("from", "outside-agreement");
                }
                if sharing
                    .bases
                    .iter()
                    .any(|b| b.overlaps(f, to) && !b.continues_until(f))
                {
                    e.add("from", "version-overlaps");
                }
            }
            let kind = BasisKind::parse(self.kind.trim());
            if kind.is_none() {
                e.add("kind", "required");
            }
            let mut figures = Vec::new();
            for i in 0..sharing.parties.len() {
                let typed = self.figures.get(i).map(String::as_str).unwrap_or("");
                let field = figure_field(i);
                match kind {
                    Some(BasisKind::Percent) => match parse_percent(typed) {
                        Ok(v) => figures.push(v),
                        Err(code) => e.add(&field, code),
                    },
                    Some(BasisKind::Population) => {
                        let t: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
                        if t.is_empty() {
                            e.add(&field, "population-missing");
                        } else if t.starts_with(['-', '\u{2212}']) {
                            e.add(&field, "share-negative");
                        } else {
                            match t.parse::<u64>() {
                                Ok(v) if v <= 100_000_000 => figures.push(v),
                                _ => e.add(&field, "population-format"),
                            }
                        }
                    }
                    None => {}
                }
            }
            if kind == Some(BasisKind::Percent)
                && figures.len() == sharing.parties.len()
                && figures.iter().sum::<u64>() > 10_000
            {
                e.add("figures", "shares-over-100");
            }
            if kind == Some(BasisKind::Population)
                && figures.len() == sharing.parties.len()
                && figures.iter().all(|&f| f == 0)
            {
                e.add("figures", "population-zero");
            }
            // Nothing to share by: every share would be zero and the host carry all.
            if kind == Some(BasisKind::Percent)
                && figures.len() == sharing.parties.len()
                && figures.iter().all(|&f| f == 0)
            {
                e.add("figures", "shares-zero");
            }
            let population_date = if self.population_date.trim().is_empty() {
                if kind == Some(BasisKind::Population) {
                    e.add("population_date", "required");
                }
                None
            } else {
                let d = crate::staff::parse_date(&self.population_date);
                if d.is_none() {
                    e.add("population_date", "date-format");
                }
                d
            };
            let reason = e.optional("reason", &self.reason, 2000);
            if !sharing.bases.is_empty() && reason.is_empty() {
                e.add("reason", "required");
            }
            match (from, kind) {
                (Some(from), Some(kind)) if e.is_empty() => Ok(BasisVersion {
                    from,
                    to,
                    kind,
                    figures,
                    population_date,
                    reason,
                    entered,
                }),
                _ => Err(e),
            }
        }
    }

    /// One cost of a quarter, entered by the host: an invoice received, a salary, overheads,
    /// or funding received. Never names a client.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct CostItem {
        pub year: i32,
        pub quarter: u32,
        pub kind: CostKind,
        pub description: String,
        /// The provider or payer, and its invoice or decision number, where there is one.
        pub counterparty: String,
        pub document: String,
        pub date: NaiveDate,
        /// Cents, positive: funding is told apart by its kind.
        pub amount: i64,
        /// How many rounds of the quarter's recharges had been issued when this was entered:
        /// above zero, a correction that the next round settles.
        pub after_round: u32,
        pub entered: Signature,
        /// The received invoice this cost was taken from, which no other cost of the
        /// agreement may take again.
        #[serde(default)]
        pub invoice: Option<Uuid>,
    }

    /// The largest cost one item may have: 100 000 000,00 €.
    pub const MAX_COST_CENTS: i64 = 10_000_000_000;

    /// A cost as typed.
    #[derive(Debug, Clone, Default)]
    pub struct CostForm {
        pub kind: String,
        pub description: String,
        pub counterparty: String,
        pub document: String,
        pub date: String,
        pub amount: String,
    }

    impl CostForm {
        /// Reads the form into a cost of the quarter `(year, quarter)`; its date must fall in
        /// the quarter, the amount must be positive.
        pub fn read(
            &self,
            year: i32,
            quarter: u32,
            lang: crate::locale::Lang,
            entered: Signature,
        ) -> Result<CostItem, FieldErrors> {
            let mut e = FieldErrors::default();
            let kind = CostKind::parse(self.kind.trim());
            if kind.is_none() {
                e.add("kind", "required");
            }
            let description = e.required("description", &self.description, 500);
            let counterparty = e.optional("counterparty", &self.counterparty, 200);
            let document = e.optional("document", &self.document, 100);
            if kind == Some(CostKind::ProviderInvoice) {
                if counterparty.is_empty() {
                    e.add("counterparty", "required");
                }
                if document.is_empty() {
                    e.add("document", "required");
                }
            }
            let q = crate::agreement::Period::Quarter { year, quarter };
            let date = crate::staff::parse_date(&self.date);
            match date {
                None if self.date.trim().is_empty() => e.add("date", "required"),
                None => e.add("date", "date-format"),
                Some(d) => {
                    if q.first_day().is_some_and(|f| d < f) || q.last_day().is_some_and(|l| d > l) {
                        e.add("date", "date-outside-quarter");
                    }
                }
            }
            let amount = match crate::money::Money::parse(&self.amount, lang) {
                // A cost above a hundred million euros is a typing mistake, and keeps the
                // quarter's sums far from overflowing.
                Ok(m) if m.cents() > MAX_COST_CENTS => {
                    e.add("amount", "money-overflow");
                    None
                }
                Ok(m) if m.cents() > 0 => Some(m.cents()),
                Ok(_) => {
                    e.add("amount", "amount-positive");
                    None
                }
                Err(err) => {
                    e.add("amount", err.code());
                    None
                }
            };
            match (kind, date, amount) {
                (Some(kind), Some(date), Some(amount)) if e.is_empty() => Ok(CostItem {
                    year,
                    quarter,
                    kind,
                    description,
                    counterparty,
                    document,
                    date,
                    amount,
                    after_round: 0,
                    entered,
                    invoice: None,
                }),
                _ => Err(e),
            }
        }
    }

    impl CostItem {
        pub fn is_correction(&self) -> bool {
            self.after_round > 0
        }
    }

    /// A quarter's costs in total: what is shared and the funding that comes off it.
    pub fn quarter_totals(items: &[CostItem]) -> (i64, i64) {
        let funding = items
            .iter()
            .filter(|i| i.kind == CostKind::Funding)
            .map(|i| i.amount)
            .sum();
        let cost = items
            .iter()
            .filter(|i| i.kind != CostKind::Funding)
            .map(|i| i.amount)
            .sum();
        (cost, funding)
    }

    /// The expected cost lines a quarter has no item for yet.
    pub fn missing_costs<'a>(sharing: &'a Sharing, items: &[CostItem]) -> Vec<&'a ExpectedCost> {
        sharing
            .expected
            .iter()
            .filter(|x| !items.iter().any(|i| i.kind == x.kind))
            .collect()
    }
}

pub use settlement_model::*;

/// A quarter's settlement and the recharge invoices that carry it.
mod settlement_model {
    use super::{effective_weights, spans, total, uncovered_days, CostItem, CostKind, Sharing};
    use super::{BasisKind, RemainderRule};
    use crate::agreement::Period;
    use chrono::NaiveDate;
    use serde::{Deserialize, Serialize};
    use uuid::Uuid;

    /// One stretch of the quarter under one basis, as the computation shows it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ComputedSpan {
        pub from: NaiveDate,
        pub to: NaiveDate,
        pub days: i64,
        pub kind: BasisKind,
        /// As the basis gives them: hundredths of a per cent, or inhabitants.
        pub figures: Vec<u64>,
        pub population_date: Option<NaiveDate>,
        /// Each party's weight after the remainder rule, in hundred-thousandths.
        pub weights: Vec<u64>,
        pub cost: i64,
        pub funding: i64,
        pub shares: Vec<i64>,
    }

    /// A cost as the computation lists it.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ComputedItem {
        pub kind: CostKind,
        pub description: String,
        pub counterparty: String,
        pub document: String,
        pub date: NaiveDate,
        pub amount: i64,
    }

    /// A quarter's costs split among the parties, to the cent: the whole computation, which
    /// every recharge invoice carries so that each party can check its share.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Computation {
        pub year: i32,
        pub quarter: u32,
        /// The days of the quarter within the agreement.
        pub from: NaiveDate,
        pub to: NaiveDate,
        pub items: Vec<ComputedItem>,
        pub cost: i64,
        pub funding: i64,
        pub rule: RemainderRule,
        pub parties: Vec<String>,
        pub spans: Vec<ComputedSpan>,
        /// Per party, adding up exactly to `cost - funding`.
        pub shares: Vec<i64>,
    }

    /// Why a quarter cannot be split yet.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Unsettled {
        /// The quarter is outside the agreement's validity.
        OutsideAgreement,
        /// Days of the quarter that no basis covers.
        Uncovered(Vec<(NaiveDate, NaiveDate)>),
        /// Funding exceeds the costs.
        FundingExceedsCost,
        /// The bases give every party a zero weight.
        NoBasis,
    }

    impl Unsettled {
        /// The message code of the reason, for the quarter's page and a refused recharge.
        pub fn code(&self) -> &'static str {
            match self {
                Unsettled::OutsideAgreement => "outside-agreement",
                Unsettled::Uncovered(_) => "basis-missing",
                Unsettled::FundingExceedsCost => "funding-exceeds-cost",
                Unsettled::NoBasis => "shares-zero",
            }
        }
    }

    /// The quarter's computation from its costs under the bases in force: the cost and the
    /// funding divided by days among the bases, then each part by its basis and the remainder
    /// rule, each to the cent by the largest remainder.
    pub fn settle(
        sharing: &Sharing,
        year: i32,
        quarter: u32,
        items: &[CostItem],
    ) -> Result<Computation, Unsettled> {
        let q = Period::Quarter { year, quarter };
        let (Some(first), Some(last)) = (q.first_day(), q.last_day()) else {
            return Err(Unsettled::OutsideAgreement);
        };
        let from = first.max(sharing.valid_from);
        let to = sharing.valid_to.map_or(last, |v| v.min(last));
        if to < from {
            return Err(Unsettled::OutsideAgreement);
        }
        let ranges: Vec<(NaiveDate, Option<NaiveDate>)> =
            sharing.bases.iter().map(|b| (b.from, b.to)).collect();
        let gaps = uncovered_days(from, to, &ranges);
        if !gaps.is_empty() {
            return Err(Unsettled::Uncovered(gaps));
        }
        let (cost, funding) = super::quarter_totals(items);
        if funding > cost {
            return Err(Unsettled::FundingExceedsCost);
        }
        let bases: Vec<(NaiveDate, Option<NaiveDate>, super::Basis)> = sharing
            .bases
            .iter()
            .map(|b| (b.from, b.to, b.basis()))
            .collect();
        let refs: Vec<(NaiveDate, Option<NaiveDate>, &super::Basis)> =
            bases.iter().map(|(a, b, c)| (*a, *b, c)).collect();
        let rule = sharing.rule();
        let cut = spans(cost, funding, from, to, &refs, rule);
        let shares = total(&cut, sharing.parties.len());
        if shares.iter().sum::<i64>() != cost - funding {
            // A basis of all zeros leaves nothing to cut by; never invoice short.
            return Err(Unsettled::NoBasis);
        }
        let spans = cut
            .iter()
            .filter_map(|s| {
                let v = sharing.bases.get(s.basis)?;
                Some(ComputedSpan {
                    from: s.from,
                    to: s.to,
                    days: s.days,
                    kind: v.kind,
                    figures: v.figures.clone(),
                    population_date: v.population_date,
                    weights: effective_weights(&v.basis(), rule),
                    cost: s.cost,
                    funding: s.funding,
                    shares: s.shares.clone(),
                })
            })
            .collect();
        let mut listed: Vec<ComputedItem> = items
            .iter()
            .map(|i| ComputedItem {
                kind: i.kind,
                description: i.description.clone(),
                counterparty: i.counterparty.clone(),
                document: i.document.clone(),
                date: i.date,
                amount: i.amount,
            })
            .collect();
        listed.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.date.cmp(&b.date)));
        Ok(Computation {
            year,
            quarter,
            from,
            to,
            items: listed,
            cost,
            funding,
            rule: sharing.remainder,
            parties: sharing.parties.iter().map(|p| p.name.clone()).collect(),
            spans,
            shares,
        })
    }

    /// A recharge invoice from the host to one party for its share of a quarter, or a credit
    /// note that cancels one when the quarter's costs were corrected.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Recharge {
        /// The cost-sharing agreement.
        pub sharing: Uuid,
        pub title: String,
        pub number: String,
        pub credit: bool,
        /// For a credit note: the invoice it cancels.
        pub credits: Option<String>,
        pub credits_date: Option<NaiveDate>,
        pub host: super::Party,
        pub host_business_id: String,
        /// Street, postal code, city.
        pub host_address: [String; 3],
        pub recipient: super::Party,
        pub recipient_business_id: String,
        pub recipient_address: [String; 3],
        pub year: i32,
        pub quarter: u32,
        /// 1 for the quarter's first recharges, 2 after its first correction, and so on.
        pub round: u32,
        /// Cents, positive; a credit note's amount is what it takes back.
        pub amount: i64,
        pub issue_date: NaiveDate,
        pub due_date: NaiveDate,
        /// The Finnish reference number (viitenumero) the payment carries.
        pub reference: String,
        pub account: String,
        pub bic: String,
        pub computation: Computation,
    }
}

pub use shared_invoices::*;

/// The host's received invoices as shared costs: which quarter an invoice belongs to, and how
/// much of it the parties share when it bills shared and unshared commitments alike.
mod shared_invoices {
    use super::{CostItem, CostKind};
    use crate::agreement::Signature;
    use crate::invoice::ReceivedInvoice;
    use chrono::NaiveDate;
    use uuid::Uuid;

    /// The day that puts a received invoice in a quarter: the last day of the period it bills
    /// (the NGO bills the quarter's work after it), else the period's first day, else its
    /// issue date.
    pub fn invoice_cost_date(inv: &ReceivedInvoice) -> Option<NaiveDate> {
        inv.period_end.or(inv.period_start).or(inv.issue_date)
    }

    /// What the host paid on the lines of `inv` that bill a shared commitment, in cents,
    /// negative for a credit note: [`ReceivedInvoice::paid`] in the proportion of those
    /// lines' net sums to all lines', rounded half away from zero. All of it when every line
    /// is shared. `None` before approval or when no line bills a shared commitment.
    pub fn shared_part(inv: &ReceivedInvoice, shared: &dyn Fn(&str) -> bool) -> Option<i64> {
        let paid = i128::from(inv.paid()?.cents());
        let net = |only_shared: bool| -> i128 {
            inv.lines
                .iter()
                .filter(|l| !only_shared || l.commitment.as_deref().is_some_and(shared))
                .map(|l| i128::from(l.net.cents().abs()))
                .sum()
        };
        let (part, all) = (net(true), net(false));
        if part == 0 || all == 0 {
            return None;
        }
        if part == all {
            return i64::try_from(paid).ok();
        }
        let scaled = paid * part;
        let half = all / 2;
        let rounded = if scaled >= 0 {
            (scaled + half) / all
        } else {
            (scaled - half) / all
        };
        i64::try_from(rounded).ok()
    }

    /// The cost a shared invoice becomes in the quarter `year`/`quarter`: its seller and
    /// number, what its shared lines bill, and its shared part.
    pub fn invoice_cost(
        id: Uuid,
        inv: &ReceivedInvoice,
        amount: i64,
        date: NaiveDate,
        (year, quarter): (i32, u32),
        entered: Signature,
    ) -> CostItem {
        let mut names: Vec<&str> = Vec::new();
        for l in &inv.lines {
            let n = l.name.trim();
            if !n.is_empty() && !names.contains(&n) {
                names.push(n);
            }
        }
        let mut description: String = names.join("; ").chars().take(500).collect();
        if description.is_empty() {
            description.clone_from(&inv.number);
        }
        CostItem {
            year,
            quarter,
            kind: CostKind::ProviderInvoice,
            description,
            counterparty: inv.seller_name.chars().take(200).collect(),
            document: inv.number.chars().take(100).collect(),
            date,
            amount,
            after_round: 0,
            entered,
            invoice: Some(id),
        }
    }
}
