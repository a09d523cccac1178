//! kejing's application layer. Every use case is one function that takes the store, the
//! acting user and its input, checks the actor's role and scope itself, and runs in one
//! transaction ([`kejing_store::Store::write`]). The CLI and the web only parse input, call a
//! use case and render what it returns; neither imports the other.
//!
//! One module per area: [`access`] (roles, scope, users, passwords), [`catalogue`] (policies),
//! [`imports`], [`transfers`] (the 管户 ledger's transfers), [`settlement`] (with [`reconciliation`]), [`disputes`],
//! [`assessment`], [`daily`] (registers, log sign-off, daily breaches).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod access;
pub mod adoption;
pub mod advice;
pub mod agreements;
pub mod assessment;
pub mod cases;
pub mod catalogue;
pub mod claims;
pub mod daily;
pub mod disputes;
pub mod error;
pub mod imports;
pub mod inbox;
pub mod login;
pub mod maintenance;
pub mod rating;
pub mod reconciliation;
pub mod run_review;
pub mod scenarios;
pub mod settlement;
pub mod transfers;

pub use access::{Action, Actor, Role};
pub use error::{Error, Result};
pub use kejing_store::clock::Clock;
