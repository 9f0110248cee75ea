//! The one integration-test binary of `web`: the locale files, and HTTP requests run in process
//! against the real router on a real database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod http;
mod locales;
mod pdf;
