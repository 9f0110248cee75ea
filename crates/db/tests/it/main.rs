//! The one integration-test binary of `db`.
