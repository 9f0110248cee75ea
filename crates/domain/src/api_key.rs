//! API keys for a provider's own systems (as the PSOP interface has them): created by the
//! provider's administrator, shown once, kept only as a hash, valid for at most a year, scoped
//! to the provider and to named operations, and revocable. A call made with a key acts as the
//! provider's worker would, within the key's operations only, and is logged with the key.

use crate::validate::FieldErrors;
use serde::{Deserialize, Serialize};

/// The longest a key may be valid.
pub const MAX_VALID_DAYS: i64 = 365;

/// What a key may be used for.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Operation {
    /// Send visits in bulk (`POST /api/v1/visits`).
    #[serde(rename = "visits.write")]
    VisitsWrite,
    /// Read a commitment's month of visits (`GET /api/v1/visits`).
    #[serde(rename = "visits.read")]
    VisitsRead,
    /// List the commitments sent to the provider (`GET /api/v1/commitments`).
    #[serde(rename = "commitments.read")]
    CommitmentsRead,
    /// Send e-invoices (`POST /api/v1/invoices`) and read where they stand.
    #[serde(rename = "invoices.write")]
    InvoicesWrite,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::VisitsWrite,
        Operation::VisitsRead,
        Operation::CommitmentsRead,
        Operation::InvoicesWrite,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Operation::VisitsWrite => "visits.write",
            Operation::VisitsRead => "visits.read",
            Operation::CommitmentsRead => "commitments.read",
            Operation::InvoicesWrite => "invoices.write",
        }
    }

    pub fn parse(s: &str) -> Option<Operation> {
        Operation::ALL.into_iter().find(|o| o.code() == s.trim())
    }
}

/// The form a provider's administrator fills in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ApiKeyForm {
    pub name: String,
    pub operations: Vec<String>,
    /// Days from today; at most [`MAX_VALID_DAYS`].
    pub valid_days: String,
}

/// A checked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKeyData {
    pub name: String,
    pub operations: Vec<Operation>,
    pub valid_days: i64,
}

impl ApiKeyForm {
    pub fn validate(&self) -> Result<ApiKeyData, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.required("name", &self.name, 100);
        let mut operations = Vec::new();
        for o in &self.operations {
            match Operation::parse(o) {
                Some(op) if !operations.contains(&op) => operations.push(op),
                Some(_) => {}
                None => e.add("operations", "invalid-choice"),
            }
        }
        if operations.is_empty() && e.get("operations").is_none() {
            e.add("operations", "api-key-operations-required");
        }
        operations.sort();
        let valid_days = match self.valid_days.trim().parse::<i64>() {
            Ok(d) if (1..=MAX_VALID_DAYS).contains(&d) => d,
            _ => {
                e.add("valid_days", "api-key-validity");
                0
            }
        };
        if e.is_empty() {
            Ok(ApiKeyData {
                name,
                operations,
                valid_days,
            })
        } else {
            Err(e)
        }
    }
}
