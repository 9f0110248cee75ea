use domain::access::Denial;
use domain::validate::FieldErrors;

/// Why a use case did not happen. Each has a stable code that the UI translates (Fluent id
/// `error-<code>`) and the JSON API returns.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("access denied: {}", .0.code())]
    Denied(Denial),
    #[error("not found")]
    NotFound,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Wrong user name or password, a locked or deactivated account: deliberately one error, so
    /// that the answer does not tell which.
    #[error("sign-in failed")]
    SignInFailed,
    /// Too many failed tries from this address (or from everywhere) for now.
    #[error("too many tries")]
    Throttled,
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("{0}")]
    Internal(String),
}

impl ServiceError {
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::Unauthenticated => "unauthenticated",
            ServiceError::Denied(d) => d.code(),
            ServiceError::NotFound => "not-found",
            ServiceError::Invalid(_) => "invalid-input",
            ServiceError::SignInFailed => "sign-in-failed",
            ServiceError::Throttled => "too-many-tries",
            ServiceError::Db(_) | ServiceError::Internal(_) => "internal",
        }
    }

    /// Every code, for the test that each has a message in every language.
    pub const ALL_CODES: &'static [&'static str] = &[
        "unauthenticated",
        "access-not-applicable",
        "access-other-organisation",
        "access-missing-role",
        "access-family-account",
        "access-key-scope",
        "access-not-in-force",
        "access-outside-period",
        "access-no-task",
        "access-other-unit",
        "not-found",
        "invalid-input",
        "sign-in-failed",
        "too-many-tries",
        "internal",
    ];
}

pub type ServiceResult<T> = Result<T, ServiceError>;
