//! The one integration-test binary of `notice`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod eforms;
mod hilma;
mod pairs;
mod ted;
mod xml;
