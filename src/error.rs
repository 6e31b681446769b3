//! One error type for the crate. Each variant maps to a status code of the spec; the message is
//! meant for the client. `routes/errors.rs` picks the body format (JSON, text or page).

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// 400 with a message for the client.
    BadRequest(String),
    /// 401 with a message for the client.
    Unauthorized(String),
    /// 403 with a message for the client.
    Forbidden(String),
    /// 404 with a message for the client.
    NotFound(String),
    /// 406: nothing acceptable to offer.
    NotAcceptable(String),
    /// 409 with a message for the client.
    Conflict(String),
    /// 410: deleted.
    Gone(String),
    /// 413: over a size bound.
    TooLarge(String),
    /// 415: a body type the endpoint does not take.
    Unsupported(String),
    /// 429: too many failed attempts (logins) from this account or address.
    TooMany(String),
    /// 503 with a Retry-After header: a bound was reached.
    Busy(String),
    /// OAuth-layer failure: text/plain with `WWW-Authenticate` (api.md §1.5).
    OAuth(u16, &'static str),
    /// Anything the client did not cause; logged, answered 500 without details.
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> u16 {
        match self {
            Error::BadRequest(_) => 400,
            Error::Unauthorized(_) => 401,
            Error::Forbidden(_) => 403,
            Error::NotFound(_) => 404,
            Error::NotAcceptable(_) => 406,
            Error::Conflict(_) => 409,
            Error::Gone(_) => 410,
            Error::TooLarge(_) => 413,
            Error::Unsupported(_) => 415,
            Error::TooMany(_) => 429,
            Error::Busy(_) => 503,
            Error::OAuth(s, _) => *s,
            Error::Internal(_) => 500,
        }
    }

    /// The text shown to the client (never internals).
    pub fn message(&self) -> &str {
        match self {
            Error::BadRequest(m)
            | Error::Unauthorized(m)
            | Error::Forbidden(m)
            | Error::NotFound(m)
            | Error::NotAcceptable(m)
            | Error::Conflict(m)
            | Error::Gone(m)
            | Error::TooLarge(m)
            | Error::Unsupported(m)
            | Error::TooMany(m)
            | Error::Busy(m) => m,
            Error::OAuth(_, m) => m,
            Error::Internal(_) => "Internal server error",
        }
    }

    pub fn bad(m: impl Into<String>) -> Self {
        Error::BadRequest(m.into())
    }

    pub fn internal(m: impl fmt::Display) -> Self {
        Error::Internal(m.to_string())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Internal(m) => write!(f, "internal error: {m}"),
            other => write!(f, "{} {}", other.status(), other.message()),
        }
    }
}

impl std::error::Error for Error {}

/// `From` for error types that can only mean something went wrong inside the server (the
/// store's are declared in `store/`).
macro_rules! internal_from {
    ($($t:ty),*) => {$(
        impl From<$t> for $crate::error::Error {
            fn from(e: $t) -> Self { $crate::error::Error::Internal(e.to_string()) }
        }
    )*};
}
pub(crate) use internal_from;

internal_from!(std::io::Error);

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Internal(format!("stored JSON: {e}"))
    }
}
