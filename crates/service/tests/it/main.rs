//! The one integration-test binary of `service`.
