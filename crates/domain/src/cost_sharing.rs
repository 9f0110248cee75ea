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

/// A cost over a period whose basis changed within it: the cost divided by days among the
/// bases in force (each from its first day), then each part by its basis. `versions` are in
/// date order; the first one in force on `from` applies until the next.
pub fn split_by_days(
    cost: i64,
    funding: i64,
    from: NaiveDate,
    to: NaiveDate,
    versions: &[(NaiveDate, Basis)],
    remainder: Remainder,
    parties: usize,
) -> Vec<i64> {
    let mut spans: Vec<(i64, &Basis)> = Vec::new();
    for (i, (start, basis)) in versions.iter().enumerate() {
        let next = versions.get(i + 1).map(|(d, _)| *d);
        let a = (*start).max(from);
        let b = match next {
            Some(n) => n.pred_opt().unwrap_or(n).min(to),
            None => to,
        };
        let days = (b - a).num_days() + 1;
        if days > 0 {
            spans.push((days, basis));
        }
    }
    let day_weights: Vec<u128> = spans.iter().map(|(d, _)| *d as u128).collect();
    let costs = largest_remainder(cost, &day_weights);
    let fundings = largest_remainder(funding, &day_weights);
    let mut out = vec![0i64; parties];
    for ((_, basis), (c, f)) in spans.iter().zip(costs.into_iter().zip(fundings)) {
        for (o, s) in out.iter_mut().zip(split(c, f, basis, remainder)) {
            *o += s;
        }
    }
    out
}
