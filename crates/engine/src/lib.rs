//! The pure core of kejing.
//!
//! Everything here is deterministic and free of IO: no database, no file system, no clock, no
//! async. The shell crates (`kejing-io`, `kejing-store`, the `kejing` binary) read data, call
//! into this crate and show what it returns.
//!
//! Money and ratios are exact decimals; `clippy::float_arithmetic` is denied for the workspace.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod advice;
pub mod assess;
pub mod daily;
pub mod data;
pub mod decimal;
pub mod expr;
pub mod ids;
pub mod ledger;
pub mod model;
pub mod money;
pub mod period;
pub mod phrase;
pub mod policy;
pub mod ratio;
pub mod registers;
pub mod settle;

pub use decimal::{DecimalError, parse_decimal};
pub use ids::{Code, CodeError};
pub use money::{Money, MoneyError};
pub use period::{Period, PeriodError};
pub use ratio::{Ratio, RatioError};
