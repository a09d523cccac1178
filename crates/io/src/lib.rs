//! The tables of the data contract (`docs/data-contract.md`): their columns and Chinese
//! aliases, reading them from CSV or XLSX with every bad row reported, and writing them back.
//!
//! Reading is streaming: a 6-million-row balances file is parsed row by row into typed records
//! handed to a callback, so the caller can resolve references and keep only what it needs.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod advice;
pub mod dataset;
pub mod read;
pub mod records;
pub mod registers;
pub mod tables;
pub mod write;

pub use read::{
    Encoding, ReadError, ReadOptions, ReadSummary, RowError, read_records, read_records_bytes,
};
pub use records::Record;
pub use tables::{Column, Table};
pub use write::write_table;
