//! Why a workflow did not do what it was asked. The web layer turns each into
//! its status and error shape, the CLI into a message and an exit status.

use pocnet_domain::FieldError;
use pocnet_store::StoreError;

/// A workflow's failure.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One input field broke a rule.
    #[error(transparent)]
    Validation(#[from] FieldError),
    /// Several fields broke rules (all reported at once).
    #[error("{} fields are invalid", .0.len())]
    Invalid(Vec<FieldError>),
    /// The caller may not do this (or see this record).
    #[error("forbidden")]
    Forbidden,
    /// No such record, or one the caller may not know of.
    #[error("not found")]
    NotFound,
    /// The request collides with the records as they are now.
    #[error("{code}: {message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
        /// The field concerned, if one.
        field: Option<String>,
    },
    /// A rule of the policy or the record's state refuses the request (422).
    #[error("{code}: {message}")]
    Rule {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
    },
    /// Wrong username or password, or an account that may not sign in (401).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failed sign-ins (429): the counter that refused and until when.
    #[error("sign-in refused until {until}")]
    Throttled {
        /// The sign-in counter that refused.
        scope: pocnet_domain::login_guard::Scope,
        /// When a sign-in may be tried again.
        until: chrono::DateTime<chrono::Utc>,
        /// When it was refused.
        now: chrono::DateTime<chrono::Utc>,
    },
    /// A limit on how often something may be done was reached (429).
    #[error("{code}: {message}")]
    TooMany {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
    },
    /// Something that cannot happen did (a poisoned lock, an unreadable stored document).
    #[error("internal: {0}")]
    Internal(String),
    /// The database failed or found a stored record it cannot read.
    #[error(transparent)]
    Store(StoreError),
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Self {
        match <[FieldError; 1]>::try_from(errors) {
            Ok([one]) => Error::Validation(one),
            Err(many) => Error::Invalid(many),
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Error::NotFound,
            other => Error::Store(other),
        }
    }
}

impl From<pocnet_domain::recognition::TransitionError> for Error {
    fn from(e: pocnet_domain::recognition::TransitionError) -> Self {
        match e.code {
            "illegal_transition" => Error::Conflict { code: e.code, message: e.message, field: None },
            "action_not_allowed" => Error::Forbidden,
            _ => Error::Rule { code: e.code, message: e.message },
        }
    }
}

impl Error {
    /// A rule's refusal.
    pub fn rule(code: &'static str, message: impl Into<String>) -> Self {
        Error::Rule { code, message: message.into() }
    }
}

/// Result of a workflow.
pub type Result<T> = std::result::Result<T, Error>;
