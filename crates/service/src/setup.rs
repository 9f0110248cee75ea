//! Set-up without an actor: the first organisation and user of a deployment, the demo's
//! procurements, and the look-ups start-up code needs. These skip the access policy (there is
//! no user yet, or the caller is the operator), so they live on a handle of their own instead of
//! on [`Service`]: the web tier is built on `Service` alone, and `crates/web/clippy.toml`
//! refuses `Service::setup` there, so no request can reach them. The binary (`kumppani demo`,
//! the benches) and the test kit take the handle with `service.setup()`.

use crate::Service;

/// The operator's handle; see the module comment.
pub struct Setup {
    service: Service,
}

impl Service {
    /// The operator's set-up handle: for the binary and the test kit only.
    pub fn setup(&self) -> Setup {
        Setup {
            service: self.clone(),
        }
    }
}

/// Set-up uses the service's own helpers (transactions, the log's writer) as a use case does.
impl std::ops::Deref for Setup {
    type Target = Service;

    fn deref(&self) -> &Service {
        &self.service
    }
}
