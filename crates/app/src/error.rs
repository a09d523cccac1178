//! The errors of a use case, by what the caller should do about them: the CLI prints them,
//! the web answers 403, 404, 422, 409 or 500.

use kejing_store::StoreError;
use std::fmt;

/// What went wrong in a use case.
#[derive(Debug)]
pub enum Error {
    /// The acting user's role may not do this, or the thing is outside their scope.
    Forbidden(String),
    /// What the request names does not exist (in the actor's organisation).
    NotFound(String),
    /// The input is wrong; the message says what to do.
    Invalid(String),
    /// Someone else already decided or did this; the message says who and when.
    Conflict(String),
    /// A file could not be read or has bad rows (each with file, row, column and reason);
    /// nothing was written.
    Rows(kejing_io::ReadError),
    /// Something failed that the user cannot fix (a database error); logged with a reference.
    Internal(String),
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(m: impl Into<String>) -> Error {
        Error::Invalid(m.into())
    }

    pub fn message(&self) -> String {
        match self {
            Error::Rows(e) => e.to_string(),
            Error::Forbidden(m)
            | Error::NotFound(m)
            | Error::Invalid(m)
            | Error::Conflict(m)
            | Error::Internal(m) => m.clone(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(m) => Error::Invalid(m),
            StoreError::Conflict(m) => Error::Conflict(m),
            StoreError::NotFound(m) => Error::NotFound(m),
            // Two requests that did the same thing at once: the database's unique keys let
            // one through; the other was already done.
            StoreError::Db(e) if e.is_unique_violation() => Error::Conflict(format!(
                "this was done by someone else at the same moment; reload to see it ({})",
                e.message
            )),
            StoreError::Db(e) => Error::Internal(e.to_string()),
        }
    }
}

impl From<kejing_store::sql::DbError> for Error {
    fn from(e: kejing_store::sql::DbError) -> Self {
        Error::from(StoreError::Db(e))
    }
}

impl From<kejing_store::ImportError> for Error {
    fn from(e: kejing_store::ImportError) -> Self {
        match e {
            kejing_store::ImportError::Store(s) => Error::from(s),
            kejing_store::ImportError::Read(r) => Error::Rows(r),
        }
    }
}
