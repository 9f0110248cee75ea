//! The one integration-test binary of `db`. Runs on SQLite, and on PostgreSQL when
//! `KUMPPANI_TEST_DATABASE_URL` names a server (as `scripts/test` does).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod audit_chain;
mod role;
mod schema;
