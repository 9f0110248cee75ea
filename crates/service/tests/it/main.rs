//! The one integration-test binary of `service`: use cases on a real database (SQLite, and
//! PostgreSQL when `KUMPPANI_TEST_DATABASE_URL` names a server).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod admission;
mod agreement;
mod clients;
mod cost_sharing;
mod delivery;
mod invoice;
mod log_requests;
mod registers;
mod retention;
mod sign_in;
mod supervision;
mod task_access;
mod versions;

use domain::audit::AuditEntry;

/// Every entry of the log, oldest first.
pub async fn log(w: &testkit::World) -> Vec<AuditEntry> {
    testkit::audit_log(w.service.db()).await
}
