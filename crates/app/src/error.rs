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
    /// One of the above with a stable code and parameters, so that the web says it in the
    /// user's language (`msg-<code>` in its catalogues); the CLI prints the English text.
    Said(Kind, Box<Said>),
}

/// What kind of error a [`Said`] message is (how the caller answers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Forbidden,
    NotFound,
    Invalid,
    Conflict,
}

/// A message with a stable code, its parameters, and its English text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub english: String,
}

/// Every code a [`Said`] message may carry; the web's catalogues have `msg-<code>` for each in
/// every language (a test checks).
pub const CODES: &[&str] = &[
    "own-request",
    "run-not-submitted",
    "run-superseded",
    "run-locked",
    "run-done",
    "run-not-approved",
    "client-not-in-scope",
    "policy-already-adopted",
    "policy-not-adopted",
    "period-missing",
    "period-invalid",
    "period-wrong-frequency",
    "policy-unknown",
    "amount-invalid",
    "rate-no-scorecard",
    "rate-not-allowed",
    "rate-unknown-item",
    "score-out-of-range",
    "score-invalid",
    "rate-period-approved",
    "not-allowed",
    "done-at-same-moment",
    "decided-already",
    "request-open",
    "line-disputed",
    "proposal-decided",
    "step-signed",
    "step-signed-meanwhile",
    "proposals-none-open",
    "reconciliation-overridden",
    "register-exists",
    "register-changed",
    "request-open-now",
    "line-disputed-now",
    "adjustment-exists",
    "reconciliation-overridden-now",
    "period-locked-now",
    "owner-changed",
    "claim-owned-meanwhile",
    "claim-nobody-owns",
    "outing-returned",
    "log-signed",
    "period-locked-meanwhile",
    "scenario-gone",
    "scenario-name-invalid",
    "scenario-name-taken",
    "scenario-not-yours",
    // Refusals of the store (StoreError::Refused).
    "lock-no-run",
    "lock-run-other-period",
    "dispute-reason-required",
    "decision-reason-required",
    "adjustment-period-locked",
    "manager-gone",
    "override-reason-required",
    "override-period-locked",
    "assessment-run-unknown",
    "assessment-no-result",
    "grade-not-on-ladder",
    "step-unknown",
    "step-out-of-order",
    "step-same-signer",
];

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid(m: impl Into<String>) -> Error {
        Error::Invalid(m.into())
    }

    /// An error with a code from [`CODES`], its parameters and its English text.
    pub fn said(
        kind: Kind,
        code: &'static str,
        args: &[(&'static str, String)],
        english: impl Into<String>,
    ) -> Error {
        debug_assert!(CODES.contains(&code), "{code} is not in CODES");
        Error::Said(
            kind,
            Box::new(Said {
                code,
                args: args.to_vec(),
                english: english.into(),
            }),
        )
    }

    /// The kind of a coded or plain error (`None` for rows and internal errors).
    pub fn kind(&self) -> Option<Kind> {
        match self {
            Error::Forbidden(_) => Some(Kind::Forbidden),
            Error::NotFound(_) => Some(Kind::NotFound),
            Error::Invalid(_) => Some(Kind::Invalid),
            Error::Conflict(_) => Some(Kind::Conflict),
            Error::Said(k, _) => Some(*k),
            Error::Rows(_) | Error::Internal(_) => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Error::Said(_, s) => s.english.clone(),
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
            StoreError::Taken(t) => Error::Said(
                Kind::Conflict,
                Box::new(Said {
                    code: t.code,
                    args: t.args,
                    english: t.english,
                }),
            ),
            StoreError::Refused(t) => Error::Said(
                Kind::Invalid,
                Box::new(Said {
                    code: t.code,
                    args: t.args,
                    english: t.english,
                }),
            ),
            StoreError::NotFound(m) => Error::NotFound(m),
            // Two requests that did the same thing at once: the database's unique keys let
            // one through; the other was already done.
            StoreError::Db(e) if e.is_unique_violation() => Error::said(
                Kind::Conflict,
                "done-at-same-moment",
                &[],
                format!(
                    "this was done by someone else at the same moment; reload to see it ({})",
                    e.message
                ),
            ),
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
