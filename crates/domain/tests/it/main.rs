//! The one integration-test binary of `domain`.

mod access;
mod calendar;
mod codes;
mod ident;
mod locale;
mod money;
