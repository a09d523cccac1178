//! kejing (客经): the command-line interface, the data generator and the web application over
//! the application layer (`kejing_app`), as a library so that tests can drive them in process.
//! `launch` is the composition root: the only module that knows both the CLI and the web.
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]
/// `println!` that returns an error instead of panicking when standard output is gone (for
/// example `kejing settle … | head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($t)*)?;
    }};
}

/// `print!` that returns an error instead of panicking when standard output is gone.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($t)*)?;
    }};
}

pub mod cli;
pub mod generate;
pub mod generate_advice;
pub mod generate_registers;
pub mod launch;
pub mod web;
