//! Signed checkpoints of the access log's head. The hash chain names an entry edited in place,
//! but whoever can write to the database can also delete the newest entries and rewrite the
//! head row to match, and the chain still verifies. A checkpoint is the head (sequence number
//! and hash) at a moment, signed with a key kept outside the database (HMAC-SHA-256) and
//! written outside it too; `kumppani audit verify --checkpoints` then finds entries that a
//! checkpoint saw and the log no longer has, or has with another hash.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The head of the log at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("the key must be at least 32 bytes written as hexadecimal")]
    Key,
    #[error("line {0} is not a checkpoint (sequence, hash, time, signature)")]
    Format(usize),
    #[error("line {0} is not signed with this key")]
    Signature(usize),
}

/// Reads a key written as hexadecimal (at least 32 bytes, so 64 characters).
pub fn parse_key(text: &str) -> Result<Vec<u8>, CheckpointError> {
    let key = hex::decode(text.trim()).map_err(|_| CheckpointError::Key)?;
    if key.len() < 32 {
        return Err(CheckpointError::Key);
    }
    Ok(key)
}

fn mac(key: &[u8], cp: &Checkpoint) -> Result<HmacSha256, CheckpointError> {
    let mut m = HmacSha256::new_from_slice(key).map_err(|_| CheckpointError::Key)?;
    m.update(
        format!(
            "kumppani-audit-checkpoint\n{}\n{}\n{}",
            cp.seq,
            cp.hash,
            cp.at.to_rfc3339()
        )
        .as_bytes(),
    );
    Ok(m)
}

/// The checkpoint as one line of the checkpoints file: `seq hash time signature`.
pub fn line(key: &[u8], cp: &Checkpoint) -> Result<String, CheckpointError> {
    let sig = hex::encode(mac(key, cp)?.finalize().into_bytes());
    Ok(format!(
        "{} {} {} {sig}",
        cp.seq,
        cp.hash,
        cp.at.to_rfc3339()
    ))
}

/// Reads a checkpoints file, checking every line's signature. Empty lines are skipped.
pub fn read(key: &[u8], text: &str) -> Result<Vec<Checkpoint>, CheckpointError> {
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let n = i + 1;
        if l.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = l.split_whitespace().collect();
        let [seq, hash, at, sig] = parts[..] else {
            return Err(CheckpointError::Format(n));
        };
        let cp = Checkpoint {
            seq: seq.parse().map_err(|_| CheckpointError::Format(n))?,
            hash: hash.to_owned(),
            at: DateTime::parse_from_rfc3339(at)
                .map_err(|_| CheckpointError::Format(n))?
                .with_timezone(&Utc),
        };
        let sig = hex::decode(sig).map_err(|_| CheckpointError::Format(n))?;
        mac(key, &cp)?
            .verify_slice(&sig)
            .map_err(|_| CheckpointError::Signature(n))?;
        out.push(cp);
    }
    Ok(out)
}

/// What a checkpoint found wrong with the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The log ends before the checkpoint's entry: `first` is the first entry missing.
    Missing { first: i64, checkpoint: i64 },
    /// The entry the checkpoint saw has another hash now: it, or an entry after `after` (the
    /// previous checkpoint that still holds, or 0), was rewritten.
    Rewritten { seq: i64, after: i64 },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Missing { first, checkpoint } => write!(
                f,
                "entry {first} is missing: the log ends before entry {checkpoint}, which a signed checkpoint saw"
            ),
            Finding::Rewritten { seq, after } => write!(
                f,
                "entry {seq} differs from its signed checkpoint: an entry after {after} and up to {seq} was rewritten"
            ),
        }
    }
}

/// Compares checkpoints with the log: `last` is the log's newest sequence number and `hash_of`
/// gives an entry's stored hash. The first thing wrong, in the order of the log, is named.
pub fn check(
    checkpoints: &[Checkpoint],
    last: i64,
    hash_of: impl Fn(i64) -> Option<String>,
) -> Option<Finding> {
    let mut sorted: Vec<&Checkpoint> = checkpoints.iter().collect();
    sorted.sort_by_key(|c| c.seq);
    let mut good = 0;
    for cp in sorted {
        if cp.seq == 0 {
            continue;
        }
        if cp.seq > last {
            return Some(Finding::Missing {
                first: last + 1,
                checkpoint: cp.seq,
            });
        }
        match hash_of(cp.seq) {
            Some(h) if h == cp.hash => good = cp.seq,
            _ => {
                return Some(Finding::Rewritten {
                    seq: cp.seq,
                    after: good,
                })
            }
        }
    }
    None
}
