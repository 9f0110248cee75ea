//! Limits on guessing. A one-time code is eight digits and a password is whatever its owner
//! chose: both fall to enough tries. Failed tries are counted per client address (and, for
//! codes, from all addresses together, since a guesser can spread over many) in fixed windows;
//! past the limit every try is refused until the window ends, the right one included.
//!
//! The counts live in the process: with several instances behind a load balancer each counts
//! its own, which multiplies the limit by the number of instances but never removes it.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::sync::Mutex;

/// What is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Wrong one-time codes from one client address.
    CodeFromAddress,
    /// Wrong one-time codes from everywhere.
    CodeFromAll,
    /// Failed sign-ins from one client address, whatever the user name.
    SignInFromAddress,
}

/// How many failures a window allows, and how long a window is.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub failures: u32,
    pub window: Duration,
}

#[derive(Debug, Clone)]
pub struct ThrottleSettings {
    pub code_from_address: Limit,
    pub code_from_all: Limit,
    pub sign_in_from_address: Limit,
}

impl Default for ThrottleSettings {
    fn default() -> Self {
        ThrottleSettings {
            // A family mistyping a code a few times is normal; ten in a quarter hour is not.
            code_from_address: Limit {
                failures: 10,
                window: Duration::minutes(15),
            },
            // With ~10^4 codes open at once, 500 wrong guesses an hour from everywhere give a
            // guesser about one hit in twenty hours; a family rarely meets the limit.
            code_from_all: Limit {
                failures: 500,
                window: Duration::hours(1),
            },
            // Above the account lockout (5 in a row), so that it catches one address trying
            // many user names rather than one person mistyping.
            sign_in_from_address: Limit {
                failures: 30,
                window: Duration::minutes(15),
            },
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Window {
    start: DateTime<Utc>,
    failures: u32,
}

#[derive(Debug, Default)]
pub struct Throttle {
    counts: Mutex<HashMap<(Kind, String), Window>>,
}

impl Throttle {
    fn limit(settings: &ThrottleSettings, kind: Kind) -> Limit {
        match kind {
            Kind::CodeFromAddress => settings.code_from_address,
            Kind::CodeFromAll => settings.code_from_all,
            Kind::SignInFromAddress => settings.sign_in_from_address,
        }
    }

    /// Whether tries of `kind` from `key` are refused now.
    pub fn blocked(&self, s: &ThrottleSettings, kind: Kind, key: &str, now: DateTime<Utc>) -> bool {
        let limit = Self::limit(s, kind);
        let Ok(counts) = self.counts.lock() else {
            // A poisoned lock means a panic elsewhere; refusing is the safe side.
            return true;
        };
        counts
            .get(&(kind, key.to_owned()))
            .is_some_and(|w| now < w.start + limit.window && w.failures >= limit.failures)
    }

    /// Counts a failed try of `kind` from `key`.
    pub fn failed(&self, s: &ThrottleSettings, kind: Kind, key: &str, now: DateTime<Utc>) {
        let limit = Self::limit(s, kind);
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        // Old windows go when the map grows, so that many addresses cannot fill memory.
        if counts.len() > 100_000 {
            counts.retain(|(k, _), w| now < w.start + Self::limit(s, *k).window);
        }
        let w = counts.entry((kind, key.to_owned())).or_insert(Window {
            start: now,
            failures: 0,
        });
        if now >= w.start + limit.window {
            *w = Window {
                start: now,
                failures: 0,
            };
        }
        w.failures = w.failures.saturating_add(1);
    }
}
