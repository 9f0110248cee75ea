//! The one integration-test binary of `web`.
